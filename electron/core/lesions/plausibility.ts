/**
 * Plausibility rules after SDPM: engine post-processing, NOT part of the SDPM method. Per lesion (connected
 * component of the final mask), the checks a neuroradiologist applies before believing a finding on
 * non-contrast head CT. Each rule is configured in the bundle (`postprocessing.json`, models/BUNDLE-FORMAT.md);
 * a rule that is absent is off, and a bundle without the file has no rules (older bundles behave as before).
 *
 * - `minVolumeMl`: smaller candidates are dropped (specks of a few voxels are noise at this resolution).
 * - `meanHu` {min, max}: the lesion's mean HU must lie in the range of the lesion types the model finds
 *   (infarct ~15-35 HU, acute blood ~40-90 HU); a mean above ~100 HU is bone or calcification (skull base,
 *   choroid plexus, pineal), below ~10 HU is CSF, fat or air.
 * - `boneContact` {boneHu, maxFraction}: the fraction of the lesion's surface (voxel faces between a lesion
 *   voxel and a non-lesion face neighbour) whose outside voxel is bone (HU > boneHu). A true intra-axial
 *   haemorrhage barely touches bone; a "lesion" wrapped along the skull base or the inner table mostly does.
 *   (Subdural haematomas touch the inner table along one side, so keep maxFraction at 0.5 or more.)
 *
 * A dropped lesion is never hidden: it is reported as a dropped candidate with the rule, the measured value and
 * the limit, and the reader can restore it (lesionIds.ts restoreLesion with the candidate ID map).
 */
import type { Vec3 } from '../dicom/Volume';
import type { Lesion } from './measureLesions';

export interface PlausibilityRules {
  minVolumeMl?: number;
  meanHu?: { min: number; max: number };
  boneContact?: { boneHu: number; maxFraction: number };
}

export type PlausibilityRuleName = 'minVolumeMl' | 'meanHu' | 'boneContact';

export interface DropReason {
  rule: PlausibilityRuleName;
  /** the measured value (mL, HU or fraction) */
  value: number;
  /** the limit it broke, in words: "< 0.05 mL", "outside 10-100 HU", "> 0.5" */
  limit: string;
  /** one plain sentence for the reader */
  text: string;
}

/** Surface fraction touching bone, per lesion ID (see file comment). Lesion IDs from `idMap`. */
export function boneContactFractions(idMap: Int32Array, hu: ArrayLike<number>, dimensions: Vec3, boneHu: number): Map<number, number> {
  const [nx, ny, nz] = dimensions;
  const faces = new Map<number, [number, number]>();
  const steps: Array<[number, number, number, number]> = [[-1, 0, 0, -1], [1, 0, 0, 1], [0, -1, 0, -nx], [0, 1, 0, nx], [0, 0, -1, -nx * ny], [0, 0, 1, nx * ny]];
  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const v = i + nx * (j + ny * k);
        const id = idMap[v] as number;
        if (id === 0) continue;
        let f = faces.get(id);
        if (f === undefined) faces.set(id, (f = [0, 0]));
        for (const [di, dj, dk, dv] of steps) {
          const ii = i + di;
          const jj = j + dj;
          const kk = k + dk;
          if (ii < 0 || jj < 0 || kk < 0 || ii >= nx || jj >= ny || kk >= nz) continue;
          const w = v + dv;
          if (idMap[w] === id) continue;
          f[0]++;
          if ((hu[w] as number) > boneHu) f[1]++;
        }
      }
    }
  }
  const out = new Map<number, number>();
  for (const [id, [all, bone]] of faces) out.set(id, all === 0 ? 0 : bone / all);
  return out;
}

/** A volume under a limit printed with enough decimals that it reads as under it (0.0498, not "0.050 < 0.05"). */
export function belowLimitText(value: number, limit: number): string {
  for (let d = 3; d < 8; d++) if (Number(value.toFixed(d)) < limit) return value.toFixed(d);
  return value.toPrecision(8);
}

/** The first rule a lesion breaks (order: minVolumeMl, meanHu, boneContact), or null when it passes all. */
export function checkLesion(lesion: Pick<Lesion, 'volumeMl' | 'meanHu'>, boneFraction: number | null, rules: PlausibilityRules): DropReason | null {
  if (rules.minVolumeMl !== undefined && lesion.volumeMl < rules.minVolumeMl) {
    return { rule: 'minVolumeMl', value: lesion.volumeMl, limit: `< ${rules.minVolumeMl} mL`, text: `smaller than the minimum lesion volume (${belowLimitText(lesion.volumeMl, rules.minVolumeMl)} mL < ${rules.minVolumeMl} mL)` };
  }
  if (rules.meanHu !== undefined && lesion.meanHu !== null && (lesion.meanHu < rules.meanHu.min || lesion.meanHu > rules.meanHu.max)) {
    const high = lesion.meanHu > rules.meanHu.max;
    return { rule: 'meanHu', value: lesion.meanHu, limit: `outside ${rules.meanHu.min}-${rules.meanHu.max} HU`, text: `mean ${lesion.meanHu.toFixed(0)} HU is ${high ? 'above' : 'below'} the range of acute lesions (${rules.meanHu.min}-${rules.meanHu.max} HU)${high ? ': bone or calcification' : ': CSF, fat or air'}` };
  }
  if (rules.boneContact !== undefined && boneFraction !== null && boneFraction > rules.boneContact.maxFraction) {
    return { rule: 'boneContact', value: boneFraction, limit: `> ${rules.boneContact.maxFraction}`, text: `${(boneFraction * 100).toFixed(0)}% of its surface touches bone (> ${rules.boneContact.boneHu} HU; limit ${(rules.boneContact.maxFraction * 100).toFixed(0)}%)` };
  }
  return null;
}

export interface PlausibilityOutcome {
  /** IDs of lesions that pass, in input order */
  keptIds: number[];
  dropped: Array<{ id: number; reason: DropReason }>;
  /** per lesion ID: the bone-contact fraction (only when the rule is on) */
  boneFraction: Map<number, number>;
}

export function applyPlausibility(lesions: readonly Lesion[], idMap: Int32Array, hu: ArrayLike<number> | null, dimensions: Vec3, rules: PlausibilityRules | null): PlausibilityOutcome {
  const boneFraction = rules?.boneContact !== undefined && hu !== null ? boneContactFractions(idMap, hu, dimensions, rules.boneContact.boneHu) : new Map<number, number>();
  const keptIds: number[] = [];
  const dropped: PlausibilityOutcome['dropped'] = [];
  for (const l of lesions) {
    const reason = rules === null ? null : checkLesion(l, boneFraction.get(l.id) ?? null, rules);
    if (reason === null) keptIds.push(l.id);
    else dropped.push({ id: l.id, reason });
  }
  return { keptIds, dropped, boneFraction };
}

/** The mask without the dropped lesions (a new array). */
export function maskWithout(mask: Uint8Array, idMap: Int32Array, droppedIds: readonly number[]): Uint8Array {
  const drop = new Set(droppedIds);
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < mask.length; i++) out[i] = mask[i] !== 0 && !drop.has(idMap[i] as number) ? 1 : 0;
  return out;
}
