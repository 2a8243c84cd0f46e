/**
 * `postprocessing.json` (optional; models/BUNDLE-FORMAT.md): engine post-processing after SDPM that is NOT part
 * of the method. Today: the per-lesion plausibility rules (lesions/plausibility.ts). Absent file or absent
 * block = rules off. Every field is validated with a message naming the file and field.
 */
import type { PlausibilityRules } from '../lesions/plausibility';
import { JsonReader } from './JsonReader';

export interface Postprocessing {
  plausibility: PlausibilityRules | null;
}

export function parsePostprocessing(value: unknown, filePath = 'postprocessing.json'): Postprocessing {
  const r = new JsonReader('postprocessing.json', value, '', filePath);
  r.formatVersion1();
  if (!r.has('plausibility')) return { plausibility: null };
  const p = r.field('plausibility');
  const known = ['note', 'minVolumeMl', 'meanHu', 'boneContact'];
  for (const k of p.keys()) if (!known.includes(k)) p.field(k).fail(`unknown rule (known: ${known.slice(1).join(', ')})`);
  const rules: PlausibilityRules = {};
  if (p.has('minVolumeMl')) rules.minVolumeMl = p.field('minVolumeMl').number({ min: 0 });
  if (p.has('meanHu')) {
    const m = p.field('meanHu');
    const min = m.field('min').number();
    const max = m.field('max').number();
    if (max <= min) m.field('max').fail(`must be greater than min (${min})`);
    rules.meanHu = { min, max };
  }
  if (p.has('boneContact')) {
    const b = p.field('boneContact');
    rules.boneContact = { boneHu: b.field('boneHu').number(), maxFraction: b.field('maxFraction').number({ min: 0, max: 1 }) };
  }
  return { plausibility: rules };
}
