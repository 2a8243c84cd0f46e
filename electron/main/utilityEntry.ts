/**
 * Entry of the inference utilityProcess (bundled to dist/worker/utility.cjs). Relays the worker
 * protocol between Electron's parent port and an InferenceWorkerHost worker thread, where onnxruntime
 * runs; a cancel sets the shared flag the engine checks before every network call.
 * No `electron` import: the utility process gets `process.parentPort` from Electron.
 */
import { pathToFileURL } from 'node:url';
import { InferenceWorkerHost, type Job } from '../worker/InferenceWorkerHost';
import type { PrepareMessage, StartMessage } from '../worker/protocol';
import { toErrorPayload } from '../core/index';
import { workerEntryPath } from './workerEntryPath';

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort === undefined) throw new Error('utilityEntry must run in an Electron utilityProcess');
const port: ParentPort = parentPort;

// packaged: the worker thread loads from app.asar.unpacked (workerEntryPath.ts)
const host = new InferenceWorkerHost({ workerUrl: pathToFileURL(workerEntryPath(__dirname)) });
const jobs = new Map<string, Job>();

port.on('message', (e) => {
  const m = e.data as { type?: unknown; jobId?: unknown; request?: unknown };
  if (typeof m !== 'object' || m === null || typeof m.jobId !== 'string') return;
  const jobId = m.jobId;
  if (m.type === 'cancel') {
    jobs.get(jobId)?.cancel();
    return;
  }
  if (m.type === 'prepare') {
    host.prepare((m as PrepareMessage).request, (level, message, fields) => port.postMessage({ type: 'log', jobId, level, message, ...(fields !== undefined ? { fields } : {}) }));
    return;
  }
  if (m.type !== 'start') return;
  try {
    const job = host.run((m as StartMessage).request, {
      onProgress: (progress) => port.postMessage({ type: 'progress', jobId, progress }),
      onPartial: (p) => port.postMessage({ ...p, jobId }),
      onLog: (level, message, fields) => port.postMessage({ type: 'log', jobId, level, message, ...(fields !== undefined ? { fields } : {}) }),
    });
    jobs.set(jobId, job);
    job.result.then(
      (r) => port.postMessage({ ...r, jobId }),
      (err: unknown) => port.postMessage({ type: 'error', jobId, error: toErrorPayload(err) }),
    ).finally(() => jobs.delete(jobId));
  } catch (err) {
    port.postMessage({ type: 'error', jobId, error: toErrorPayload(err) });
  }
});
