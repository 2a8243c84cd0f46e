/**
 * Runs inference jobs in an Electron utilityProcess (its own OS process: a crash or an out-of-memory
 * kill cannot take the main process or the window down). Speaks the engine's worker protocol
 * (electron/worker/protocol.ts) over the utility process's message port; the utility process relays
 * to a worker thread (utilityEntry.ts). Implements the same `run` as InferenceWorkerHost.
 */
import { utilityProcess, type UtilityProcess } from 'electron';
import { randomUUID } from 'node:crypto';
import { SdpmError } from '../core/index';
import type { Logger, LogLevel } from '../core/index';
import type { InferenceRequest } from '../core/index';
import type { InferenceHost, Job, JobHandlers, PrepareRequest } from '../worker/InferenceHost';
import { payloadToError } from '../worker/InferenceWorkerHost';
import { parseWorkerMessage, sendPrepare, type ResultMessage } from '../worker/protocol';

export class UtilityInferenceHost implements InferenceHost {
  private child: UtilityProcess | null = null;
  private busy = false;

  constructor(
    private readonly entry: string,
    private readonly logger: Logger,
  ) {}

  private spawn(): UtilityProcess {
    const child = utilityProcess.fork(this.entry, [], { serviceName: 'SDPM inference', stdio: 'inherit' });
    child.on('exit', (code) => {
      this.logger.info('inference process exited', { code });
      if (this.child === child) this.child = null;
    });
    return child;
  }

  prepare(request: PrepareRequest, onLog?: JobHandlers['onLog']): void {
    try {
      const child = (this.child ??= this.spawn());
      const jobId = randomUUID();
      const log = onLog ?? ((level: LogLevel, message: string, fields?: Record<string, unknown>) => this.logger[level](message, fields));
      sendPrepare(child, jobId, request, log);
    } catch (err) {
      this.logger.warn('could not prepare the inference sessions', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  run(request: InferenceRequest, h: JobHandlers = {}): Job {
    if (this.busy) throw new SdpmError('INTERNAL', 'this inference host is already running a job');
    this.busy = true;
    const jobId = randomUUID();
    const child = (this.child ??= this.spawn());
    let settled = false;
    const result = new Promise<ResultMessage>((resolve, reject) => {
      const done = (fn: () => void) => {
        if (settled) return;
        settled = true;
        this.busy = false;
        child.off('message', onMessage);
        child.off('exit', onExit);
        fn();
      };
      const onMessage = (raw: unknown) => {
        const m = parseWorkerMessage(raw);
        if (m === null || m.jobId !== jobId) return;
        if (m.type === 'progress') h.onProgress?.(m.progress);
        else if (m.type === 'partial-result') h.onPartial?.(m);
        else if (m.type === 'log') h.onLog?.(m.level, m.message, m.fields);
        else if (m.type === 'result') done(() => resolve(m));
        else done(() => reject(payloadToError(m.error)));
      };
      const onExit = (code: number) => {
        this.child = null;
        done(() => reject(new SdpmError('INFERENCE_FAILED', `inference process exited with code ${code} before answering`)));
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
      child.postMessage({ type: 'start', jobId, request });
    });
    return {
      jobId,
      result,
      cancel: () => {
        if (!settled) child.postMessage({ type: 'cancel', jobId });
      },
    };
  }
}
