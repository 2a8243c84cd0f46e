/**
 * The one interface of an inference host: something that runs engine jobs (electron/worker/protocol.ts) away
 * from the caller's thread and hands back a cancellable job. Two implementations speak the same protocol:
 * - InferenceWorkerHost (worker thread; CLI, batch, queue workers and the browser-mode server);
 * - UtilityInferenceHost (electron/main: an Electron utilityProcess relaying to a worker thread; the desktop app).
 * Services (electron/services/app) depend on this interface only.
 */
import type { InferenceRequest, LogLevel } from '../core/index';
import type { PartialResultMessage, PrepareMessage, ProgressMessage, ResultMessage } from './protocol';

export interface JobHandlers {
  onProgress?: (m: ProgressMessage['progress']) => void;
  onPartial?: (m: PartialResultMessage) => void;
  onLog?: (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;
}

export interface Job {
  jobId: string;
  result: Promise<ResultMessage>;
  /** sets the shared cancel flag and sends `cancel`; the job then rejects with CANCELLED */
  cancel(): void;
}

export interface InferenceHost {
  run(request: InferenceRequest, handlers?: JobHandlers): Job;
  /**
   * Creates and warms up, in the background, the sessions a later `keepSessions` run with the same bundle,
   * provider and threads will use (protocol.ts `prepare`); a run started meanwhile waits for it. Never throws.
   */
  prepare(request: PrepareRequest, onLog?: JobHandlers['onLog']): void;
}

export type PrepareRequest = PrepareMessage['request'];
