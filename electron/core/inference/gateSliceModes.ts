/**
 * Applies a slice's intracranial gate (intracranialGate.ts; engine post-processing, not part of SDPM) to what
 * SDPM produced for that slice on the model grid: each mode's finished binary mask (after threshold and
 * despeckle) is ANDed with the gate, and its probability map and every per-sample map (uncertainty) are
 * multiplied by it, so the mask, volumes, intervals and uncertainty maps all exclude extracranial pixels.
 * Done before the maps go back to the study grid (studyMask.ts then resamples the gated p and gates by the
 * gated model mask, so no extracranial study voxel can become lesion beyond the bilinear half-pixel at the
 * gate's edge). New arrays are returned: the inputs (e.g. the cached y_avg maps) are not modified.
 */
import type { IntracranialGateSettings } from '../bundle/Preprocessing';
import type { ModeMaps } from '../sdpm/combineModes';
import type { SliceModes } from '../sdpm/sampleSlices';
import type { GateRule } from './intracranialGate';

/** What the gate did on a study (VolumePrediction, report settings). */
export interface GateRecord {
  enabled: boolean;
  /** the bundle has a gate but the caller turned it off (--no-intracranial-gate) */
  turnedOffByRequest: boolean;
  settings: IntracranialGateSettings | null;
  /** per slice index: the rule used (null: slice skipped, or gate off) */
  rules: (GateRule | null)[];
  /** model-grid pixels of the final mode's mask that the gate removed, summed over slices */
  removedModelPixels: number;
}

export function gateModeMaps(m: ModeMaps, gate: Uint8Array | null): ModeMaps {
  if (gate === null) return m;
  const p = new Float32Array(m.p.length);
  const mask = new Uint8Array(m.mask.length);
  for (let i = 0; i < p.length; i++) {
    const g = gate[i] ?? 0;
    p[i] = g === 1 ? (m.p[i] ?? 0) : 0;
    mask[i] = g === 1 ? (m.mask[i] ?? 0) : 0;
  }
  return { p, mask };
}

function gateSample(s: Float32Array, gate: Uint8Array): Float32Array {
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = gate[i] === 1 ? (s[i] ?? 0) : 0;
  return out;
}

export function gateSliceModes(r: SliceModes, gate: Uint8Array | null): SliceModes {
  if (gate === null) return r;
  const out: SliceModes = { sliceIndex: r.sliceIndex, salSamples: r.salSamples.map((s) => gateSample(s, gate)), inferSamples: r.inferSamples.map((s) => gateSample(s, gate)) };
  if (r.avg !== undefined) out.avg = gateModeMaps(r.avg, gate);
  if (r.sal !== undefined) out.sal = gateModeMaps(r.sal, gate);
  if (r.infer !== undefined) out.infer = gateModeMaps(r.infer, gate);
  if (r.all !== undefined) out.all = gateModeMaps(r.all, gate);
  return out;
}
