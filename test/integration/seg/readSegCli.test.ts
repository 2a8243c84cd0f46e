/** User story: a core lab opens a dcmqi SEG with `sdpm read-seg` and gets its segments and volumes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const SDPM = join(import.meta.dirname, '../../../electron/cli/bin/sdpm.mjs');
const DCMQI = join(import.meta.dirname, '../../../../shared/data/seg/dcmqi/data/segmentations');

test('sdpm read-seg prints the five overlapping segments of dcmqi partial_overlaps.dcm with voxels and volumes', { skip: !existsSync(DCMQI) && 'dcmqi data missing' }, () => {
  const r = spawnSync(process.execPath, [SDPM, 'read-seg', join(DCMQI, 'partial_overlaps.dcm'), join(DCMQI, 'ct-3slice')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  process.stdout.write(`# ${out.trim().split('\n').join('\n# ')}\n`);
  assert.match(out, /BINARY SEG, 7 frames on 3 source slices/);
  assert.match(out, /segment 1 "GREEN".*: 9602 voxels, \d+\.\d\d mL/);
  assert.equal((out.match(/^ {2}segment /gm) ?? []).length, 5);
});
