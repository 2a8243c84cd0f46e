/**
 * y_sal timesteps and weights (SDPM-SPEC §3.4, models/BUNDLE-FORMAT.md): t = 0, tStride, ... < window;
 * `paper`: psi_t = 1 - (t/(window-1))^nu; `code-linear`: psi_t = window-1-t; w_t = psi_t / sum(psi) over
 * the used t (computed in float64, stored as float32).
 */
import { SdpmError } from '../errors';
import type { YSalSettings } from '../bundle/SamplerConfig';

export interface SalPlan {
  /** used timesteps, ascending */
  timesteps: Int32Array;
  /** normalised weights, same length */
  weights: Float32Array;
}

export function salPlan(s: YSalSettings): SalPlan {
  const ts: number[] = [];
  for (let t = 0; t < s.window; t += s.tStride) ts.push(t);
  const psi = ts.map((t) => (s.window === 1 ? 1 : s.weighting === 'paper' ? 1 - Math.pow(t / (s.window - 1), s.nu) : s.window - 1 - t));
  const sum = psi.reduce((a, b) => a + b, 0);
  if (!(sum > 0)) throw new SdpmError('INVALID_ARGUMENT', `y_sal weights sum to ${sum} (window ${s.window}, tStride ${s.tStride}): use a window of at least 2`);
  return { timesteps: Int32Array.from(ts), weights: Float32Array.from(psi.map((p) => p / sum)) };
}
