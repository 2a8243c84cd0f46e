/**
 * The DICOM loader under mutated input (test/fixtures/dicom-fuzz/fuzzDicom.ts), with a fixed seed and a small
 * budget; `scripts/fuzz/dicom-loader.ts` runs the same harness with >= 10,000 inputs and watches for hangs and
 * memory. Every input must end in a result or an SdpmError naming the file, and a bad file among good
 * slices must be left out of its series.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goodSlices, inputFor, makeSeeds, runInput } from '../../../../fixtures/dicom-fuzz/fuzzDicom';
import { encodeJpegLossless } from './codecs/encodeJpegLossless';

const SHARED = new URL('../../../../../../shared/data', import.meta.url).pathname;
const BUDGET = 240;

test(`fuzz: ${BUDGET} mutated inputs (seed 20261204): no crash, every bad file an SdpmError naming it`, async () => {
  const seeds = await makeSeeds(SHARED, (px) => encodeJpegLossless(new Uint16Array(px.buffer), { width: 16, height: 16, components: 1, precision: 16, predictor: 1 }));
  const good = goodSlices();
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-fuzz-'));
  const counts = { ok: 0, rejected: 0 };
  const crashes: string[] = [];
  try {
    for (let i = 0; i < BUDGET; i++) {
      const { seed, bytes, kinds } = inputFor(seeds, 20261204, i);
      const o = await runInput(bytes, seed, join(dir, 'case'), good);
      if (o.kind === 'crash') crashes.push(`#${i} ${seed.name} [${kinds.join('+')}]: ${o.detail}`);
      else counts[o.kind]++;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`# fuzz: ${BUDGET} inputs, ${counts.ok} loaded, ${counts.rejected} rejected with a clear error, ${crashes.length} crashes\n`);
  assert.deepEqual(crashes, []);
  assert.ok(counts.rejected > BUDGET / 10, 'the mutations must actually break files');
});
