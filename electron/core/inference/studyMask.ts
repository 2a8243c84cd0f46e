/**
 * A mode's binary mask on the study grid. The probability is resampled bilinearly and thresholded there
 * (models/BUNDLE-FORMAT.md). The despeckle decision was made on the model grid (its 7×7 window is defined in
 * model pixels, as in the reference), so when despeckle is on, a study voxel is kept only if its nearest
 * model pixel lies within one model pixel of a kept model-grid foreground pixel: isolated specks the model-grid
 * despeckle removed (no other foreground within 3 model pixels) cannot reappear through interpolation, and kept
 * lesions keep their interpolated border. The threshold comparison is the one rule (lesions/probabilityMask.ts).
 */
import { maskFromProbability } from '../lesions/probabilityMask';

export function dilate3x3(mask: Uint8Array, S: number): Uint8Array {
  const out = new Uint8Array(S * S);
  for (let j = 0; j < S; j++) {
    for (let i = 0; i < S; i++) {
      if (mask[j * S + i] === 0) continue;
      for (let dj = -1; dj <= 1; dj++) {
        const jj = j + dj;
        if (jj < 0 || jj >= S) continue;
        for (let di = -1; di <= 1; di++) {
          const ii = i + di;
          if (ii >= 0 && ii < S) out[jj * S + ii] = 1;
        }
      }
    }
  }
  return out;
}

export function studyMask(pStudy: Float32Array, threshold: number, gate: { modelMask: Uint8Array; S: number; nearest: Int32Array } | null): Uint8Array {
  const out = maskFromProbability(pStudy, threshold);
  if (gate === null) return out;
  const g = dilate3x3(gate.modelMask, gate.S);
  for (let i = 0; i < pStudy.length; i++) if (out[i] === 1 && g[gate.nearest[i] ?? 0] !== 1) out[i] = 0;
  return out;
}
