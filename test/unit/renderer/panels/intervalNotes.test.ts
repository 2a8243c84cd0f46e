// The lesion panel's interval notes: the total's own interval meaning, worded by core exactly as the study report
// words it (a binned calibration states the bin of the current total, so the note follows edits); without
// calibration the services' note (why there is none).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lesionIntervalNote, totalIntervalNote } from '../../../../renderer/src/panels/intervalNotes';
import { parseCalibration } from '../../../../electron/core/bundle/Calibration';

const cal = parseCalibration({
  schema: 1, method: 'split-conformal-relative-binned', nominalCoverage: 0.9, cMl: 0.5, mode: 'avg', profile: 'cpu-fast', nSamples: 4,
  study: { nCalibration: 60, measuredCoverage: 0.9, nTest: 30, bins: [{ fromMl: 0, q: 10, nCalibration: 40, measuredCoverage: 0.9, nTest: 20 }, { fromMl: 5, q: 2, nCalibration: 20, measuredCoverage: 0.9, nTest: 10 }] },
  lesion: { nCalibration: 60, measuredCoverage: 0.85, nTest: 40, bins: [{ fromMl: 0, q: 1, nCalibration: 60, measuredCoverage: 0.85, nTest: 40 }] },
  calibrationSet: 'c', testSet: 't',
});
const payload = { cMl: cal.cMl, nominalCoverage: cal.nominalCoverage, study: cal.study, lesion: cal.lesion };

test("the total's note is its own bin's meaning and follows the total's size", () => {
  assert.match(totalIntervalNote(18.72, payload, 'services') ?? '', /^This range is calibrated on results of this size \(predicted 5 mL or more\) alone\. On 10 held-out/);
  assert.match(totalIntervalNote(0.3, payload, 'services') ?? '', /\(predicted under 5 mL\) alone\. On 20 held-out/);
  assert.equal(totalIntervalNote(null, payload, 'services'), 'services');
  assert.equal(totalIntervalNote(3, null, 'No calibrated interval: because.'), 'No calibrated interval: because.');
  assert.match(lesionIntervalNote(2, payload) ?? '', /^On 40 lesions the model reported/);
  assert.equal(lesionIntervalNote(2, null), undefined);
});
