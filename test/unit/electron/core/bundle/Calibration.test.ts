// calibration.json: the optional coverageCi95 of a level (sdpm.calibration writes it) is read, checked and named.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCalibration } from '../../../../../electron/core/bundle/Calibration';
import { calibratedInterval, calibratedIntervalMeaning, calibrationLevelMeaning } from '../../../../../electron/core/lesions/calibratedInterval';

const good = { schema: 1, method: 'split-conformal-relative', nominalCoverage: 0.9, cMl: 0.5, mode: 'avg', profile: 'cpu-fast', nSamples: 4, study: { q: 11.3, nCalibration: 128, measuredCoverage: 0.8333, nTest: 48, coverageCi95: [0.6978, 0.9252] }, lesion: { q: 1.09, nCalibration: 185, measuredCoverage: 0.912, nTest: 57 }, calibrationSet: 'a', testSet: 'b' };

test('coverageCi95 is optional, read as [low, high], and must contain the measured coverage', () => {
  const cal = parseCalibration(good);
  assert.deepEqual(cal.study.coverageCi95, [0.6978, 0.9252]);
  assert.equal(cal.lesion.coverageCi95, undefined);
  assert.throws(() => parseCalibration({ ...good, study: { ...good.study, coverageCi95: [0.85, 0.95] } }), /study\.coverageCi95.*must contain measuredCoverage 0\.8333/);
  assert.throws(() => parseCalibration({ ...good, study: { ...good.study, coverageCi95: [0.7] } }), /study\.coverageCi95.*\[low, high\]/);
  assert.throws(() => parseCalibration({ ...good, study: { ...good.study, coverageCi95: [0.7, 1.2] } }), /study\.coverageCi95/);
});

test('the interval note says how far chance alone moves the measured coverage, when the bundle records it', () => {
  const cal = parseCalibration(good);
  const study = calibratedIntervalMeaning(calibratedInterval(18.72, cal, 'study'));
  assert.equal(study, 'On 48 held-out synthetic cases not used for training or calibration, the true volume fell inside this range for 83% of cases (nominal 90%). With 48 test cases that rate is itself uncertain: the true rate lies between 70% and 93% (95% confidence).');
  const lesion = calibratedIntervalMeaning(calibratedInterval(1, cal, 'lesion'));
  assert.equal(lesion, 'On 57 lesions the model reported in held-out synthetic cases not used for training or calibration, the true volume of each lesion fell inside its range for 91% of lesions (nominal 90%).');
  // the lesion level counts lesions, never "cases", also in its uncertainty sentence
  const withCi = parseCalibration({ ...good, lesion: { ...good.lesion, coverageCi95: [0.8, 0.96] } });
  assert.equal(calibrationLevelMeaning(withCi, 'lesion'), 'On 57 lesions the model reported in held-out synthetic cases not used for training or calibration, the true volume of each lesion fell inside its range for 91% of lesions (nominal 90%). With 57 test lesions that rate is itself uncertain: the true rate lies between 80% and 96% (95% confidence).');
  assert.equal(calibrationLevelMeaning(cal, 'study'), study);
});

test('an interval is computed with the level it names: the study q for a total, the lesion q for a lesion', () => {
  const cal = parseCalibration(good);
  const s = calibratedInterval(10, cal, 'study');
  const l = calibratedInterval(10, cal, 'lesion');
  assert.equal(s.level, 'study');
  assert.equal(l.level, 'lesion');
  assert.equal(s.highMl, 10 + 11.3 * 10.5);
  assert.equal(l.highMl, 10 + 1.09 * 10.5);
  assert.equal(l.nTest, 57);
});
