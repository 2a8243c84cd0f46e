/**
 * Lesion type from the bundle's labels.json rules (`meanHu >= 45`, `meanHu < 45`): the first rule that holds.
 * Only comparisons of meanHu with a number are understood; any other rule is a BUNDLE_INVALID error, so a
 * bundle can't silently mislabel lesions.
 */
import type { LesionType } from '../bundle/Labels';
import { SdpmError } from '../errors';

const RULE = /^\s*meanHu\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function checkLesionRules(types: readonly LesionType[]): void {
  for (const t of types) if (!RULE.test(t.rule)) throw new SdpmError('BUNDLE_INVALID', `labels.json: lesion type "${t.name}" has rule "${t.rule}"; only "meanHu <op> <number>" is supported`);
}

export function lesionType(meanHu: number | null, types: readonly LesionType[]): string | null {
  if (meanHu === null) return null;
  for (const t of types) {
    const m = RULE.exec(t.rule);
    if (m === null) continue;
    const v = Number(m[2]);
    const ok = m[1] === '>=' ? meanHu >= v : m[1] === '<=' ? meanHu <= v : m[1] === '>' ? meanHu > v : meanHu < v;
    if (ok) return t.name;
  }
  return null;
}
