/**
 * Intracranial gate: engine post-processing (NOT part of SDPM) that removes predicted lesion outside the skull.
 * A partly trained model calls the scalp / skin edge lesion (soft tissue against air looks like blood in the
 * 0-80 HU window); a stroke tool must only report lesions inside the cranial cavity.
 *
 * Bit-exact port of models/training/sdpm/intracranial.py (parity: test/parity/intracranialGateParity.test.ts,
 * golden test/fixtures/intracranial-gate/). Per axial slice on the model grid (S×S), from the resized HU that
 * preprocessSlice computes before windowing:
 * 1. bone = hu > boneHu;
 * 2. F = fill holes of bone: pixels that cannot reach outside the grid through 4-connected non-bone pixels
 *    (background 4-connected = bone 8-connected); interior = F and not bone;
 * 3. `no-cavity` unless |interior| > 0 and |interior| >= minInteriorFraction·|F|;
 *    `tissue-outside-ring` unless |pocket| <= maxPocketFraction·|interior|, pocket = soft tissue
 *    (softTissueHu <= hu, not bone) inside the convex hull (pixel centres, monotone chain, integer cross
 *    products >= 0) of the largest 8-connected bone component, outside F;
 * 4. `enclosed`: gate = cavity = (interior dilated growPixels times by the 3×3 square) and F. When the pocket
 *    test fails and hullFallback is on, `skull-hull`: gate = that hull OR the cavity (the brain beside the
 *    cavity is inside the skull's hull, the scalp outside); otherwise `tissue-outside-ring`, and `no-cavity`
 *    slices: gate = all ones (no gating: a fallback that could cut true lesion, e.g. a hull across a
 *    craniectomy, is worse than a false positive).
 * Integer/boolean morphology only, in a fixed order; counts compared as a >= f·b in float64 like the reference.
 * The resized HU is float64 on both sides; area means may sum in another order than numpy, so the engines can
 * differ only where a pixel lies within rounding (~1e-12 HU) of boneHu or softTissueHu (exact for integer HU
 * with 2×2 / 4×4 area resizing).
 */
import type { IntracranialGateSettings } from '../bundle/Preprocessing';

export type GateRule = 'enclosed' | 'skull-hull' | 'no-cavity' | 'tissue-outside-ring';

export interface SliceGate {
  /** S×S, 1 = lesion may be reported here */
  gate: Uint8Array;
  rule: GateRule;
  interiorPx: number;
  /** 0 when the no-cavity test already failed (not computed) */
  pocketPx: number;
}

/** 1 where `mask` is 0 and the pixel connects to outside the grid through 4-connected 0 pixels. */
function outside(mask: Uint8Array, S: number): Uint8Array {
  const out = new Uint8Array(S * S);
  const stack = new Int32Array(S * S);
  let top = 0;
  const seed = (i: number): void => {
    if (mask[i] === 0 && out[i] === 0) {
      out[i] = 1;
      stack[top++] = i;
    }
  };
  for (let t = 0; t < S; t++) {
    seed(t);
    seed((S - 1) * S + t);
    seed(t * S);
    seed(t * S + S - 1);
  }
  while (top > 0) {
    const i = stack[--top] ?? 0;
    const x = i % S;
    const y = (i - x) / S;
    if (x > 0) seed(i - 1);
    if (x < S - 1) seed(i + 1);
    if (y > 0) seed(i - S);
    if (y < S - 1) seed(i + S);
  }
  return out;
}

function dilateSquare(mask: Uint8Array, S: number, iterations: number): Uint8Array {
  let cur = mask.slice();
  for (let it = 0; it < iterations; it++) {
    const next = new Uint8Array(S * S);
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        if (cur[y * S + x] === 0) continue;
        for (let yy = Math.max(0, y - 1); yy <= Math.min(S - 1, y + 1); yy++) for (let xx = Math.max(0, x - 1); xx <= Math.min(S - 1, x + 1); xx++) next[yy * S + xx] = 1;
      }
    }
    cur = next;
  }
  return cur;
}

/** The largest 8-connected component (ties: the one whose first pixel comes first in raster order). */
function largestComponent(mask: Uint8Array, S: number): Uint8Array {
  const label = new Int32Array(S * S);
  const stack = new Int32Array(S * S);
  let best = 0;
  let bestSize = 0;
  let n = 0;
  for (let start = 0; start < S * S; start++) {
    if (mask[start] === 0 || label[start] !== 0) continue;
    n++;
    let size = 0;
    let top = 0;
    label[start] = n;
    stack[top++] = start;
    while (top > 0) {
      const i = stack[--top] ?? 0;
      size++;
      const x = i % S;
      const y = (i - x) / S;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(S - 1, y + 1); yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(S - 1, x + 1); xx++) {
          const j = yy * S + xx;
          if (mask[j] !== 0 && label[j] === 0) {
            label[j] = n;
            stack[top++] = j;
          }
        }
      }
    }
    if (size > bestSize) {
      best = n;
      bestSize = size;
    }
  }
  const out = new Uint8Array(S * S);
  if (best > 0) for (let i = 0; i < S * S; i++) out[i] = label[i] === best ? 1 : 0;
  return out;
}

/** Pixels inside or on the convex hull of the pixel centres of `mask` (Andrew's monotone chain, integers only). */
function convexHullMask(mask: Uint8Array, S: number): Uint8Array {
  // points sorted by x then y: scan columns, rows ascending inside each
  const px: number[] = [];
  const py: number[] = [];
  for (let x = 0; x < S; x++) {
    for (let y = 0; y < S; y++) {
      if (mask[y * S + x] !== 0) {
        px.push(x);
        py.push(y);
      }
    }
  }
  const cross = (o: number, a: number, bx: number, by: number, hx: number[], hy: number[]): number =>
    ((hx[a] ?? 0) - (hx[o] ?? 0)) * (by - (hy[o] ?? 0)) - ((hy[a] ?? 0) - (hy[o] ?? 0)) * (bx - (hx[o] ?? 0));
  const chain = (order: number[]): { x: number[]; y: number[] } => {
    const hx: number[] = [];
    const hy: number[] = [];
    for (const k of order) {
      const bx = px[k] ?? 0;
      const by = py[k] ?? 0;
      while (hx.length >= 2 && cross(hx.length - 2, hx.length - 1, bx, by, hx, hy) <= 0) {
        hx.pop();
        hy.pop();
      }
      hx.push(bx);
      hy.push(by);
    }
    return { x: hx, y: hy };
  };
  const idx = px.map((_, i) => i);
  const lower = chain(idx);
  const upper = chain(idx.slice().reverse());
  const vx = [...lower.x.slice(0, -1), ...upper.x.slice(0, -1)];
  const vy = [...lower.y.slice(0, -1), ...upper.y.slice(0, -1)];
  if (vx.length < 3) return mask.slice();
  const out = new Uint8Array(S * S);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      let inside = true;
      for (let i = 0; i < vx.length && inside; i++) {
        const j = (i + 1) % vx.length;
        const ax = vx[i] ?? 0;
        const ay = vy[i] ?? 0;
        inside = ((vx[j] ?? 0) - ax) * (y - ay) - ((vy[j] ?? 0) - ay) * (x - ax) >= 0;
      }
      out[y * S + x] = inside ? 1 : 0;
    }
  }
  return out;
}

/** The gate of one model-grid slice of resized HU (S×S, row-major). */
export function intracranialGate(hu: ArrayLike<number>, S: number, cfg: IntracranialGateSettings): SliceGate {
  const P = S * S;
  if (hu.length !== P) throw new RangeError(`intracranialGate: expected ${P} HU values, got ${hu.length}`);
  const bone = new Uint8Array(P);
  for (let i = 0; i < P; i++) bone[i] = (hu[i] ?? 0) > cfg.boneHu ? 1 : 0;
  const out = outside(bone, S);
  const interior = new Uint8Array(P);
  let nInt = 0;
  let nFilled = 0;
  for (let i = 0; i < P; i++) {
    if (out[i] === 0) {
      nFilled++;
      if (bone[i] === 0) {
        interior[i] = 1;
        nInt++;
      }
    }
  }
  const all = (rule: GateRule, pocketPx: number): SliceGate => ({ gate: new Uint8Array(P).fill(1), rule, interiorPx: nInt, pocketPx });
  if (nInt === 0 || !(nInt >= cfg.minInteriorFraction * nFilled)) return all('no-cavity', 0);
  const hull = convexHullMask(largestComponent(bone, S), S);
  let nPocket = 0;
  for (let i = 0; i < P; i++) if (hull[i] === 1 && out[i] === 1 && (hu[i] ?? 0) >= cfg.softTissueHu) nPocket++;
  const gate = dilateSquare(interior, S, cfg.growPixels);
  for (let i = 0; i < P; i++) if (out[i] === 1) gate[i] = 0;
  if (!(nPocket <= cfg.maxPocketFraction * nInt)) {
    if (!cfg.hullFallback) return all('tissue-outside-ring', nPocket);
    for (let i = 0; i < P; i++) gate[i] = (gate[i] ?? 0) | (hull[i] ?? 0);
    return { gate, rule: 'skull-hull', interiorPx: nInt, pocketPx: nPocket };
  }
  return { gate, rule: 'enclosed', interiorPx: nInt, pocketPx: nPocket };
}
