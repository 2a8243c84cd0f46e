/**
 * Chooses and renders the report's key axial images: the reference (largest-area) slice of each of the
 * largest lesions (at most `maxLesions`, duplicates removed), or the middle slice when there is none.
 * Each chosen slice gives a contour image and, when an uncertainty map is given, a heat-map image.
 */
import type { Volume } from '../dicom/Volume';
import type { LesionMeasurements } from '../lesions/measureLesions';
import { formatVolumeMl } from '../lesions/voxelVolume';
import { renderContourPng, renderHeatPng } from './renderKeyImage';

export interface KeyImage {
  title: string;
  caption: string;
  png: Uint8Array;
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
