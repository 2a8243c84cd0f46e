/**
 * Inference host for the desktop app: runs the inference engine's worker in an Electron utilityProcess
 * (a separate Node process, so `session.run` never blocks the main process or the UI).
 * Returns null until the engine's worker entry is built (dist/worker/worker.mjs).
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../core/logger';
import type { InferenceService } from '../server/InferenceService';

export function createUtilityInference(workerEntry: string, logger: Logger): InferenceService | null {
  if (!existsSync(workerEntry)) {
    logger.warn('inference worker not found; SDPM runs are unavailable', { workerEntry });
    return null;
  }
  // Wired to the engine's worker protocol once electron/worker/protocol.ts lands.
  return null;
}
