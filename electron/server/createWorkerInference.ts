/**
 * Inference for the local server: the engine's worker in a worker thread (InferenceWorkerHost), with
 * the model bundle named in models/bundles/DEFAULT (or $SDPM_BUNDLES_DIR). The built worker
 * (dist/worker/worker.mjs) is used when present, else the TypeScript entry through tsx (development).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../core/logger';
import { InferenceWorkerHost } from '../worker/InferenceWorkerHost';
import { resolveDefaultBundle } from '../core/bundle/resolveDefaultBundle';
import type { InferenceService } from './InferenceService';
import { WorkerInferenceService } from './WorkerInferenceService';

export function bundleDirFor(root: string, logger: Logger, explicit?: string): string {
  const exact = explicit ?? process.env.SDPM_BUNDLE_DIR;
  if (exact !== undefined && exact !== '') return exact;
  const bundlesDir = process.env.SDPM_BUNDLES_DIR ?? join(root, 'models', 'bundles');
  try {
    return resolveDefaultBundle(bundlesDir);
  } catch (err) {
    logger.warn('no default model bundle; SDPM runs will report why', { error: err instanceof Error ? err.message : String(err) });
    // The service still starts; `inference:options` then answers with the bundle error for the page to show.
    return join(bundlesDir, 'DEFAULT-MISSING');
  }
}

export async function createWorkerInference(root: string, logger: Logger, softwareVersion: string, bundleDir?: string): Promise<InferenceService | null> {
  const built = join(root, 'dist', 'worker', 'worker.mjs');
  const dev = join(root, 'electron', 'worker', 'inferenceWorker.mjs');
  const entry = existsSync(built) ? built : existsSync(dev) ? dev : null;
  if (entry === null) {
    logger.warn('no inference worker entry found', { built, dev });
    return null;
  }
  const host = new InferenceWorkerHost({ workerUrl: pathToFileURL(entry) });
  return new WorkerInferenceService(host, bundleDirFor(root, logger, bundleDir), logger, softwareVersion);
}
