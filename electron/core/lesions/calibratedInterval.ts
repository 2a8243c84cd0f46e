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
  coverageCi95?: readonly [number, number];
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

export interface CalibratedInterval {
  lowMl: number;
  highMl: number;
  nominalCoverage: number;
  measuredCoverage: number;
  nTest: number;
  coverageCi95?: readonly [number, number];
}

/** The interval for volume `vMl` at one level (study total or lesion). */
export function calibratedInterval(vMl: number, cal: Pick<Calibration, 'cMl' | 'nominalCoverage'>, level: CalibrationLevel): CalibratedInterval {
  if (!(vMl >= 0) || !Number.isFinite(vMl)) throw new RangeError(`calibratedInterval: volume must be a finite number >= 0 (got ${vMl})`);
  const half = level.q * (vMl + cal.cMl);
  return { lowMl: Math.max(0, vMl - half), highMl: vMl + half, nominalCoverage: cal.nominalCoverage, measuredCoverage: level.measuredCoverage, nTest: level.nTest, ...(level.coverageCi95 !== undefined ? { coverageCi95: level.coverageCi95 } : {}) };
}

/** One sentence saying what the interval means, for reports and the app. */
export function calibratedIntervalMeaning(iv: Pick<CalibratedInterval, 'nominalCoverage' | 'measuredCoverage' | 'nTest' | 'coverageCi95'>): string {
  const pc = (x: number): string => (x * 100).toFixed(0);
  const ci = iv.coverageCi95 === undefined ? '' : ` With ${iv.nTest} test cases that rate is itself uncertain: the true rate lies between ${pc(iv.coverageCi95[0])}% and ${pc(iv.coverageCi95[1])}% (95% confidence).`;
  return `On ${iv.nTest} held-out synthetic cases not used for training or calibration, the true volume fell inside this range for ${pc(iv.measuredCoverage)}% of cases (nominal ${pc(iv.nominalCoverage)}%).${ci}`;
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
