/**
 * Baseline vs follow-up lesion volume: absolute and relative change, and the hematoma-expansion flag.
 *
 * Hematoma expansion is commonly defined as growth > 6 mL absolute or > 33 % relative between the
 * baseline and the follow-up CT (e.g. Dowlatshahi et al., Stroke 2011; Brouwers et al., JAMA Neurol
 * 2014). Both thresholds are configurable; comparisons are strict (growth of exactly 6 mL is not
 * flagged) unless `inclusive` is set.
 */
import { SdpmError } from '../errors';

export interface ExpansionThresholds {
  /** Default 6 mL. */
  absoluteMl?: number;
  /** Fraction of the baseline volume, default 0.33. */
  relative?: number;
  /** Use ≥ instead of >. Default false. */
  inclusive?: boolean;
}

export interface VolumeComparison {
  baselineMl: number;
  followUpMl: number;
  absoluteChangeMl: number;
  /** (follow-up − baseline) / baseline; null when the baseline is 0. */
  relativeChange: number | null;
  expansion: boolean;
  /** Which criteria fired, in words. */
  reasons: string[];
  thresholds: { absoluteMl: number; relative: number; inclusive: boolean };
}

export function compareVolumes(baselineMl: number, followUpMl: number, thresholds: ExpansionThresholds = {}): VolumeComparison {
  if (!Number.isFinite(baselineMl) || !Number.isFinite(followUpMl) || baselineMl < 0 || followUpMl < 0) {
    throw new SdpmError('INVALID_ARGUMENT', `volumes must be finite and ≥ 0 (baseline ${baselineMl}, follow-up ${followUpMl})`);
  }
  const absoluteMl = thresholds.absoluteMl ?? 6;
  const relative = thresholds.relative ?? 0.33;
  const inclusive = thresholds.inclusive ?? false;
  const exceeds = (v: number, t: number): boolean => (inclusive ? v >= t : v > t);
  const absoluteChangeMl = followUpMl - baselineMl;
  const relativeChange = baselineMl > 0 ? absoluteChangeMl / baselineMl : null;
  const reasons: string[] = [];
  if (exceeds(absoluteChangeMl, absoluteMl)) reasons.push(`growth ${absoluteChangeMl.toFixed(2)} mL ${inclusive ? '≥' : '>'} ${absoluteMl} mL`);
  if (relativeChange !== null && exceeds(relativeChange, relative)) {
    reasons.push(`growth ${(relativeChange * 100).toFixed(1)} % ${inclusive ? '≥' : '>'} ${(relative * 100).toFixed(0)} %`);
  }
  return { baselineMl, followUpMl, absoluteChangeMl, relativeChange, expansion: reasons.length > 0, reasons, thresholds: { absoluteMl, relative, inclusive } };
}
