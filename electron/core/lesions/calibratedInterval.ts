/**
 * The calibrated volume interval (split conformal, relative score; /work contract "calibration.json",
 * models/BUNDLE-FORMAT.md). For a reported volume V (study total or one lesion) and the bundle's calibration
 * quantile q and stabiliser cMl: [max(0, V - q·(V + cMl)), V + q·(V + cMl)]. It always contains V.
 *
 * Plain words: on held-out synthetic cases that the model was not trained or calibrated on, the true volume
 * fell inside this range for `measuredCoverage` of the cases (nominal `nominalCoverage`, e.g. 90%).
 * Without calibration.json there is no calibrated interval; the spread of the SDPM samples is then shown only
 * as a "sample range", never as a confidence interval.
 */

export interface CalibrationLevel {
  q: number;
  nCalibration: number;
  measuredCoverage: number;
  nTest: number;
  /** exact binomial (Clopper-Pearson) 95% interval of measuredCoverage on the nTest cases, when recorded */
  coverageCi95?: [number, number];
}

export interface Calibration {
  schema: 1;
  method: 'split-conformal-relative';
  nominalCoverage: number;
  cMl: number;
  mode: string;
  profile: string;
  nSamples: number;
  study: CalibrationLevel;
  lesion: CalibrationLevel;
  calibrationSet: string;
  testSet: string;
}

/** Which volumes a calibration level was measured on: a study's total (one per case) or one lesion's (one per predicted lesion). */
export type CalibrationLevelName = 'study' | 'lesion';

export interface CalibratedInterval {
  level: CalibrationLevelName;
  lowMl: number;
  highMl: number;
  nominalCoverage: number;
  measuredCoverage: number;
  nTest: number;
  coverageCi95?: [number, number];
}

/** The interval for volume `vMl` at one level: `study` for a study's total, `lesion` for one lesion's volume. */
export function calibratedInterval(vMl: number, cal: Pick<Calibration, 'cMl' | 'nominalCoverage' | CalibrationLevelName>, level: CalibrationLevelName): CalibratedInterval {
  if (!(vMl >= 0) || !Number.isFinite(vMl)) throw new RangeError(`calibratedInterval: volume must be a finite number >= 0 (got ${vMl})`);
  const l = cal[level];
  const half = l.q * (vMl + cal.cMl);
  return { level, lowMl: Math.max(0, vMl - half), highMl: vMl + half, nominalCoverage: cal.nominalCoverage, measuredCoverage: l.measuredCoverage, nTest: l.nTest, ...(l.coverageCi95 !== undefined ? { coverageCi95: l.coverageCi95 } : {}) };
}

/**
 * One sentence saying what an interval of this level means, for reports and the app. The study level counts test
 * cases; the lesion level counts the lesions the model reported on the test cases (each matched to the true lesion
 * it overlaps most, true volume 0 when none), so its sentence counts lesions, not cases.
 */
export function calibratedIntervalMeaning(iv: Pick<CalibratedInterval, 'level' | 'nominalCoverage' | 'measuredCoverage' | 'nTest' | 'coverageCi95'>): string {
  const pc = (x: number): string => (x * 100).toFixed(0);
  const unit = iv.level === 'study' ? 'cases' : 'lesions';
  const ci = iv.coverageCi95 === undefined ? '' : ` With ${iv.nTest} test ${unit} that rate is itself uncertain: the true rate lies between ${pc(iv.coverageCi95[0])}% and ${pc(iv.coverageCi95[1])}% (95% confidence).`;
  if (iv.level === 'study') return `On ${iv.nTest} held-out synthetic cases not used for training or calibration, the true volume fell inside this range for ${pc(iv.measuredCoverage)}% of cases (nominal ${pc(iv.nominalCoverage)}%).${ci}`;
  return `On ${iv.nTest} lesions the model reported in held-out synthetic cases not used for training or calibration, the true volume of each lesion fell inside its range for ${pc(iv.measuredCoverage)}% of lesions (nominal ${pc(iv.nominalCoverage)}%).${ci}`;
}

/** The meaning of a calibration level without a volume (e.g. a table column's header). */
export function calibrationLevelMeaning(cal: Pick<Calibration, 'cMl' | 'nominalCoverage' | CalibrationLevelName>, level: CalibrationLevelName): string {
  return calibratedIntervalMeaning(calibratedInterval(0, cal, level));
}

export const NO_CALIBRATION_NOTE = 'No calibrated interval: the model bundle has no calibration (calibration.json) for the mode that made this result. The sample range is the spread of the SDPM samples, not a confidence interval.';

/**
 * The calibration of the mode that made a result, or null. calibration.json is measured on one mode's volumes
 * (its `mode`); split-conformal coverage holds only for the error distribution it was measured on, and another
 * mode's masks (e.g. the union `all` against a calibration of `avg`) err differently. So a result of any other
 * mode, or a mask with no SDPM run behind it (`mode` null), gets no calibrated interval.
 */
export function calibrationForMode<C extends Pick<Calibration, 'mode'>>(cal: C | null, mode: string | null): C | null {
  return cal !== null && mode !== null && cal.mode === mode ? cal : null;
}

/** Why a result has no calibrated interval, in plain words (the specific reason when the bundle has one for another mode). */
export function noCalibrationNote(cal: Pick<Calibration, 'mode'> | null, mode: string | null): string {
  if (cal === null || calibrationForMode(cal, mode) !== null) return NO_CALIBRATION_NOTE;
  return `No calibrated interval: this model bundle's interval is calibrated for mode "${cal.mode}" only, and this result comes from ${mode === null ? 'no SDPM run' : `mode "${mode}"`}. The sample range is the spread of the SDPM samples, not a confidence interval.`;
}
