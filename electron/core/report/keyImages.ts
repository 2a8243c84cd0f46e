/**
 * Chooses and renders the report's key axial images: the reference (largest-area) slice of each of the
 * largest lesions (at most `maxLesions`, duplicates removed), or the middle slice when there is none.
 * Each chosen slice gives a contour image and, when an uncertainty map is given, a heat-map image.
 */
import type { Volume } from '../dicom/Volume';
import { measureLesions, type LesionMeasurements } from '../lesions/measureLesions';
import { formatVolumeMl } from '../lesions/voxelVolume';
import { renderContourPng, renderContoursPng, renderHeatPng } from './renderKeyImage';

export interface KeyImage {
  title: string;
  caption: string;
  png: Uint8Array;
}

/**
 * Two masks on the same slices for a side-by-side decision (the adjudicator's view): the reference slices of
 * the largest lesions of their union, each with mask A in red and mask B in cyan.
 */
export function comparisonImages(volume: Pick<Volume, 'dimensions' | 'spacingMm' | 'originLps' | 'directionLps' | 'voxels'>, maskA: ArrayLike<number>, maskB: ArrayLike<number>, options: { maxSlices?: number; labels?: readonly [string, string] } = {}): KeyImage[] {
  const union = new Uint8Array(maskA.length);
  for (let i = 0; i < union.length; i++) union[i] = maskA[i] !== 0 || maskB[i] !== 0 ? 1 : 0;
  const m = measureLesions(union, volume);
  const [la, lb] = options.labels ?? ['A', 'B'];
  const slices: Array<{ k: number; why: string }> = [];
  for (const l of m.lesions.slice(0, options.maxSlices ?? 3)) {
    if (!slices.some((s) => s.k === l.abc2.referenceSlice)) slices.push({ k: l.abc2.referenceSlice, why: `a lesion of ${formatVolumeMl(l.volumeMl)} mL in either read, its largest axial extent` });
  }
  if (slices.length === 0) slices.push({ k: Math.floor(volume.dimensions[2] / 2), why: 'neither read has a lesion: middle slice' });
  return slices.map((s) => ({
    title: `Slice ${s.k + 1} of ${volume.dimensions[2]}: read ${la} red, read ${lb} cyan`,
    caption: `${s.why}; brain window 40/80 HU; patient left on the right`,
    png: renderContoursPng(volume, volume.voxels, [{ mask: maskA, rgb: [255, 40, 40] }, { mask: maskB, rgb: [0, 220, 255] }], s.k),
  }));
}

export function keyImages(volume: Pick<Volume, 'dimensions' | 'spacingMm' | 'originLps' | 'directionLps' | 'voxels'>, mask: ArrayLike<number>, measurements: LesionMeasurements, options: { uncertainty?: ArrayLike<number>; uncertaintyLabel?: string; maxLesions?: number } = {}): KeyImage[] {
  const slices: Array<{ k: number; why: string }> = [];
  for (const l of measurements.lesions.slice(0, options.maxLesions ?? 3)) {
    if (!slices.some((s) => s.k === l.abc2.referenceSlice)) slices.push({ k: l.abc2.referenceSlice, why: `lesion ${l.id} (${formatVolumeMl(l.volumeMl)} mL), its largest axial extent` });
  }
  if (slices.length === 0) slices.push({ k: Math.floor(volume.dimensions[2] / 2), why: 'no lesion: middle slice' });
  const [sx, sy] = volume.spacingMm;
  const aniso = Math.abs(sx - sy) > 1e-3 ? `; pixels drawn square, true spacing ${sx.toFixed(3)} x ${sy.toFixed(3)} mm` : '';
  let max = 0;
  if (options.uncertainty !== undefined) for (let i = 0; i < options.uncertainty.length; i++) max = Math.max(max, options.uncertainty[i] as number);
  const out: KeyImage[] = [];
  for (const s of slices) {
    out.push({ title: `Slice ${s.k + 1} of ${volume.dimensions[2]}: contour`, caption: `${s.why}; brain window 40/80 HU; patient left on the right${aniso}`, png: renderContourPng(volume, volume.voxels, mask, s.k) });
    if (options.uncertainty !== undefined) {
      out.push({ title: `Slice ${s.k + 1}: ${options.uncertaintyLabel ?? 'uncertainty'}`, caption: `heat map scaled to the study maximum ${max.toPrecision(3)}${aniso}`, png: renderHeatPng(volume, volume.voxels, options.uncertainty, s.k, max) });
    }
  }
  return out;
}
