/**
 * Probability -> lesion mask: the one rule, used by the engine (model grid and study grid), the CLI, the
 * services and the renderer (threshold slider). Same probability map + same threshold = same mask, byte for byte.
 *
 * The rule is `p > threshold`, compared in float32 (the threshold is rounded to float32 first):
 * - `>` (not `>=`) because it is the rule of the paper's code and of the bundle (`preprocessing.json`
 *   `thresholdRule: "p > threshold"`), and PyTorch compares a float32 tensor with a Python float in float32, so
 *   the golden parity vectors follow it.
 * - float32 because every probability map is a Float32Array: comparing with the double `0.35` and with
 *   `Math.fround(0.35)` differs for a voxel whose value is exactly `fround(0.35)`. One precision, one answer.
 *
 * Despeckle (SDPM-SPEC §1.6, the authors' "eliminate_discrete") and the intracranial gate run in the engine on
 * the model grid, where the study grid cannot repeat them. So the engine PUBLISHES a post-processed probability
 * map (`publishProbability`): a voxel that post-processing removed keeps its probability capped at the
 * threshold, so `p > threshold` on the published map gives exactly the engine's mask. Everyone downstream (the
 * app's slider included) thresholds the published map with `maskFromProbability`; at another threshold than the
 * run's, removed specks above the new threshold can come back, which is the honest reading of "what would this
 * threshold show" without re-running the network.
 */

/** The lesion mask (0/1) of a probability map at a threshold. `out` may be given to avoid an allocation. */
export function maskFromProbability(probability: ArrayLike<number>, threshold: number, out: Uint8Array = new Uint8Array(probability.length)): Uint8Array {
  const t = Math.fround(threshold);
  for (let i = 0; i < probability.length; i++) out[i] = (probability[i] as number) > t ? 1 : 0;
  return out;
}

/**
 * The map the engine publishes (probability.nii.gz, the app's probability): `p` where `keptMask` is 1 (the
 * engine's final mask after despeckle, gate and mode union), and min(p, threshold as float32) elsewhere, so that
 * `maskFromProbability(published, threshold)` equals `keptMask` exactly. Requires every kept voxel to be above
 * the threshold (true for the engine's masks: each is a thresholded map further restricted); throws otherwise.
 */
export function publishProbability(p: Float32Array, keptMask: Uint8Array, threshold: number): Float32Array {
  const t = Math.fround(threshold);
  const out = new Float32Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i] as number;
    if (keptMask[i] !== 0) {
      if (!(v > t)) throw new RangeError(`publishProbability: voxel ${i} is in the mask with p ${v} <= threshold ${t}`);
      out[i] = v;
    } else out[i] = v > t ? t : v;
  }
  return out;
}

/** In place: caps `published` at the threshold wherever `keptMask` is 0 (e.g. after lesions were dropped). */
export function capOutside(published: Float32Array, keptMask: Uint8Array, threshold: number): void {
  const t = Math.fround(threshold);
  for (let i = 0; i < published.length; i++) if (keptMask[i] === 0 && (published[i] as number) > t) published[i] = t;
}
