import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNifti } from '../../../../../../electron/core/dicom/niftiWrite';
import { evaluateFolders } from '../../../../../../electron/core/volumetry/metrics/evaluateCases';
import { formatEvaluationCsv, formatEvaluationTable } from '../../../../../../electron/core/volumetry/metrics/formatEvaluation';
import { spawnSync } from 'node:child_process';
import type { VolumeGeometry } from '../../../../../../electron/core/dicom/Volume';

const g: VolumeGeometry = { dimensions: [10, 10, 4], spacingMm: [1, 1, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] };

function box(i0: number, i1: number): Uint8Array {
  const m = new Uint8Array(400);
  for (let k = 1; k < 3; k++) for (let j = 2; j < 6; j++) for (let i = i0; i < i1; i++) m[i + 10 * (j + 10 * k)] = 1;
  return m;
}

async function folders(): Promise<[string, string]> {
  const root = mkdtempSync(join(tmpdir(), 'sdpm-eval-'));
  const pred = join(root, 'pred');
  const ref = join(root, 'ref');
  mkdirSync(pred);
  mkdirSync(ref);
  // case a: pred 4 columns (i 2..5), ref 2 columns (i 2..3) -> Dice 2*16/(32+16) = 2/3; volumes 0.16 / 0.08 mL
  await writeNifti(join(pred, 'a.nii.gz'), { ...g, voxels: box(2, 6) });
  await writeNifti(join(ref, 'a.nii.gz'), { ...g, voxels: box(2, 4) });
  // case b: identical, 3 columns -> Dice 1, VDP 0; volumes 0.12 mL
  await writeNifti(join(pred, 'b.nii'), { ...g, voxels: box(1, 4) });
  await writeNifti(join(ref, 'b.nii.gz'), { ...g, voxels: box(1, 4) });
  await writeNifti(join(pred, 'orphan.nii.gz'), { ...g, voxels: box(1, 2) });
  return [pred, ref];
}

test('evaluateFolders pairs by file name and computes hand-checked Dice, volumes, VDP and VC', async () => {
  const [pred, ref] = await folders();
  const s = await evaluateFolders(pred, ref);
  assert.deepEqual(s.cases.map((c) => c.caseId), ['a', 'b']);
  const [a, b] = s.cases;
  assert.ok(a !== undefined && b !== undefined);
  assert.ok(Math.abs(a.dice - 2 / 3) < 1e-12);
  assert.ok(Math.abs(a.predMl - 0.16) < 1e-12 && Math.abs(a.refMl - 0.08) < 1e-12);
  assert.ok(Math.abs(a.vdp - 1) < 1e-12);
  assert.equal(b.dice, 1);
  assert.equal(b.vdp, 0);
  assert.equal(b.hd95Mm, 0);
  // VC over (0.16, 0.08) and (0.12, 0.12): two points -> r = ±1; pred up when ref down => -1
  assert.ok(Math.abs(s.vc - -1) < 1e-9);
  assert.ok(Math.abs(s.meanDice - (2 / 3 + 1) / 2) < 1e-12);
  assert.deepEqual(s.unpaired.pred, ['orphan']);
  assert.match(formatEvaluationTable(s), /Dice\s+VC\s+VDP/);
  assert.equal(formatEvaluationCsv(s).trim().split('\n').length, 5);
});

test('sdpm evaluate prints the table and writes the CSV', async () => {
  const [pred, ref] = await folders();
  const csv = join(pred, '..', 'out.csv');
  const r = spawnSync(process.execPath, [join(import.meta.dirname, '../../../../../../electron/cli/bin/sdpm.mjs'), 'evaluate', pred, ref, '--csv', csv], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /this run\s+0\.833\s+-1\.000\s+0\.500/);
  assert.match(readFileSync(csv, 'utf8'), /^case,dice,pred_ml/);
});

test('different grids are refused with GEOMETRY_MISMATCH naming the case', async () => {
  const [pred, ref] = await folders();
  await writeNifti(join(ref, 'a.nii.gz'), { ...g, spacingMm: [1, 1, 2.5], voxels: box(2, 4) });
  await assert.rejects(evaluateFolders(pred, ref), (e: { code?: string; message: string }) => e.code === 'GEOMETRY_MISMATCH' && e.message.startsWith('a:'));
});
