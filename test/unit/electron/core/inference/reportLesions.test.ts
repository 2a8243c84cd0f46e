import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportLesions } from '../../../../../electron/core/inference/reportLesions';
import type { VolumePrediction } from '../../../../../electron/core/inference/predictVolume';
import type { Bundle } from '../../../../../electron/core/bundle/Bundle';
import type { Calibration } from '../../../../../electron/core/lesions/calibratedInterval';
import { parseCalibration } from '../../../../../electron/core/bundle/Calibration';
import { parseDetection } from '../../../../../electron/core/bundle/Detection';

const lesion = (id: number, volumeMl: number, meanHu: number) => ({ id, voxelCount: 10, volumeMl, centroidLps: [0, 0, 0], centroidIjk: [1, 1, 0], sliceRange: [0, 0], bboxIjk: { min: [0, 0, 0], max: [1, 1, 0] }, meanHu, minHu: meanHu, maxHu: meanHu, abc2: { volumeMl: 0 } });
const prediction = {
  dimensions: [2, 2, 1], probability: new Float32Array(4), mask: Uint8Array.from([1, 1, 0, 0]), idMap: Int32Array.from([1, 2, 0, 0]),
  lesions: [lesion(1, 18.2, 60), lesion(2, 0.3, 30)], totalVolumeMl: 18.5, voxelVolumeMl: 0.001, threshold: 0.5,
  dropped: [{ lesion: lesion(3, 0.7, 143), reason: { rule: 'meanHu', value: 143, limit: 'outside 15-100 HU', text: 'bone' }, boneFraction: null }],
  plausibilityRules: { meanHu: { min: 15, max: 100 } }, uncertainty: null,
} as unknown as VolumePrediction;
const types = [{ name: 'Intracranial hemorrhage', rule: 'meanHu >= 45', category: null, type: null, anatomicRegion: null, recommendedDisplayRgb: null }, { name: 'Cerebral infarction', rule: 'meanHu < 45', category: null, type: null, anatomicRegion: null, recommendedDisplayRgb: null }];
// a calibration built here until the trained bundle ships calibration.json (contract: /work/coord/calibration-contract.md)
const calibration: Calibration = parseCalibration({ schema: 1, method: 'split-conformal-relative', nominalCoverage: 0.9, cMl: 0.5, mode: 'all', profile: 'cpu-fast', nSamples: 4, study: { q: 0.25, nCalibration: 40, measuredCoverage: 0.9, nTest: 40 }, lesion: { q: 0.6, nCalibration: 90, measuredCoverage: 0.88, nTest: 75 }, calibrationSet: 'test', testSet: 'test' });

test('report.json lesion part: calibrated intervals contain the volumes, say what they mean; dropped candidates listed; kinds from labels.json', () => {
  const r = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration, detection: null } as unknown as Bundle, 'all');
  assert.deepEqual(r.calibratedIntervalMl, [18.5 - 0.25 * 19, 18.5 + 0.25 * 19]);
  for (const l of r.lesions) {
    assert.ok(l.calibratedIntervalMl !== null && l.calibratedIntervalMl[0] <= l.volumeMl && l.volumeMl <= l.calibratedIntervalMl[1]);
  }
  assert.deepEqual(r.lesions[1]?.calibratedIntervalMl, [0, 0.3 + 0.6 * 0.8]);
  assert.match(r.intervalNote, /^On 40 held-out synthetic cases .* 90% of cases \(nominal 90%\)\.$/);
  assert.match(r.lesionIntervalNote ?? '', /^On 75 lesions the model reported in held-out synthetic cases .* 88% of lesions \(nominal 90%\)\.$/);
  assert.deepEqual(r.lesions.map((l) => l.type), ['Intracranial hemorrhage', 'Cerebral infarction']);
  assert.deepEqual(r.droppedCandidates.map((d) => [d.id, d.rule, d.value]), [[3, 'meanHu', 143]]);
  assert.equal(r.sampleRangeMl, null);
  const none = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: null, detection: null } as unknown as Bundle, 'all');
  assert.equal(none.calibratedIntervalMl, null);
  assert.equal(none.lesionIntervalNote, null);
  assert.match(none.intervalNote, /no calibration \(calibration\.json\).*not a confidence interval/);
});

test('a calibration measured on another mode gives no calibrated interval, and the note says which mode it is for', () => {
  const r = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: { ...calibration, mode: 'avg' }, detection: null } as unknown as Bundle, 'all');
  assert.equal(r.calibratedIntervalMl, null);
  assert.ok(r.lesions.every((l) => l.calibratedIntervalMl === null));
  assert.equal(r.calibration, null);
  assert.match(r.intervalNote, /calibrated for mode "avg" only, and this result comes from mode "all"/);
  const same = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: { ...calibration, mode: 'avg' }, detection: null } as unknown as Bundle, 'avg');
  assert.deepEqual(same.calibratedIntervalMl, [18.5 - 0.25 * 19, 18.5 + 0.25 * 19]);
});

test("report.json states the bundle's held-out detection per lesion kind for the mode it was measured on", () => {
  const detection = parseDetection({ schema: 1, method: 'largest-true-lesion-overlap', mode: 'avg', profile: 'cpu-fast', minTrueMl: 2, testSet: 't', kinds: [{ kind: 'infarct', nCases: 20, nFound: 1, foundRate: 0.05, ci95: [0.001, 0.249], nCasesAll: 40, nFoundAll: 2 }] });
  const r = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: null, detection } as unknown as Bundle, 'avg');
  assert.match(r.detectionNote ?? '', /found the infarct in 5% of 20 cases .* This model misses most infarcts: a study in which it lists none does not rule one out\.$/);
  const other = reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: null, detection } as unknown as Bundle, 'all');
  assert.match(other.detectionNote ?? '', /measured for mode "avg" only/);
  assert.equal(reportLesions(prediction, { labels: { outputs: [], lesionTypes: types }, calibration: null, detection: null } as unknown as Bundle, 'avg').detectionNote, null);
});
