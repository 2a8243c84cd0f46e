/**
 * Key axial images for the report: one k-slice of the CT in a brain window with the lesion contour
 * drawn over it, and the same slice with the uncertainty map as a heat map. Columns are i (towards the
 * patient's left, so the image follows the radiological convention: patient left on the viewer's
 * right), rows are j (anterior at the top). Pixels are square on screen; a note in the caption gives
 * the true spacing when it is anisotropic.
 */
import type { VolumeGeometry } from '../dicom/Volume';
import { encodePng } from './encodePng';

export interface KeyImageOptions {
  /** Window centre / width in HU; default brain window 40 / 80. */
  windowCenterHu?: number;
  windowWidthHu?: number;
  /** Contour colour RGB. */
  contourRgb?: readonly [number, number, number];
}

function gray(hu: number, c: number, w: number): number {
  const v = ((hu - (c - w / 2)) / w) * 255;
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/** "Inferno-like" colour map from black through red and orange to pale yellow, t in [0, 1]. */
export function heatColor(t: number): [number, number, number] {
  const x = t < 0 ? 0 : t > 1 ? 1 : t;
  return [Math.round(255 * Math.min(1, x * 1.6)), Math.round(255 * Math.max(0, Math.min(1, (x - 0.35) * 1.6))), Math.round(255 * Math.max(0, (x - 0.75) * 4))];
}

export function renderContourPng(g: VolumeGeometry, hu: ArrayLike<number>, mask: ArrayLike<number>, k: number, options: KeyImageOptions = {}): Uint8Array {
  return renderContoursPng(g, hu, [{ mask, rgb: options.contourRgb ?? [255, 40, 40] }], k, options);
}

/**
 * Several contours on one slice (e.g. two readers' masks for the adjudicator), each in its colour; where
 * edges coincide the later contour is drawn (so pass them in the order the legend names them).
 */
export function renderContoursPng(g: VolumeGeometry, hu: ArrayLike<number>, contours: ReadonlyArray<{ mask: ArrayLike<number>; rgb: readonly [number, number, number] }>, k: number, options: KeyImageOptions = {}): Uint8Array {
  const [nx, ny] = g.dimensions;
  const c = options.windowCenterHu ?? 40;
  const w = options.windowWidthHu ?? 80;
  const px = new Uint8Array(nx * ny * 4);
  const off = nx * ny * k;
  const edges = contours.map(({ mask, rgb }) => {
    const inMask = (ii: number, jj: number): boolean => ii >= 0 && jj >= 0 && ii < nx && jj < ny && mask[off + ii + nx * jj] !== 0;
    return { rgb, isEdge: (i: number, j: number): boolean => inMask(i, j) && (!inMask(i - 1, j) || !inMask(i + 1, j) || !inMask(i, j - 1) || !inMask(i, j + 1)) };
  });
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const p = (i + nx * j) * 4;
      let edgeRgb: readonly [number, number, number] | null = null;
      for (const e of edges) if (e.isEdge(i, j)) edgeRgb = e.rgb;
      if (edgeRgb !== null) {
        px[p] = edgeRgb[0];
        px[p + 1] = edgeRgb[1];
        px[p + 2] = edgeRgb[2];
      } else {
        const v = gray(hu[off + i + nx * j] as number, c, w);
        px[p] = v;
        px[p + 1] = v;
        px[p + 2] = v;
      }
      px[p + 3] = 255;
    }
  }
  return encodePng(nx, ny, px, 4);
}

/** CT in the window, blended with the heat map where uncertainty > 0 (alpha grows with the value). */
export function renderHeatPng(g: VolumeGeometry, hu: ArrayLike<number>, uncertainty: ArrayLike<number>, k: number, maxValue: number, options: KeyImageOptions = {}): Uint8Array {
  const [nx, ny] = g.dimensions;
  const c = options.windowCenterHu ?? 40;
  const w = options.windowWidthHu ?? 80;
  const px = new Uint8Array(nx * ny * 4);
  const off = nx * ny * k;
  const max = maxValue > 0 ? maxValue : 1;
  for (let p = 0; p < nx * ny; p++) {
    const v = gray(hu[off + p] as number, c, w);
    const t = Math.max(0, Math.min(1, (uncertainty[off + p] as number) / max));
    const [r, gg, b] = heatColor(t);
    const a = t > 0 ? 0.25 + 0.6 * t : 0;
    px[p * 4] = Math.round(v * (1 - a) + r * a);
    px[p * 4 + 1] = Math.round(v * (1 - a) + gg * a);
    px[p * 4 + 2] = Math.round(v * (1 - a) + b * a);
    px[p * 4 + 3] = 255;
  }
  return encodePng(nx, ny, px, 4);
}
