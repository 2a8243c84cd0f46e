/**
 * In-plane resampling between an axial slice of a Volume (ny rows × nx columns, i fastest) and the model
 * grid (S×S), exactly as models/BUNDLE-FORMAT.md § preprocessing.json and models/training/sdpm/preprocessing.py:
 * pad to a centred square of side L = max(nx, ny) (before = floor((L-n)/2), the odd pixel after), then area
 * average when L is a multiple of S, else bilinear with half-pixel centres (align_corners=false, source index
 * clamped at 0, no antialias). Arithmetic in float64, outputs float32, as the Python reference.
 */
import type { Preprocessing } from '../bundle/Preprocessing';

export interface SquarePad {
  side: number;
  /** padding before the first column / first row */
  padX: number;
  padY: number;
}

export function squarePad(nx: number, ny: number): SquarePad {
  const side = Math.max(nx, ny);
  return { side, padX: Math.floor((side - nx) / 2), padY: Math.floor((side - ny) / 2) };
}

/** Source index pairs and weights of half-pixel bilinear resampling along one axis (torch semantics). */
export function bilinearAxis(nIn: number, nOut: number): { i0: Int32Array; i1: Int32Array; lam: Float64Array } {
  const scale = nIn / nOut;
  const i0 = new Int32Array(nOut);
  const i1 = new Int32Array(nOut);
  const lam = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    const src = Math.max((o + 0.5) * scale - 0.5, 0);
    const a = Math.min(Math.floor(src), nIn - 1);
    i0[o] = a;
    lam[o] = src - a;
    i1[o] = Math.min(a + 1, nIn - 1);
  }
  return { i0, i1, lam };
}

/**
 * The network's input window (preprocessing.json `huWindow`, models/BUNDLE-FORMAT.md): HU → x. Plain:
 * clip((hu − lowerHu)/(upperHu − lowerHu), 0, 1). With `windowExtension` {upperValue k, ceilingHu c, ceilingValue v}:
 * k·(hu − lowerHu)/(upperHu − lowerHu) up to upperHu, then k + (v − k)(hu − upperHu)/(c − upperHu), clipped to [0, v];
 * the operations in the order of Python's `window_value` (sdpm/preprocessing.py), so both give the same float32.
 */
export function windowValue(hu: number, prep: Pick<Preprocessing, 'lowerHu' | 'upperHu' | 'windowExtension'>): number {
  const ext = prep.windowExtension;
  if (ext === undefined) return Math.min(Math.max((hu - prep.lowerHu) / (prep.upperHu - prep.lowerHu), 0), 1);
  const k = ext.upperValue;
  const v = ext.ceilingValue;
  const x = hu <= prep.upperHu ? (k * (hu - prep.lowerHu)) / (prep.upperHu - prep.lowerHu) : k + ((v - k) * (hu - prep.upperHu)) / (ext.ceilingHu - prep.upperHu);
  return Math.min(Math.max(x, 0), v);
}

/**
 * HU of slice k of `voxels` (nx×ny×nz) → (x0n, m) on the S×S grid. Returns `tissue = false` when m is all 0
 * (the slice can be skipped: no pixel of it is inside the window), and `hu`, the resized HU slice before
 * windowing (float64, S×S; Python `resize_slice_hu`), from which the intracranial gate is computed.
 */
export function preprocessSlice(voxels: ArrayLike<number>, nx: number, ny: number, k: number, prep: Preprocessing): { x0n: Float32Array; m: Float32Array; tissue: boolean; hu: Float64Array } {
  const S = prep.imageSize;
  const { side, padX, padY } = squarePad(nx, ny);
  const base = k * nx * ny;
  const pad = prep.padHu;
  const at = (u: number, v: number): number => {
    const i = u - padX;
    const j = v - padY;
    return i < 0 || j < 0 || i >= nx || j >= ny ? pad : (voxels[base + j * nx + i] ?? pad);
  };
  const hu = new Float64Array(S * S);
  if (side % S === 0) {
    const f = side / S;
    const inv = 1 / (f * f);
    for (let oy = 0; oy < S; oy++) {
      for (let ox = 0; ox < S; ox++) {
        let sum = 0;
        for (let dv = 0; dv < f; dv++) for (let du = 0; du < f; du++) sum += at(ox * f + du, oy * f + dv);
        hu[oy * S + ox] = sum * inv;
      }
    }
  } else {
    const ax = bilinearAxis(side, S);
    const rows = new Float64Array(S * side);
    for (let oy = 0; oy < S; oy++) {
      const a = ax.i0[oy] ?? 0;
      const b = ax.i1[oy] ?? 0;
      const l = ax.lam[oy] ?? 0;
      for (let u = 0; u < side; u++) rows[oy * side + u] = at(u, a) * (1 - l) + at(u, b) * l;
    }
    for (let oy = 0; oy < S; oy++) {
      for (let ox = 0; ox < S; ox++) {
        const l = ax.lam[ox] ?? 0;
        hu[oy * S + ox] = (rows[oy * side + (ax.i0[ox] ?? 0)] ?? 0) * (1 - l) + (rows[oy * side + (ax.i1[ox] ?? 0)] ?? 0) * l;
      }
    }
  }
  const x0n = new Float32Array(S * S);
  const m = new Float32Array(S * S);
  let tissue = false;
  for (let i = 0; i < S * S; i++) {
    const v = 2 * windowValue(hu[i] ?? 0, prep) - 1;
    x0n[i] = v;
    if (v > -1) {
      m[i] = 1;
      tissue = true;
    }
  }
  return { x0n, m, tissue, hu };
}

/**
 * Maps S×S model-grid values back onto one study slice (nx×ny): bilinear (half-pixel) S → L on the padded
 * square, restricted to the unpadded window (the padding is cropped). Precomputed per geometry.
 */
export class ToStudySlice {
  private readonly ax: { i0: Int32Array; i1: Int32Array; lam: Float64Array };
  constructor(
    readonly S: number,
    readonly nx: number,
    readonly ny: number,
  ) {
    this.ax = bilinearAxis(S, squarePad(nx, ny).side);
  }

  /** Bilinear value of `src` (S×S) at each study pixel, into `out` (nx*ny). */
  map(src: Float32Array, out: Float32Array): void {
    const { S, nx, ny } = this;
    const { padX, padY } = squarePad(nx, ny);
    const { i0, i1, lam } = this.ax;
    const row = new Float64Array(S);
    for (let j = 0; j < ny; j++) {
      const v = j + padY;
      const a = i0[v] ?? 0;
      const b = i1[v] ?? 0;
      const l = lam[v] ?? 0;
      for (let x = 0; x < S; x++) row[x] = (src[a * S + x] ?? 0) * (1 - l) + (src[b * S + x] ?? 0) * l;
      for (let i = 0; i < nx; i++) {
        const u = i + padX;
        const lu = lam[u] ?? 0;
        out[j * nx + i] = (row[i0[u] ?? 0] ?? 0) * (1 - lu) + (row[i1[u] ?? 0] ?? 0) * lu;
      }
    }
  }

  /** Model-grid pixel index nearest to each study pixel (for gating masks by model-grid decisions). */
  nearestModelIndex(): Int32Array {
    const { S, nx, ny } = this;
    const { side, padX, padY } = squarePad(nx, ny);
    const scale = S / side;
    const idx = (u: number): number => Math.min(S - 1, Math.max(0, Math.floor((u + 0.5) * scale)));
    const out = new Int32Array(nx * ny);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out[j * nx + i] = idx(j + padY) * S + idx(i + padX);
    return out;
  }
}
