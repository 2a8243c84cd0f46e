// volumetry:measure's calibration: what the services send must pass the contract's response schema, for the
// bundle that ships (its calibration.json gained coverageCi95 in session 6 and the contract did not: every
// measure call of the app with the default bundle failed the response check until this test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { channels } from '../../../../../electron/ipc/contract';
import { parseCalibration } from '../../../../../electron/core/bundle/Calibration';
import { parseDetection } from '../../../../../electron/core/bundle/Detection';
import { detectionNote } from '../../../../../electron/core/lesions/detectionByKind';
import { calibratedInterval } from '../../../../../electron/core/lesions/calibratedInterval';
import { toMeasureCalibration } from '../../../../../electron/services/app/dto';

const ROOT = new URL('../../../../..', import.meta.url).pathname;
const shipped = parseCalibration(JSON.parse(readFileSync(`${ROOT}models/bundles/sdpm-synth-compact-s/calibration.json`, 'utf8')));

test("the shipped bundle's calibration passes volumetry:measure's response schema whole", () => {
  const sent = toMeasureCalibration(shipped);
  const got = channels['volumetry:measure'].response({ totalMl: 18.72, voxelVolumeMl: 0.001, lesions: [], ...sent }, 'response');
  assert.deepEqual(got.calibration, sent.calibration);
  // the page recomputes the same interval from what it received
  const c = got.calibration;
  assert.ok(c !== null && c !== undefined);
  assert.deepEqual(calibratedInterval(18.72, c, 'study'), calibratedInterval(18.72, shipped, 'study'));
  assert.deepEqual(calibratedInterval(2, c, 'lesion'), calibratedInterval(2, shipped, 'lesion'));
});

test('the note beside the total is the study level, the lesion note counts lesions; none without calibration', () => {
  const sent = toMeasureCalibration(shipped);
  assert.match(sent.intervalNote ?? '', new RegExp(`^On ${shipped.study.nTest} held-out synthetic cases .* of cases \\(nominal 90%\\)`));
  assert.match(sent.lesionIntervalNote ?? '', new RegExp(`^On ${shipped.lesion.nTest} lesions the model reported .* of lesions \\(nominal 90%\\)`));
  const none = toMeasureCalibration(null);
  assert.equal(none.calibration, null);
  assert.equal(none.lesionIntervalNote, null);
  assert.match(none.intervalNote ?? '', /^No calibrated interval/);
  channels['volumetry:measure'].response({ totalMl: 0, voxelVolumeMl: 0.001, lesions: [], ...none }, 'response');
});

test("the shipped bundle's detection note passes volumetry:measure's response schema", () => {
  const det = parseDetection(JSON.parse(readFileSync(`${ROOT}models/bundles/sdpm-synth-compact-s/detection.json`, 'utf8')));
  const note = detectionNote(det, det.mode);
  assert.ok(note !== null);
  const got = channels['volumetry:measure'].response({ totalMl: 18.72, voxelVolumeMl: 0.001, lesions: [], ...toMeasureCalibration(shipped), detectionNote: note }, 'response');
  assert.equal(got.detectionNote, note);
});
