// scripts/eval/reviewQueueSweep.ts re-ranks a batch study's review queue offline with core's reviewQueue.
// At the engine's own level it must give back the queue the engine wrote; a lower level lists more.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectedComponents, reviewQueue, writeNifti, type Mat3, type Vec3 } from '../../../../electron/core/index';
import { reportThreshold, requeueStudy } from '../../../../scripts/eval/reviewQueueSweep';

const dims: Vec3 = [12, 10, 4];
const geom = { dimensions: dims, spacingMm: [1, 1, 2] as Vec3, originLps: [0, 0, 0] as Vec3, directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] as unknown as Mat3 };

async function study(): Promise<{ dir: string; mask: Uint8Array; prob: Float32Array }> {
  const dir = mkdtempSync(join(tmpdir(), 'rq-sweep-'));
  const n = dims[0] * dims[1] * dims[2];
  const mask = new Uint8Array(n);
  const prob = new Float32Array(n);
  const at = (i: number, j: number, k: number): number => i + dims[0] * (j + dims[1] * k);
  for (let k = 1; k <= 2; k++) for (let j = 2; j <= 4; j++) for (let i = 2; i <= 4; i++) { mask[at(i, j, k)] = 1; prob[at(i, j, k)] = 0.9; }
  for (let j = 2; j <= 5; j++) for (let i = 8; i <= 10; i++) prob[at(i, j, 2)] = 0.3; // a possible miss at 0.6 x threshold
  for (let j = 7; j <= 8; j++) for (let i = 1; i <= 3; i++) prob[at(i, j, 0)] = 0.15; // only at 0.3 x threshold
  await writeNifti(join(dir, 'mask.nii.gz'), { ...geom, voxels: mask });
  await writeNifti(join(dir, 'probability.nii.gz'), { ...geom, voxels: prob });
  return { dir, mask, prob };
}

test('at the engine level the re-ranked queue is the engine rule on the same inputs; a lower level lists the fainter region too', async () => {
  const { dir, mask, prob } = await study();
  const voxelMl = 0.002;
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ voxelVolumeMl: voxelMl, nUncertaintySamples: 0, settings: { parameters: { threshold: 0.5 } }, reviewQueue: { minSizeMl: 0.001 } }));
  const out = await requeueStudy(dir, [0.5, 0.25]);
  const engine = reviewQueue({ dimensions: dims, voxelMl, mask, idMap: connectedComponents(mask, dims).labels, probability: prob, threshold: 0.5, agreement: null }, { minSizeMl: 0.001 });
  const at05 = out.get(0.5)?.reviewQueue as ReturnType<typeof reviewQueue>;
  assert.deepEqual(at05, engine);
  assert.equal(at05.regions.length, 1);
  assert.equal(at05.regions[0]?.kind, 'possible-miss');
  assert.equal((out.get(0.25)?.reviewQueue as ReturnType<typeof reviewQueue>).regions.length, 2);
});

test('a report without a threshold, or from a run with samples, is refused with the file named', async () => {
  assert.throws(() => reportThreshold({ voxelVolumeMl: 1 }, '/x/report.json'), /\/x\/report.json: report.json has no threshold/);
  const { dir } = await study();
  writeFileSync(join(dir, 'report.json'), JSON.stringify({ voxelVolumeMl: 1, nUncertaintySamples: 4, settings: { parameters: { threshold: 0.5 } } }));
  await assert.rejects(requeueStudy(dir, [0.5]), /report.json: a run with samples/);
});
