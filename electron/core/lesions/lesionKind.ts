/**
 * Lesion kind, per lesion, from the bundle's labels.json rules (`meanHu >= 45`, `meanHu < 45`): the first rule
 * that holds for the lesion's own mean HU. The one place that decides a lesion's kind (engine report, study
 * report, SEG segment coded terms, app). Only comparisons of meanHu with a number are understood; any other rule
 * is a BUNDLE_INVALID error at bundle load, so a bundle can't silently mislabel lesions.
 */
import type { LesionType } from '../bundle/Labels';
import { SdpmError } from '../errors';

const RULE = /^\s*meanHu\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/;

export function checkLesionRules(types: readonly LesionType[], filePath = 'labels.json'): void {
  for (const t of types) if (!RULE.test(t.rule)) throw new SdpmError('BUNDLE_INVALID', `labels.json: lesion type "${t.name}" has rule "${t.rule}"; only "meanHu <op> <number>" is supported`, { path: filePath });
}

/** The lesion type (with its coded terms) whose rule holds for `meanHu`; null when none does or meanHu is null. */
export function lesionTypeFor(meanHu: number | null, types: readonly LesionType[]): LesionType | null {
  if (meanHu === null) return null;
  for (const t of types) {
    const m = RULE.exec(t.rule);
    if (m === null) continue;
    const v = Number(m[2]);
    const ok = m[1] === '>=' ? meanHu >= v : m[1] === '<=' ? meanHu <= v : m[1] === '>' ? meanHu > v : meanHu < v;
    if (ok) return t;
  }
  return null;
}

/** The lesion type's name (e.g. "Intracranial hemorrhage"), or null. */
export function lesionType(meanHu: number | null, types: readonly LesionType[]): string | null {
  return lesionTypeFor(meanHu, types)?.name ?? null;
}
