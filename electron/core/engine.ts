/**
 * The inference engine's entry point (loads onnxruntime-node): for the inference worker, the CLI and benchmark
 * scripts, never for the Electron main process or the renderer. Everything else: electron/core/index.ts.
 */
export * from './inference/runInference';
