/**
 * Runs inference jobs in a worker thread and never lets the worker take the host down: a throw, a
 * `process.exit` inside the worker, or an out-of-memory kill (JS heap limit) becomes an `error` event /
 * rejected job with code INFERENCE_FAILED; a cancelled job rejects with CANCELLED. One job at a time per host;
 * after a crash the next job starts a fresh worker.
 * The worker's JS heap limit is worked out once (workerHeapLimit.ts: resourceLimits, unless a process-wide
 * --max-old-space-size overrides it), logged each time a worker starts (a warning when it overrides what
 * was requested), named in out-of-memory errors, and checked before a job starts: below `minOldSpaceMb` the
 * job is refused with INFERENCE_FAILED saying which limit and where it came from.
 */
import { randomUUID } from 'node:crypto';
import { getHeapStatistics } from 'node:v8';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { SdpmError, type ErrorPayload } from '../core/index';
import type { InferenceRequest } from '../core/index';
import type { Logger, LogLevel } from '../core/index';
import { parseWorkerMessage, sendPrepare, type ResultMessage } from './protocol';
import type { InferenceHost, Job, JobHandlers, PrepareRequest } from './InferenceHost';
import { MIN_WORKER_OLD_SPACE_MB, planWorkerHeap, type WorkerHeapPlan } from './workerHeapLimit';

export type { Job, JobHandlers } from './InferenceHost';

export interface HostOptions {
  /** worker entry (default: inferenceWorker.mjs next to this file) */
  workerUrl?: URL;
  resourceLimits?: ResourceLimits;
  env?: Record<string, string>;
  /** share a cancel flag with the worker (default true); false behaves like a transport without shared
   * memory (Electron utilityProcess): only the `cancel` message cancels */
  sharedCancelFlag?: boolean;
  /** where the worker's heap limit is logged (default: the job's `onLog`) */
  logger?: Logger;
  /** jobs are refused when the worker's JS heap limit is below this (MB; default MIN_WORKER_OLD_SPACE_MB) */
  minOldSpaceMb?: number;
  /** this process's flags (default: process.execArgv and $NODE_OPTIONS); for tests */
  processFlags?: { execArgv: readonly string[]; nodeOptions?: string };
}

export function payloadToError(p: ErrorPayload): SdpmError {
  return new SdpmError(p.code, p.message, p.path !== undefined ? { path: p.path } : {});
}

export class InferenceWorkerHost implements InferenceHost {
  private worker: Worker | null = null;
  private busy = false;

  /** the worker's JS heap limit and where it comes from */
  readonly heapPlan: WorkerHeapPlan;

  constructor(private readonly opts: HostOptions = {}) {
    const flags = opts.processFlags ?? { execArgv: process.execArgv, ...(process.env.NODE_OPTIONS !== undefined ? { nodeOptions: process.env.NODE_OPTIONS } : {}) };
    this.heapPlan = planWorkerHeap({
      ...(opts.resourceLimits?.maxOldGenerationSizeMb !== undefined ? { requestedMb: opts.resourceLimits.maxOldGenerationSizeMb } : {}),
      execArgv: flags.execArgv,
      ...(flags.nodeOptions !== undefined ? { nodeOptions: flags.nodeOptions } : {}),
      v8DefaultMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    });
  }

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
    const plan = this.heapPlan;
    const minMb = this.opts.minOldSpaceMb ?? MIN_WORKER_OLD_SPACE_MB;
    if (plan.effectiveMb < minMb) {
      throw new SdpmError('INFERENCE_FAILED', `cannot start inference: ${plan.reason}, below the ${minMb} MB the engine needs. ${plan.source === 'NODE_OPTIONS' || plan.source === 'execArgv' ? 'Raise or remove --max-old-space-size.' : 'Raise resourceLimits.maxOldGenerationSizeMb.'}`);
    }
    this.busy = true;
    const jobId = randomUUID();
    const flagBuf = new SharedArrayBuffer(4);
    const flag = new Int32Array(flagBuf);
    if (this.worker === null) {
      this.worker = this.spawn();
      const level: LogLevel = plan.overridden ? 'warn' : plan.source === 'NODE_OPTIONS' || plan.source === 'execArgv' ? 'info' : 'debug';
      const fields = { effectiveMb: plan.effectiveMb, source: plan.source, requestedMb: plan.requestedMb };
      if (this.opts.logger !== undefined) this.opts.logger[level](plan.reason, fields);
      else h.onLog?.(level, plan.reason, fields);
    }
    const w = this.worker;
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
        crashed(code === 'ERR_WORKER_OUT_OF_MEMORY' ? `out of memory (${err.message}); ${plan.reason}` : err.message);
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

  prepare(request: PrepareRequest, onLog?: JobHandlers['onLog']): void {
    try {
      const w = (this.worker ??= this.spawn());
      const jobId = randomUUID();
      const log = onLog ?? (this.opts.logger !== undefined ? (level: LogLevel, message: string, fields?: Record<string, unknown>) => this.opts.logger![level](message, fields) : undefined);
      sendPrepare(w, jobId, request, log);
    } catch (err) {
      // preparing is an optimisation: the run reports any real problem
      onLog?.('warn', 'could not prepare the inference sessions', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Stops the worker (a running job rejects as crashed). */
  async terminate(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }
}
