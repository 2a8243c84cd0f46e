/**
 * The inference worker's message protocol (worker_threads here; the Electron app wraps the same messages in a
 * utilityProcess). One job at a time per worker. Typed arrays in results are transferred, not copied.
 *
 * host → worker: start, cancel, prepare (create and warm up the sessions of a later keepSessions start; answered
 *   only with log messages under its jobId; a start that arrives meanwhile waits for it)
 * worker → host: progress, partial-result (y_avg first), result, error, log
 *
 * Cancellation: `start` may carry a SharedArrayBuffer flag that the host sets (Atomics) in addition to sending
 * `cancel`; the engine checks both before every network call (yielding to the event loop at least every 50 ms
 * so a `cancel` message can be read although onnxruntime's run blocks the loop), so a cancel takes effect
 * within about one network call.
 */
import type { ErrorPayload } from '../core/index';
import type { InferenceRequest } from '../core/index';
import type { InferenceReport } from '../core/index';
import type { PredictProgress } from '../core/index';
import type { LogLevel } from '../core/index';

export interface StartMessage {
  type: 'start';
  jobId: string;
  request: InferenceRequest;
  /** Int32Array(1) view target; non-zero = cancelled. Absent where the transport cannot share memory
   * (Electron utilityProcess): then only the `cancel` message cancels, read between network calls. */
  cancelFlag?: SharedArrayBuffer;
}
export interface CancelMessage {
  type: 'cancel';
  jobId: string;
}
export interface PrepareMessage {
  type: 'prepare';
  jobId: string;
  request: Pick<InferenceRequest, 'bundleDir' | 'provider' | 'allowFallback' | 'intraOpThreads' | 'batchSize'>;
}
export type HostToWorker = StartMessage | CancelMessage | PrepareMessage;
/** the last log message of a prepare (the host stops listening for its logs then) */
export const PREPARE_DONE: ReadonlySet<string> = new Set(['sessions ready', 'preparing the sessions failed', 'prepare skipped: a run is using the engine']);

/** A worker thread or a utility process, as far as sending a prepare is concerned. */
interface MessageTarget {
  on(event: 'message', listener: (m: unknown) => void): unknown;
  off(event: 'message', listener: (m: unknown) => void): unknown;
  once(event: 'exit', listener: () => void): unknown;
  postMessage(m: PrepareMessage): void;
}

/** Sends a prepare under `jobId` and hands its log messages to `log` until its last one (or the target exits). */
export function sendPrepare(target: MessageTarget, jobId: string, request: PrepareMessage['request'], log: ((level: LogLevel, message: string, fields?: Record<string, unknown>) => void) | undefined): void {
  if (log !== undefined) {
    const onMessage = (raw: unknown): void => {
      const m = parseWorkerMessage(raw);
      if (m === null || m.jobId !== jobId || m.type !== 'log') return;
      log(m.level, m.message, m.fields);
      if (PREPARE_DONE.has(m.message)) target.off('message', onMessage);
    };
    target.on('message', onMessage);
    target.once('exit', () => target.off('message', onMessage));
  }
  target.postMessage({ type: 'prepare', jobId, request });
}

export interface ProgressMessage {
  type: 'progress';
  jobId: string;
  progress: PredictProgress;
}
export interface PartialResultMessage {
  type: 'partial-result';
  jobId: string;
  mode: 'avg';
  dimensions: readonly [number, number, number];
  probability: Float32Array;
  mask: Uint8Array;
  totalVolumeMl: number;
}
export interface ResultMessage {
  type: 'result';
  jobId: string;
  report: InferenceReport;
  /** study grid, Volume voxel order */
  probability: Float32Array;
  mask: Uint8Array;
  /** binary entropy of the samples' mean (bits), null without samples */
  uncertainty: Float32Array | null;
  std: Float32Array | null;
  agreement: Float32Array | null;
  /** voxel indices of the candidates the plausibility rules dropped (mask | these = the candidate mask) */
  droppedVoxels: Int32Array;
  /** geometry of the study grid the maps are on */
  geometry: { dimensions: readonly [number, number, number]; spacingMm: readonly [number, number, number]; originLps: readonly [number, number, number]; directionLps: readonly number[] };
}
export interface ErrorMessage {
  type: 'error';
  jobId: string;
  error: ErrorPayload;
}
export interface LogMessage {
  type: 'log';
  jobId: string;
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}
export type WorkerToHost = ProgressMessage | PartialResultMessage | ResultMessage | ErrorMessage | LogMessage;

const TYPES = new Set(['progress', 'partial-result', 'result', 'error', 'log']);

/** Checks the shape of a message from the worker (the host never trusts a message blindly). */
export function parseWorkerMessage(m: unknown): WorkerToHost | null {
  if (typeof m !== 'object' || m === null) return null;
  const r = m as Record<string, unknown>;
  if (typeof r.type !== 'string' || !TYPES.has(r.type) || typeof r.jobId !== 'string') return null;
  return m as WorkerToHost;
}
