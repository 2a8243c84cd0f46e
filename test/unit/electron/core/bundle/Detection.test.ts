// detection.json: held-out detection per lesion kind is read only when its numbers agree, and refused naming the field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDetection } from '../../../../../electron/core/bundle/Detection';

const hem = { kind: 'hemorrhage', nCases: 40, nFound: 30, foundRate: 0.75, ci95: [0.588, 0.873], nCasesAll: 90, nFoundAll: 41, dice: 0.41, volumeRatioMedian: 0.8 };
const inf = { kind: 'infarct', nCases: 30, nFound: 1, foundRate: 1 / 30, ci95: [0.0008, 0.172], nCasesAll: 60, nFoundAll: 3, dice: 0.01, volumeRatioMedian: 0 };
const good = { schema: 1, method: 'largest-true-lesion-overlap', mode: 'avg', profile: 'cpu-fast', minTrueMl: 2, testSet: 't', kinds: [hem, inf], lesionFree: { nCases: 21, nWithFinding: 5, rate: 5 / 21, ci95: [0.082, 0.472] } };

test('a consistent record is read whole; lesionFree is optional', () => {
  const d = parseDetection(good);
  assert.deepEqual(d.kinds.map((k) => [k.kind, k.nCases, k.nFound, k.ci95]), [['hemorrhage', 40, 30, [0.588, 0.873]], ['infarct', 30, 1, [0.0008, 0.172]]]);
  assert.equal(d.lesionFree?.nWithFinding, 5);
  assert.equal(parseDetection({ ...good, lesionFree: undefined }).lesionFree, null);
});

test('numbers that disagree are refused, naming the field', () => {
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, foundRate: 0.8 }] }), /detection\.json: kinds\[0\]\.foundRate must be nFound \/ nCases = 30\/40/);
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, ci95: [0.8, 0.9] }] }), /kinds\[0\]\.ci95 must contain foundRate 0\.75/);
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, nFound: 41, foundRate: 41 / 40 }] }), /kinds\[0\]\.nFound must be an integer >= 0 <= 40/);
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, nCasesAll: 39 }] }), /kinds\[0\]\.nCasesAll must be an integer >= 40/);
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, nCases: 0, nFound: 0, foundRate: 0 }] }), /kinds\[0\]\.nCases must be an integer >= 1/);
  assert.throws(() => parseDetection({ ...good, lesionFree: { ...good.lesionFree, rate: 0.5 } }), /lesionFree\.rate must be nWithFinding \/ nCases/);
});

test('unknown kinds, a kind listed twice, no kinds, another schema or method are refused', () => {
  assert.throws(() => parseDetection({ ...good, kinds: [{ ...hem, kind: 'tumour' }] }), /kinds\[0\]\.kind/);
  assert.throws(() => parseDetection({ ...good, kinds: [hem, hem] }), /kinds\[1\] lists kind "hemorrhage" a second time/);
  assert.throws(() => parseDetection({ ...good, kinds: [] }), /kinds must list at least one lesion kind/);
  assert.throws(() => parseDetection({ ...good, schema: 2 }), /schema must be 1/);
  assert.throws(() => parseDetection({ ...good, method: 'any-overlap' }), /method/);
});
