/**
 * The worker side of the inference protocol (protocol.ts), independent of the transport: worker_threads'
 * parentPort here (inferenceWorker.ts), an Electron utilityProcess parentPort in the app (wrap its
 * MessageEvent so `onMessage` receives `event.data`). Runs `runInference` for one `start` at a time and
 * always answers a job with exactly one `result` or `error`; `prepare` warms the cached sessions meanwhile.
 */
import { createLogger, prepareInference, runInference, toErrorPayload } from '../core/engine';
import type { HostToWorker, WorkerToHost } from './protocol';

export interface ProtocolPort {
  /** `transfer`: buffers to move instead of copy (ignored by transports that cannot transfer) */
  postMessage(message: WorkerToHost, transfer: ArrayBuffer[]): void;
  onMessage(listener: (message: unknown) => void): void;
}

export function serveInference(port: ProtocolPort): void {
  const post = (m: WorkerToHost, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let busy = false;
  const cancelled = new Set<string>();
  /** a prepare in progress and the last log line it ends with: a start waits for it, a second prepare shares it */
  let preparing: Promise<{ level: 'info' | 'warn'; message: string; fields: Record<string, unknown> }> | null = null;

  // Every prepare ends with exactly one of the PREPARE_DONE lines (protocol.ts) under its own jobId: the host stops
  // listening for its logs on that line.
  function prepare(msg: Extract<HostToWorker, { type: 'prepare' }>): void {
    const log = createLogger((r) => post({ type: 'log', jobId: msg.jobId, level: r.level, message: r.message, ...(r.fields !== undefined ? { fields: r.fields } : {}) }), 'debug');
    if (busy) {
      log.info('prepare skipped: a run is using the engine');
      return;
    }
    // a prepare already in progress creates the same cached sessions: this one ends when it does
    const shared = (preparing ??= prepareInference(msg.request, log)
      .then(
        (p) => ({ level: 'info' as const, message: 'sessions ready', fields: { provider: p.provider, ms: Math.round(p.ms) } }),
        // the run that needs these sessions reports the problem; here it is only logged
        (err: unknown) => ({ level: 'warn' as const, message: 'preparing the sessions failed', fields: { error: err instanceof Error ? err.message : String(err) } }),
      )
      .finally(() => {
        preparing = null;
      }));
    void shared.then((end) => log[end.level](end.message, end.fields));
  }

  async function start(msg: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
    const { jobId } = msg;
    const flag = msg.cancelFlag !== undefined ? new Int32Array(msg.cancelFlag) : null;
    const log = createLogger((r) => post({ type: 'log', jobId, level: r.level, message: r.message, ...(r.fields !== undefined ? { fields: r.fields } : {}) }), 'debug');
    let lastProgress = 0;
    try {
      if (preparing !== null) await preparing;
      const out = await runInference(msg.request, {
        log,
        isCancelled: () => cancelled.has(jobId) || (flag !== null && Atomics.load(flag, 0) !== 0),
        onProgress: (progress) => {
          const now = Date.now();
          if (now - lastProgress < 100 && progress.doneImages < progress.totalImages) return;
          lastProgress = now;
          post({ type: 'progress', jobId, progress });
        },
        onPartial: (p) => post({ type: 'partial-result', jobId, mode: p.mode, dimensions: p.dimensions, probability: p.probability, mask: p.mask, totalVolumeMl: p.totalVolumeMl }, [p.probability.buffer as ArrayBuffer, p.mask.buffer as ArrayBuffer]),
      });
      const u = out.prediction.uncertainty;
      const v = out.volume;
      const arrays = [out.prediction.probability, out.prediction.mask, out.prediction.droppedVoxels, ...(u === null ? [] : [u.entropyBits, u.std, u.agreement])];
      post(
        {
          type: 'result',
          jobId,
          report: out.report,
          probability: out.prediction.probability,
          mask: out.prediction.mask,
          uncertainty: u?.entropyBits ?? null,
          std: u?.std ?? null,
          agreement: u?.agreement ?? null,
          droppedVoxels: out.prediction.droppedVoxels,
          geometry: { dimensions: v.dimensions, spacingMm: v.spacingMm, originLps: v.originLps, directionLps: [...v.directionLps] },
        },
        arrays.map((a) => a.buffer as ArrayBuffer),
      );
    } catch (err) {
      post({ type: 'error', jobId, error: toErrorPayload(err) });
    }
  }

  port.onMessage((raw: unknown) => {
    if (typeof raw !== 'object' || raw === null) return;
    const msg = raw as HostToWorker;
    if (msg.type === 'start') {
      if (busy) {
        post({ type: 'error', jobId: msg.jobId, error: { code: 'INTERNAL', message: 'worker is busy with another job' } });
        return;
      }
      busy = true;
      void start(msg).finally(() => {
        busy = false;
        cancelled.delete(msg.jobId);
      });
    } else if (msg.type === 'prepare') {
      prepare(msg);
    } else if (msg.type === 'cancel' && busy) {
      // read when the engine yields between network calls; the shared flag (when the transport has one) is faster
      cancelled.add(msg.jobId);
    }
  });
}
