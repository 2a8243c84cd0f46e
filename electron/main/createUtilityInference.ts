/**
 * Inference for the desktop app: the engine's worker protocol in an Electron utilityProcess
 * (dist/worker/utility.cjs, which hosts the worker thread dist/worker/worker.mjs).
 */
import { existsSync } from 'node:fs';
import type { SdpmError } from '../core/index';
import type { Logger } from '../core/index';
import type { InferenceService } from '../services/app/InferenceService';
import { WorkerInferenceService } from '../services/app/WorkerInferenceService';
import { UtilityInferenceHost } from './UtilityInferenceHost';

/** `bundle`: from resolveServiceBundle (the folder, or why there is none). */
export function createUtilityInference(utilityEntry: string, bundle: string | SdpmError, logger: Logger, version: string): InferenceService | null {
  if (!existsSync(utilityEntry)) {
    logger.warn('inference process entry not found; SDPM runs are unavailable', { utilityEntry });
    return null;
  }
  return new WorkerInferenceService(new UtilityInferenceHost(utilityEntry, logger), bundle, logger, version);
}
