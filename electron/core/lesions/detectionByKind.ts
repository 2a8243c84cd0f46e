/**
 * Held-out detection per lesion kind (the bundle's optional `detection.json`, models/BUNDLE-FORMAT.md), and the
 * one sentence every surface shows about it (engine report, study report, CLI, app).
 *
 * Why: a reader who sees no infarct listed must know whether this model would have found one. On held-out
 * synthetic cases whose lesions are all of one kind and whose true lesion volume totals at least `minTrueMl`, a
 * case counts as found when its largest true lesion overlaps a lesion the engine kept (method
 * "largest-true-lesion-overlap"). A kind found in fewer than half of its cases gets an explicit warning that a
 * negative study does not rule it out. The share of lesion-free cases with a listed finding follows, when recorded.
 */

import { percentText } from './calibratedInterval';

/** The lesion kinds a detection record can state (the synthetic generator's lesion types). */
export type DetectionKindName = 'hemorrhage' | 'infarct';
export const DETECTION_KINDS: readonly DetectionKindName[] = ['hemorrhage', 'infarct'];

export interface DetectionKind {
  kind: DetectionKindName;
  /** held-out cases of this kind with a true volume of at least minTrueMl */
  nCases: number;
  nFound: number;
  foundRate: number;
  /** exact binomial (Clopper-Pearson) 95% interval of foundRate */
  ci95: [number, number];
  /** the same over cases of any size */
  nCasesAll: number;
  nFoundAll: number;
}

export interface Detection {
  schema: 1;
  method: 'largest-true-lesion-overlap';
  mode: string;
  profile: string;
  minTrueMl: number;
  testSet: string;
  kinds: DetectionKind[];
  /** lesion-free held-out cases: the share in which the engine listed a finding */
  lesionFree: { nCases: number; nWithFinding: number; rate: number; ci95: [number, number] } | null;
}

/** Below this found rate the note says plainly that a study without such a lesion listed does not rule one out. */
export const MISSES_MOST_BELOW = 0.5;

const WORD: Record<DetectionKindName, { one: string; many: string }> = {
  hemorrhage: { one: 'hemorrhage', many: 'hemorrhages' },
  infarct: { one: 'infarct', many: 'infarcts' },
};

function kindPhrase(k: DetectionKind): string {
  return `the ${WORD[k.kind].one} in ${percentText(k.foundRate)}% of ${k.nCases} cases (95% CI ${percentText(k.ci95[0])}%-${percentText(k.ci95[1])}%)`;
}

/**
 * What the bundle's held-out detection says about a result of `mode`. Null when the bundle has no detection.json
 * or no SDPM run made the mask (`mode` null: a manual segmentation, nothing the model could have missed). Rates were
 * measured for one mode; a result of another mode is told so instead of being given another mode's rates.
 */
export function detectionNote(det: Detection | null, mode: string | null): string | null {
  if (det === null || mode === null) return null;
  if (mode !== det.mode) return `This model bundle's detection per lesion type was measured for mode "${det.mode}" only; this result comes from mode "${mode}".`;
  const phrases = det.kinds.map(kindPhrase);
  const list = phrases.length <= 1 ? (phrases[0] ?? '') : `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1] ?? ''}`;
  const size = `${Number(det.minTrueMl.toPrecision(3))} mL`;
  const warnings = det.kinds
    .filter((k) => k.foundRate < MISSES_MOST_BELOW)
    .map((k) => ` This model misses most ${WORD[k.kind].many}: a study in which it lists none does not rule one out.`)
    .join('');
  const lf = det.lesionFree;
  const falseAlarms = lf === null ? '' : ` In ${percentText(lf.rate)}% of ${lf.nCases} lesion-free cases it listed a finding.`;
  return `On held-out synthetic cases not used for training, with ${size} or more of lesion all of one kind, this model found ${list}.${falseAlarms}${warnings}`;
}
