// The one sentence about held-out detection per lesion kind: rates with their CI, and a plain warning for a kind the
// model misses in most cases (a negative study does not rule it out).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDetection } from '../../../../../electron/core/bundle/Detection';
import { detectionNote } from '../../../../../electron/core/lesions/detectionByKind';

const det = (infFound: number) =>
  parseDetection({
    schema: 1,
    method: 'largest-true-lesion-overlap',
    mode: 'avg',
    profile: 'cpu-fast',
    minTrueMl: 2,
    testSet: 't',
    kinds: [
      { kind: 'hemorrhage', nCases: 40, nFound: 30, foundRate: 0.75, ci95: [0.588, 0.873], nCasesAll: 90, nFoundAll: 41 },
      { kind: 'infarct', nCases: 30, nFound: infFound, foundRate: infFound / 30, ci95: [0, 1], nCasesAll: 60, nFoundAll: infFound },
    ],
  });

test('rates per kind with their CI; a kind found in fewer than half its cases is named as mostly missed', () => {
  assert.equal(
    detectionNote(det(1), 'avg'),
    'On held-out synthetic cases not used for training, with 2 mL or more of lesion all of one kind, this model found the hemorrhage in 75% of 40 cases (95% CI 59%-87%) and the infarct in 3% of 30 cases (95% CI 0%-100%). This model misses most infarcts: a study in which it lists none does not rule one out.',
  );
  const half = detectionNote(det(15), 'avg') ?? '';
  assert.match(half, /the infarct in 50% of 30 cases/);
  assert.doesNotMatch(half, /misses most/);
  assert.match(detectionNote(det(14), 'avg') ?? '', /misses most infarcts/);
  // the false-alarm rate on lesion-free cases, when the record has it
  const withFree = parseDetection({ ...JSON.parse(JSON.stringify(det(1))), lesionFree: { nCases: 25, nWithFinding: 10, rate: 0.4, ci95: [0.21, 0.61] } });
  assert.match(detectionNote(withFree, 'avg') ?? '', /\(95% CI 0%-100%\)\. In 40% of 25 lesion-free cases it listed a finding\. This model misses most infarcts/);
});

test('another mode is told the rates are for the measured mode; no bundle record or no SDPM run: no note', () => {
  assert.equal(detectionNote(det(1), 'all'), 'This model bundle\'s detection per lesion type was measured for mode "avg" only; this result comes from mode "all".');
  assert.equal(detectionNote(det(1), null), null);
  assert.equal(detectionNote(null, 'avg'), null);
});
