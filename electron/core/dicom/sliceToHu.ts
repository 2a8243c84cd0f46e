/**
 * Stored pixel values -> Hounsfield units: HU = stored * RescaleSlope + RescaleIntercept (PS3.3
 * C.11.1.1.2), except pixels flagged by PixelPaddingValue / PixelPaddingRangeLimit (PS3.3 C.7.5.1.1.2),
 * which get `paddingHu`. Writes into `out` (an Int16Array or Float32Array slice view).
 */
import type { SliceHeader } from './SliceHeader';

export interface HuResult {
  /** Pixels mapped to paddingHu. */
  paddingCount: number;
  /** False when a value did not fit `out` (an Int16Array): the caller switches to Float32Array and redoes this slice. */
  fitted: boolean;
}

export function paddingRange(h: Pick<SliceHeader, 'pixelPaddingValue' | 'pixelPaddingRangeLimit'>): [number, number] | null {
  if (h.pixelPaddingValue === null) return null;
  const limit = h.pixelPaddingRangeLimit ?? h.pixelPaddingValue;
  return [Math.min(h.pixelPaddingValue, limit), Math.max(h.pixelPaddingValue, limit)];
}

export function sliceToHu(stored: Int16Array | Uint16Array | Uint8Array, h: SliceHeader, paddingHu: number, out: Int16Array | Float32Array): HuResult {
  const slope = h.rescaleSlope;
  const intercept = h.rescaleIntercept;
  const pad = paddingRange(h);
  const padLo = pad === null ? Infinity : pad[0];
  const padHi = pad === null ? -Infinity : pad[1];
  const n = out.length;
  let paddingCount = 0;
  if (out instanceof Int16Array) {
    for (let p = 0; p < n; p++) {
      const v = stored[p] ?? 0;
      let hu: number;
      if (v >= padLo && v <= padHi) {
        hu = paddingHu;
        paddingCount++;
      } else hu = v * slope + intercept;
      if (hu < -32768 || hu > 32767) return { paddingCount, fitted: false };
      out[p] = hu;
    }
  } else {
    for (let p = 0; p < n; p++) {
      const v = stored[p] ?? 0;
      if (v >= padLo && v <= padHi) {
        out[p] = paddingHu;
        paddingCount++;
      } else out[p] = v * slope + intercept;
    }
  }
  return { paddingCount, fitted: true };
}
