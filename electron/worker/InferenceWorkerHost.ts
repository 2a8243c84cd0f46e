/**
 * Runs inference jobs in a worker thread and never lets the worker take the host down: a throw, a
 * `process.exit` inside the worker, or an out-of-memory kill (resourceLimits) becomes an `error` event /
 * rejected job with code INFERENCE_FAILED; a cancelled job rejects with CANCELLED. One job at a time per host;
 * after a crash the next job starts a fresh worker.
 */
import { randomUUID } from 'node:crypto';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { SdpmError, type ErrorPayload } from '../core/errors';
import type { InferenceRequest } from '../core/inference/InferenceRequest';
import type { LogLevel } from '../core/logger';
import { parseWorkerMessage, type PartialResultMessage, type ProgressMessage, type ResultMessage } from './protocol';

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

export interface HostOptions {
  /** worker entry (default: inferenceWorker.mjs next to this file) */
  workerUrl?: URL;
  resourceLimits?: ResourceLimits;
  env?: Record<string, string>;
  /** share a cancel flag with the worker (default true); false behaves like a transport without shared
   * memory (Electron utilityProcess): only the `cancel` message cancels */
  sharedCancelFlag?: boolean;
}

export function payloadToError(p: ErrorPayload): SdpmError {
  return new SdpmError(p.code, p.message, p.path !== undefined ? { path: p.path } : {});
}

export class InferenceWorkerHost {
  private worker: Worker | null = null;
  private busy = false;

  constructor(private readonly opts: HostOptions = {}) {}

  private spawn(): Worker {
    const url = this.opts.workerUrl ?? new URL('./inferenceWorker.mjs', import.meta.url);
    const w = new Worker(url, { ...(this.opts.resourceLimits !== undefined ? { resourceLimits: this.opts.resourceLimits } : {}), ...(this.opts.env !== undefined ? { env: { ...process.env, ...this.opts.env } } : {}) });
    // permanent listeners: a worker that dies between jobs must not take the host down (an 'error' event
    // without a listener would throw in the host); the next job starts a fresh worker
    w.on('error', () => undefined);
    w.on('exit', () => {
      if (this.worker === w) this.worker = null;
    });
    return w;
  }

  run(request: InferenceRequest, h: JobHandlers = {}): Job {
    if (this.busy) throw new SdpmError('INTERNAL', 'this inference host is already running a job');
    this.busy = true;
    const jobId = randomUUID();
    const flagBuf = new SharedArrayBuffer(4);
    const flag = new Int32Array(flagBuf);
    const w = (this.worker ??= this.spawn());
    let settled = false;
    const result = new Promise<ResultMessage>((resolve, reject) => {
      const done = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.busy = false;
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        fn();
      };
      const crashed = (why: string): void => {
        this.worker = null;
        done(() => reject(new SdpmError('INFERENCE_FAILED', `inference worker crashed: ${why}`)));
      };
      const onMessage = (raw: unknown): void => {
        const m = parseWorkerMessage(raw);
        if (m === null || m.jobId !== jobId) return;
        if (m.type === 'progress') h.onProgress?.(m.progress);
        else if (m.type === 'partial-result') h.onPartial?.(m);
        else if (m.type === 'log') h.onLog?.(m.level, m.message, m.fields);
        else if (m.type === 'result') done(() => resolve(m));
        else done(() => reject(payloadToError(m.error)));
      };
      const onError = (err: Error): void => {
        const code = (err as { code?: string }).code;
        crashed(code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (${err.message})` : err.message);
      };
      const onExit = (code: number): void => crashed(`worker exited with code ${code} before answering`);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ type: 'start', jobId, request, ...(this.opts.sharedCancelFlag === false ? {} : { cancelFlag: flagBuf }) });
    });
    return {
      jobId,
      result,
      cancel: () => {
        Atomics.store(flag, 0, 1);
        if (!settled) w.postMessage({ type: 'cancel', jobId });
      },
    };
  }

  /** Stops the worker (a running job rejects as crashed). */
  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
