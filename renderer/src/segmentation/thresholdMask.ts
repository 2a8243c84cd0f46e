import { maskFromProbability } from '../../../electron/core/lesions/index';

/**
 * The lesion mask at a probability threshold: the core's one rule (float32 `p > threshold`,
 * electron/core/lesions/probabilityMask.ts), so the app's mask equals the engine's for the same published map.
 */
export function thresholdMask(probability: Float32Array, threshold: number, out = new Uint8Array(probability.length)): Uint8Array {
  return maskFromProbability(probability, threshold, out);
}
