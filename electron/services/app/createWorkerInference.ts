/**
 * Inference for the local server: the engine's worker in a worker thread (InferenceWorkerHost), with the
 * bundle from resolveServiceBundle. The built worker (dist/worker/worker.mjs under `root`) is used when
 * present, else the TypeScript entry through tsx (development).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SdpmError } from '../../core/index';
import type { Logger } from '../../core/index';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import type { InferenceService } from './InferenceService';
import { WorkerInferenceService } from './WorkerInferenceService';

export async function createWorkerInference(root: string, logger: Logger, softwareVersion: string, bundle: string | SdpmError): Promise<InferenceService | null> {
  const built = join(root, 'dist', 'worker', 'worker.mjs');
  const dev = join(root, 'electron', 'worker', 'inferenceWorker.mjs');
  const entry = existsSync(built) ? built : existsSync(dev) ? dev : null;
  if (entry === null) {
    logger.warn('no inference worker entry found', { built, dev });
    return null;
  }
  const host = new InferenceWorkerHost({ workerUrl: pathToFileURL(entry), logger });
  return new WorkerInferenceService(host, bundle, logger, softwareVersion);
}
