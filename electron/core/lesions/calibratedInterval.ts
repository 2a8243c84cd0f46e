/**
 * The calibrated volume interval (split conformal, relative score; /work contract "calibration.json",
 * models/BUNDLE-FORMAT.md). For a reported volume V (study total or one lesion) and the bundle's calibration
 * quantile q and stabiliser cMl: [max(0, V - q·(V + cMl)), V + q·(V + cMl)]. It always contains V.
 * A binned (Mondrian) calibration has one q per bin of predicted volume; V's own bin gives q, so the stated rate
 * holds for results of V's size, not only on average over all sizes.
 *
 * Plain words: on held-out synthetic cases that the model was not trained or calibrated on, the true volume
 * fell inside this range for `measuredCoverage` of the cases (nominal `nominalCoverage`, e.g. 90%).
 * Without calibration.json there is no calibrated interval; the spread of the SDPM samples is then shown only
 * as a "sample range", never as a confidence interval.
 */

/**
 * One bin of predicted volume, from `fromMl` up to the next bin's `fromMl` (the last is open): its own q, measured
 * on the calibration volumes predicted in that range, and the coverage measured on the test volumes predicted there.
 */
export interface CalibrationBin {
  fromMl: number;
  q: number;
  nCalibration: number;
  measuredCoverage: number;
  nTest: number;
  /** exact binomial (Clopper-Pearson) 95% interval of measuredCoverage on the nTest volumes, when recorded */
  coverageCi95?: [number, number];
}

/**
 * One level (study totals or single lesions). `bins` runs from 0 mL up; a calibration with one q for every volume
 * ("split-conformal-relative") has one bin. The level's own counts are over all its bins.
 */
export interface CalibrationLevel {
  nCalibration: number;
  measuredCoverage: number;
  nTest: number;
  coverageCi95?: [number, number];
  bins: CalibrationBin[];
}

export interface Calibration {
  schema: 1;
  /** one q for all volumes, or one per bin of predicted volume (Mondrian split conformal) */
  method: 'split-conformal-relative' | 'split-conformal-relative-binned';
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

/** The bin an interval came from, when its level has several: [fromMl, toMl) of predicted volume (toMl null: open). */
export interface IntervalBin {
  fromMl: number;
  toMl: number | null;
  measuredCoverage: number;
  nTest: number;
  coverageCi95?: [number, number];
}

export interface CalibratedInterval {
  level: CalibrationLevelName;
  lowMl: number;
  highMl: number;
  nominalCoverage: number;
  /** over all the level's test volumes */
  measuredCoverage: number;
  nTest: number;
  coverageCi95?: [number, number];
  /** the bin whose q made this interval, null when the level has one q for every volume */
  bin: IntervalBin | null;
}

type CalibrationLike = Pick<Calibration, 'cMl' | 'nominalCoverage' | CalibrationLevelName>;

/** The index of the bin of predicted volume `vMl`: the last bin starting at or below it. */
function calibrationBinIndex(level: Pick<CalibrationLevel, 'bins'>, vMl: number): number {
  let i = 0;
  for (let k = 1; k < level.bins.length; k++) if ((level.bins[k] as CalibrationBin).fromMl <= vMl) i = k;
  return i;
}

/** The interval for volume `vMl` at one level: `study` for a study's total, `lesion` for one lesion's volume. */
export function calibratedInterval(vMl: number, cal: CalibrationLike, level: CalibrationLevelName): CalibratedInterval {
  if (!(vMl >= 0) || !Number.isFinite(vMl)) throw new RangeError(`calibratedInterval: volume must be a finite number >= 0 (got ${vMl})`);
  const l = cal[level];
  if (l.bins.length === 0) throw new RangeError(`calibratedInterval: the ${level} level has no bins`);
  const i = calibrationBinIndex(l, vMl);
  const b = l.bins[i] as CalibrationBin;
  const half = b.q * (vMl + cal.cMl);
  const next = l.bins[i + 1];
  const bin: IntervalBin | null = l.bins.length === 1 ? null : { fromMl: b.fromMl, toMl: next === undefined ? null : next.fromMl, measuredCoverage: b.measuredCoverage, nTest: b.nTest, ...(b.coverageCi95 !== undefined ? { coverageCi95: b.coverageCi95 } : {}) };
  return { level, lowMl: Math.max(0, vMl - half), highMl: vMl + half, nominalCoverage: cal.nominalCoverage, measuredCoverage: l.measuredCoverage, nTest: l.nTest, ...(l.coverageCi95 !== undefined ? { coverageCi95: l.coverageCi95 } : {}), bin };
}

/** A rate as whole percent digits (0.853 -> "85"), as every held-out rate sentence prints it. */
export const percentText = (x: number): string => (x * 100).toFixed(0);
/** what a level's test counts are counted in, and what its bins hold */
const UNIT: Record<CalibrationLevelName, string> = { study: 'cases', lesion: 'lesions' };
const WHAT: Record<CalibrationLevelName, string> = { study: 'results', lesion: 'lesions' };
const mlText = (x: number): string => `${Number(x.toPrecision(3))} mL`;

/** "under 0.5 mL", "0.5 to 5 mL", "5 mL or more" */
function binRange(fromMl: number, toMl: number | null): string {
  if (fromMl === 0 && toMl !== null) return `under ${mlText(toMl)}`;
  if (toMl === null) return `${mlText(fromMl)} or more`;
  return `${Number(fromMl.toPrecision(3))} to ${mlText(toMl)}`;
}

function rateSentences(level: CalibrationLevelName, n: number, measured: number, nominal: number, ci: [number, number] | undefined, ofSize: string): string {
  const ciText = ci === undefined ? '' : ` With ${n} test ${UNIT[level]} that rate is itself uncertain: the true rate lies between ${percentText(ci[0])}% and ${percentText(ci[1])}% (95% confidence).`;
  if (level === 'study') return `On ${n} held-out synthetic cases${ofSize} not used for training or calibration, the true volume fell inside this range for ${percentText(measured)}% of cases (nominal ${percentText(nominal)}%).${ciText}`;
  return `On ${n} lesions${ofSize} the model reported in held-out synthetic cases not used for training or calibration, the true volume of each lesion fell inside its range for ${percentText(measured)}% of lesions (nominal ${percentText(nominal)}%).${ciText}`;
}

/**
 * One sentence (or three) saying what an interval of this level means, for reports and the app. The study level
 * counts test cases; the lesion level counts the lesions the model reported on the test cases (each matched to the
 * true lesion it overlaps most, true volume 0 when none), so its sentence counts lesions, not cases. An interval from
 * a bin of predicted volume states that bin's own measured rate (what holds for results of this size), then the rate
 * over all sizes.
 */
export function calibratedIntervalMeaning(iv: Pick<CalibratedInterval, 'level' | 'nominalCoverage' | 'measuredCoverage' | 'nTest' | 'coverageCi95' | 'bin'>): string {
  if (iv.bin === null) return rateSentences(iv.level, iv.nTest, iv.measuredCoverage, iv.nominalCoverage, iv.coverageCi95, '');
  const size = binRange(iv.bin.fromMl, iv.bin.toMl);
  return `This range is calibrated on ${WHAT[iv.level]} of this size (predicted ${size}) alone. ${rateSentences(iv.level, iv.bin.nTest, iv.bin.measuredCoverage, iv.nominalCoverage, iv.bin.coverageCi95, ` of that size`)} Over all sizes: ${percentText(iv.measuredCoverage)}% of ${iv.nTest} test ${UNIT[iv.level]}.`;
}

/** The meaning of a calibration level without a volume (e.g. a table column's header): its rate over all sizes. */
export function calibrationLevelMeaning(cal: CalibrationLike, level: CalibrationLevelName): string {
  const l = cal[level];
  const all = rateSentences(level, l.nTest, l.measuredCoverage, cal.nominalCoverage, l.coverageCi95, '');
  if (l.bins.length === 1) return all;
  const ranges = l.bins.map((b, i) => binRange(b.fromMl, l.bins[i + 1]?.fromMl ?? null));
  return `${all} Intervals are calibrated separately for ${WHAT[level]} predicted ${ranges.slice(0, -1).join(', ')} and ${ranges[ranges.length - 1] ?? ''}.`;
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
