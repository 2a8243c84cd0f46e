/**
 * The inference worker (worker_threads entry; see protocol.ts). Runs `runInference` for one `start` at a
 * time, forwards logs/progress/partial results, and always answers a job with exactly one `result` or `error`.
 * Loaded through inferenceWorker.mjs, which registers the TypeScript loader first.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../core/errors';
import { runInference } from '../core/inference/runInference';
import { createLogger } from '../core/logger';
import type { HostToWorker, WorkerToHost } from './protocol';

const port = parentPort;
if (port === null) throw new Error('inferenceWorker must run in a worker thread');

const post = (m: WorkerToHost, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
let busy = false;

async function start(msg: Extract<HostToWorker, { type: 'start' }>): Promise<void> {
  const { jobId } = msg;
  const flag = new Int32Array(msg.cancelFlag);
  const log = createLogger((r) => post({ type: 'log', jobId, level: r.level, message: r.message, ...(r.fields !== undefined ? { fields: r.fields } : {}) }), 'debug');
  let lastProgress = 0;
  try {
    const out = await runInference(msg.request, {
      log,
      isCancelled: () => Atomics.load(flag, 0) !== 0,
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
    const arrays = [out.prediction.probability, out.prediction.mask, ...(u === null ? [] : [u.entropyBits, u.std, u.agreement])];
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
        geometry: { dimensions: v.dimensions, spacingMm: v.spacingMm, originLps: v.originLps, directionLps: [...v.directionLps] },
      },
      arrays.map((a) => a.buffer as ArrayBuffer),
    );
  } catch (err) {
    post({ type: 'error', jobId, error: toErrorPayload(err) });
  }
}

port.on('message', (raw: unknown) => {
  const msg = raw as HostToWorker;
  if (msg.type === 'start') {
    if (busy) {
      post({ type: 'error', jobId: msg.jobId, error: { code: 'INTERNAL', message: 'worker is busy with another job' } });
      return;
    }
    busy = true;
    void start(msg).finally(() => {
      busy = false;
    });
  }
  // 'cancel' needs no handling here: the host also sets the shared flag, which the engine polls.
});
