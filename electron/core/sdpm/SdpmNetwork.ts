/**
 * The network step the sampler calls (models/BUNDLE-FORMAT.md, SDPM-SPEC §3.3). Implemented by the
 * onnxruntime session wrapper (electron/core/inference) and by stubs in tests.
 *
 * `x` holds `batch` images [batch, 1, S, S] (already masked, [-1, 1] scale), `t` the 0-based timestep of each.
 * Returned arrays hold at least `batch*S*S` values and may be reused by the next call on the same network:
 * read them before calling again.
 */
export interface NetOutputs {
  epsHat: Float32Array;
  ytHat: Float32Array;
  /** (y_t_hat - sqrt(1-ab_t)*eps_hat) / sqrt(ab_t), unclamped */
  y0Hat: Float32Array;
}

export interface SdpmNetwork {
  readonly imageSize: number;
  /** `sdpm_net`: eps_hat, y_t_hat, y0_hat. */
  runFull(x: Float32Array, t: Int32Array, batch: number): Promise<NetOutputs>;
  /** `sdpm_eps`: eps_hat only (falls back to the full graph when the bundle has no eps graph). */
  runEps(x: Float32Array, t: Int32Array, batch: number): Promise<Float32Array>;
  dispose(): Promise<void>;
}
