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

// A Mondrian (binned) calibration: one q per bin of predicted volume (sdpm.calibration --study-bins 0.5,5).
const binned = {
  ...good,
  method: 'split-conformal-relative-binned',
  study: {
    nCalibration: 384, measuredCoverage: 0.875, nTest: 192, coverageCi95: [0.82, 0.92],
    bins: [
      { fromMl: 0, q: 13.4, nCalibration: 250, measuredCoverage: 0.88, nTest: 125, coverageCi95: [0.81, 0.93] },
      { fromMl: 0.5, q: 8.2, nCalibration: 80, measuredCoverage: 0.85, nTest: 40 },
      { fromMl: 5, q: 2.4, nCalibration: 54, measuredCoverage: 0.889, nTest: 27, coverageCi95: [0.71, 0.98] },
    ],
  },
  lesion: { nCalibration: 185, measuredCoverage: 0.947, nTest: 132, bins: [{ fromMl: 0, q: 1.09, nCalibration: 185, measuredCoverage: 0.947, nTest: 132 }] },
};

test('a binned calibration: the bin of the volume gives q, and the note states that bin\'s own measured rate', () => {
  const cal = parseCalibration(binned);
  assert.equal(cal.method, 'split-conformal-relative-binned');
  assert.deepEqual(cal.study.bins.map((b) => b.fromMl), [0, 0.5, 5]);
  const at = (v: number): number => calibratedInterval(v, cal, 'study').highMl - v;
  const near = (a: number, b: number, m?: string): void => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b} ${m ?? ''}`);
  near(at(0.2), 13.4 * 0.7);
  near(at(0.5), 8.2 * 1.0, 'a bin starts at its fromMl');
  near(at(4.99), 8.2 * 5.49);
  near(at(18.72), 2.4 * 19.22);
  const iv = calibratedInterval(18.72, cal, 'study');
  assert.deepEqual(iv.bin, { fromMl: 5, toMl: null, measuredCoverage: 0.889, nTest: 27, coverageCi95: [0.71, 0.98] });
  assert.ok(iv.lowMl <= 18.72 && 18.72 <= iv.highMl);
  assert.equal(
    calibratedIntervalMeaning(iv),
    'This range is calibrated on results of this size (predicted 5 mL or more) alone. On 27 held-out synthetic cases of that size not used for training or calibration, the true volume fell inside this range for 89% of cases (nominal 90%). With 27 test cases that rate is itself uncertain: the true rate lies between 71% and 98% (95% confidence). Over all sizes: 88% of 192 test cases.',
  );
  assert.match(calibratedIntervalMeaning(calibratedInterval(1, cal, 'study')), /predicted 0\.5 to 5 mL\) alone\. On 40 held-out synthetic cases of that size .* 85% of cases/);
  assert.match(calibratedIntervalMeaning(calibratedInterval(0, cal, 'study')), /predicted under 0\.5 mL\) alone/);
  // without a volume: the rate over all sizes and the bins
  assert.equal(
    calibrationLevelMeaning(cal, 'study'),
    'On 192 held-out synthetic cases not used for training or calibration, the true volume fell inside this range for 88% of cases (nominal 90%). With 192 test cases that rate is itself uncertain: the true rate lies between 82% and 92% (95% confidence). Intervals are calibrated separately for results predicted under 0.5 mL, 0.5 to 5 mL and 5 mL or more.',
  );
  // a level with one bin reads as before (no bin, no size sentence)
  assert.equal(calibratedInterval(3, cal, 'lesion').bin, null);
  assert.doesNotMatch(calibrationLevelMeaning(cal, 'lesion'), /calibrated separately/);
});

test('binned calibration.json: bins from 0 mL, ascending, counting the level\'s test volumes, else named', () => {
  const bad = (study: unknown): unknown => ({ ...binned, study });
  assert.throws(() => parseCalibration(bad({ ...binned.study, bins: [] })), /study\.bins.*at least one bin/);
  assert.throws(() => parseCalibration(bad({ ...binned.study, bins: binned.study.bins.slice(1) })), /study\.bins\[0\]\.fromMl.*must be 0/);
  const swapped = [binned.study.bins[0], binned.study.bins[2], binned.study.bins[1]];
  assert.throws(() => parseCalibration(bad({ ...binned.study, bins: swapped })), /study\.bins\[2\]\.fromMl.*greater than the previous bin's \(5\)/);
  assert.throws(() => parseCalibration(bad({ ...binned.study, nTest: 191 })), /study\.nTest.*sum of the bins' nTest \(192\)/);
  assert.throws(() => parseCalibration(bad({ ...binned.study, bins: [{ ...binned.study.bins[0], q: -1 }, ...binned.study.bins.slice(1)] })), /study\.bins\[0\]\.q/);
  assert.throws(() => parseCalibration({ ...good, method: 'split-conformal-relative-binned' }), /study\.bins/);
  assert.throws(() => parseCalibration({ ...good, method: 'mondrian' }), /method.*must be one of/);
});
