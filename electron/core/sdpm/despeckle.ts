/**
 * The authors' "eliminate_discrete" post-processing (SDPM-SPEC §1.6, the paper's frozen all-ones conv with
 * self-attention): for each foreground pixel, count the foreground pixels in the kernel×kernel zero-padded
 * window centred on it (itself included); keep it if count > minCount. Background stays background.
 * Computed with a summed-area table, O(S²) for any kernel.
 */
import { maskFromProbability } from '../lesions/probabilityMask';

export function despeckle(mask: Uint8Array, width: number, height: number, kernel: number, minCount: number): Uint8Array {
  const r = (kernel - 1) >> 1;
  const W1 = width + 1;
  const sat = new Int32Array(W1 * (height + 1));
  for (let j = 0; j < height; j++) {
    let row = 0;
    for (let i = 0; i < width; i++) {
      row += mask[j * width + i] !== 0 ? 1 : 0;
      sat[(j + 1) * W1 + i + 1] = (sat[j * W1 + i + 1] ?? 0) + row;
    }
  }
  const out = new Uint8Array(width * height);
  for (let j = 0; j < height; j++) {
    const j0 = Math.max(0, j - r);
    const j1 = Math.min(height, j + r + 1);
    for (let i = 0; i < width; i++) {
      if (mask[j * width + i] === 0) continue;
      const i0 = Math.max(0, i - r);
      const i1 = Math.min(width, i + r + 1);
      const count = (sat[j1 * W1 + i1] ?? 0) - (sat[j0 * W1 + i1] ?? 0) - (sat[j1 * W1 + i0] ?? 0) + (sat[j0 * W1 + i0] ?? 0);
      if (count > minCount) out[j * width + i] = 1;
    }
  }
  return out;
}

/** `p > threshold` as 0/1: the one probability -> mask rule (lesions/probabilityMask.ts), on the model grid. */
export function binarise(p: Float32Array, threshold: number): Uint8Array {
  return maskFromProbability(p, threshold);
}
