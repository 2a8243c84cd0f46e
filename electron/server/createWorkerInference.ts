/**
 * Inference host for the local server and tests: the engine's worker in a worker thread.
 * Returns null until the engine's worker protocol lands (electron/worker/protocol.ts).
 */
import type { Logger } from '../core/logger';
import type { InferenceService } from './InferenceService';

export async function createWorkerInference(_root: string, logger: Logger): Promise<InferenceService | null> {
  logger.info('inference engine not wired in this build');
  return null;
}
