/**
 * The inference engine's entry point (loads onnxruntime-node): for the inference worker, the CLI and benchmark
 * scripts, never for the Electron main process or the renderer. Everything else: electron/core/index.ts.
 */
export * from './inference/runInference';
// the worker imports only this entry, so it needs these two from here: core/index.ts would pull the PACS and
// trial modules (dcmjs-dimse, dcmjs) into the worker bundle, which loads from app.asar.unpacked without them
export { toErrorPayload } from './errors';
export { createLogger } from './logger';
