/**
 * VDP, the volume difference proportion of one case:
 *     VDP = |V_pred − V_true| / V_true
 * (a fraction; the paper's tables print it as a percentage). Undefined (NaN) when V_true = 0 unless
 * V_pred is 0 too (then 0).
 */
export function volumeDifference(predMl: number, truthMl: number): number {
  if (truthMl === 0) return predMl === 0 ? 0 : NaN;
  return Math.abs(predMl - truthMl) / truthMl;
}
