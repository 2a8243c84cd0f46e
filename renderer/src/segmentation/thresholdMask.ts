/** The lesion mask at a probability threshold: 1 where the mean probability over samples is >= threshold. */
export function thresholdMask(probability: Float32Array, threshold: number, out = new Uint8Array(probability.length)): Uint8Array {
  for (let i = 0; i < probability.length; i++) out[i] = probability[i]! >= threshold ? 1 : 0;
  return out;
}
