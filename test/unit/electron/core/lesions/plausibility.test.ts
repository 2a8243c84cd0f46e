import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlausibility, boneContactFractions, maskWithout } from '../../../../../electron/core/lesions/plausibility';
import { measureLesions } from '../../../../../electron/core/lesions/measureLesions';
import { parsePostprocessing } from '../../../../../electron/core/bundle/Postprocessing';
import { parseCalibration } from '../../../../../electron/core/bundle/Calibration';
import { calibratedInterval } from '../../../../../electron/core/lesions/calibratedInterval';
import type { VolumeGeometry } from '../../../../../electron/core/dicom/Volume';

const geom: VolumeGeometry = { dimensions: [12, 12, 3], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] };
const at = (i: number, j: number, k: number): number => i + 12 * (j + 12 * k);

test('plausibility: each rule drops what it should, with the rule and the measured value; kept lesions keep their IDs', () => {
  const n = 12 * 12 * 3;
  const mask = new Uint8Array(n);
  const hu = new Float32Array(n).fill(30);
  for (let j = 1; j < 5; j++) for (let i = 1; i < 5; i++) { mask[at(i, j, 1)] = 1; hu[at(i, j, 1)] = 60; } // blood, 16 voxels
  for (let j = 7; j < 10; j++) for (let i = 7; i < 10; i++) { mask[at(i, j, 1)] = 1; hu[at(i, j, 1)] = 400; } // bone, 9 voxels
  mask[at(10, 1, 1)] = 1; // a speck, 1 voxel
  for (let j = 0; j < 12; j++) hu[at(0, j, 1)] = 1000; // skull along i = 0: blood touches it on one face
  const m = measureLesions(mask, geom, { hu });
  const rules = parsePostprocessing({ formatVersion: 1, plausibility: { minVolumeMl: 0.005, meanHu: { min: 15, max: 100 }, boneContact: { boneHu: 300, maxFraction: 0.5 } } }).plausibility;
  const out = applyPlausibility(m.lesions, m.idMap, hu, geom.dimensions, rules);
  assert.deepEqual(out.keptIds, [1]);
  assert.deepEqual(out.dropped.map((d) => [d.id, d.reason.rule]), [[2, 'meanHu'], [3, 'minVolumeMl']]);
  assert.equal(out.dropped[0]?.reason.value, 400);
  assert.match(out.dropped[0]?.reason.text ?? '', /bone or calcification/);
  const frac = boneContactFractions(m.idMap, hu, geom.dimensions, 300).get(1) ?? NaN;
  assert.ok(frac > 0 && frac < 0.5, `blood touches the skull on part of its surface (${frac})`);
  const kept = maskWithout(mask, m.idMap, [2, 3]);
  assert.equal(measureLesions(kept, geom).totalVoxelCount, 16);
  // no rules: nothing dropped
  assert.equal(applyPlausibility(m.lesions, m.idMap, hu, geom.dimensions, null).dropped.length, 0);
});

test('postprocessing.json and calibration.json: bad fields are named; intervals always contain the volume', () => {
  assert.throws(() => parsePostprocessing({ formatVersion: 1, plausibility: { meanHu: { min: 100, max: 15 } } }), /plausibility\.meanHu\.max.*greater than min/);
  assert.throws(() => parsePostprocessing({ formatVersion: 1, plausibility: { maxHu: 3 } }), /plausibility\.maxHu.*unknown rule/);
  assert.deepEqual(parsePostprocessing({ formatVersion: 1 }), { plausibility: null });
  const good = { schema: 1, method: 'split-conformal-relative', nominalCoverage: 0.9, cMl: 0.5, mode: 'all', profile: 'cpu-fast', nSamples: 4, study: { q: 0.3, nCalibration: 40, measuredCoverage: 0.9, nTest: 40 }, lesion: { q: 0.6, nCalibration: 80, measuredCoverage: 0.87, nTest: 70 }, calibrationSet: 'a', testSet: 'b' };
  const cal = parseCalibration(good);
  assert.throws(() => parseCalibration({ ...good, study: { ...good.study, q: -1 } }), /study\.q/);
  for (const v of [0, 0.01, 0.3, 18.17, 120]) {
    const iv = calibratedInterval(v, cal, 'study');
    assert.ok(iv.lowMl <= v && v <= iv.highMl && iv.lowMl >= 0);
    assert.equal(iv.highMl, v + 0.3 * (v + 0.5));
  }
});

test('a volume just under the minimum is printed so that it reads as under it', async () => {
  const { belowLimitText, checkLesion } = await import('../../../../../electron/core/lesions/plausibility');
  assert.equal(belowLimitText(0.0499, 0.05), '0.0499');
  assert.equal(belowLimitText(0.023, 0.05), '0.023');
  assert.match(checkLesion({ volumeMl: 0.04996, meanHu: 50 }, null, { minVolumeMl: 0.05 })?.text ?? '', /\(0\.04996 mL < 0\.05 mL\)/);
});
