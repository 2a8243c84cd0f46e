/**
 * VC, the volume correlation over cases: Pearson's correlation coefficient between predicted and
 * reference lesion volumes,
 *     r = Σ (x_i − x̄)(y_i − ȳ) / √( Σ (x_i − x̄)² · Σ (y_i − ȳ)² ).
 * Undefined (NaN) with fewer than two cases or when either set of volumes is constant.
 */
import { SdpmError } from '../../errors';

export function volumeCorrelation(predMl: readonly number[], truthMl: readonly number[]): number {
  if (predMl.length !== truthMl.length) {
    throw new SdpmError('INVALID_ARGUMENT', `VC: ${predMl.length} predicted volumes but ${truthMl.length} reference volumes`);
  }
  const n = predMl.length;
  if (n < 2) return NaN;
  const mx = predMl.reduce((s, v) => s + v, 0) / n;
  const my = truthMl.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (predMl[i] as number) - mx;
    const dy = (truthMl[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}
