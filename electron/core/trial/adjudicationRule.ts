/**
 * The charter's adjudication rule: "volume differs by more than X mL or Y %". Either limit may be
 * absent; adjudication is needed when any present limit is exceeded (strictly). The relative
 * difference is |a - b| over the mean of the two volumes (symmetric: it does not depend on which
 * reader is first); two empty reads differ by 0 %.
 */
import { SdpmError } from '../errors';

export interface AdjudicationRule {
  /** Absolute limit (mL); null = no absolute limit. */
  absoluteMl: number | null;
  /** Relative limit (% of the mean volume); null = no relative limit. */
  relativePercent: number | null;
}

export interface AdjudicationDecision {
  needed: boolean;
  diffMl: number;
  diffPercent: number;
  /** One sentence for the audit trail and the final table. */
  explanation: string;
}

const PAIR = /(\d+(?:\.\d+)?)\s*(ml|%|percent)(?![a-z])/gi;

/** Parses the phrase form (`volume differs by more than 5 mL or 20 %`). */
export function parseAdjudicationPhrase(text: string, source: string): AdjudicationRule {
  const lower = text.toLowerCase();
  if (!/more than/.test(lower)) throw new SdpmError('CHARTER_INVALID', `${source}: adjudication rule "${text}" must say "differs by more than X mL or Y %"`);
  if (/\band\b/.test(lower)) throw new SdpmError('CHARTER_INVALID', `${source}: adjudication rule "${text}": only "or" between limits is supported`);
  const rule: AdjudicationRule = { absoluteMl: null, relativePercent: null };
  for (const m of text.matchAll(PAIR)) {
    const value = Number(m[1]);
    const unit = (m[2] ?? '').toLowerCase();
    if (unit === 'ml') rule.absoluteMl = value;
    else rule.relativePercent = value;
  }
  return checkRule(rule, source);
}

export function checkRule(rule: AdjudicationRule, source: string): AdjudicationRule {
  if (rule.absoluteMl === null && rule.relativePercent === null) throw new SdpmError('CHARTER_INVALID', `${source}: the adjudication rule names no limit (X mL or Y %)`);
  for (const v of [rule.absoluteMl, rule.relativePercent]) {
    if (v !== null && (!Number.isFinite(v) || v < 0)) throw new SdpmError('CHARTER_INVALID', `${source}: adjudication limits must be numbers >= 0, got ${v}`);
  }
  return rule;
}

export function describeRule(rule: AdjudicationRule): string {
  const parts = [rule.absoluteMl === null ? null : `${rule.absoluteMl} mL`, rule.relativePercent === null ? null : `${rule.relativePercent} %`].filter((p) => p !== null);
  return `volume differs by more than ${parts.join(' or ')}`;
}

export function decideAdjudication(rule: AdjudicationRule, volumeAMl: number, volumeBMl: number): AdjudicationDecision {
  const diffMl = Math.abs(volumeAMl - volumeBMl);
  const meanMl = (volumeAMl + volumeBMl) / 2;
  const diffPercent = meanMl === 0 ? 0 : (100 * diffMl) / meanMl;
  const overAbs = rule.absoluteMl !== null && diffMl > rule.absoluteMl;
  const overRel = rule.relativePercent !== null && diffPercent > rule.relativePercent;
  const needed = overAbs || overRel;
  const what = `reads differ by ${diffMl.toFixed(2)} mL (${diffPercent.toFixed(1)} % of the mean)`;
  return { needed, diffMl, diffPercent, explanation: `${what}; rule: ${describeRule(rule)}: ${needed ? 'adjudication needed' : 'within limits'}` };
}
