/**
 * `SdpmNetwork` on an onnxruntime session pair that lives in its own worker thread. onnxruntime-node's `run`
 * blocks the calling thread for the whole call (shared/ENVIRONMENT.md), so two sessions in one thread never
 * overlap: a second lane of slices in flight (predictVolume `lanes`) needs its network in another thread.
 * The worker is a small CommonJS script evaluated inline (no extra file to bundle or unpack) that loads the same
 * onnxruntime-node package as this process (ortRuntime.ts). CPU only; inputs are copied to the worker and the
 * outputs transferred back (about 1.5 MB per batch of 8 at 128², negligible next to the call).
 */
import { Worker } from 'node:worker_threads';
import { SdpmError } from '../errors';
import type { NetOutputs, SdpmNetwork } from '../sdpm/SdpmNetwork';
import { loadOrtRuntime } from './ortRuntime';

const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const ort = require(w.ortDir);
const opts = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: w.threads, interOpNumThreads: 1, executionMode: 'sequential' };
let net = null, eps = null;
const copy = (t) => { const a = new Float32Array(t.data.length); a.set(t.data); return a; };
parentPort.on('message', async (m) => {
  try {
    if (m.op === 'open') {
      net = await ort.InferenceSession.create(w.net, opts);
      eps = w.eps === null ? null : await ort.InferenceSession.create(w.eps, opts);
      parentPort.postMessage({ id: m.id, ok: true });
      return;
    }
    if (m.op === 'close') {
      if (net !== null) await net.release();
      if (eps !== null) await eps.release();
      parentPort.postMessage({ id: m.id, ok: true });
      return;
    }
    const b = m.batch;
    const feeds = { x_t: new ort.Tensor('float32', m.x, [b, 1, w.S, w.S]), t: new ort.Tensor('int64', BigInt64Array.from(m.t, (v) => BigInt(v)), [b]) };
    if (m.op === 'full') {
      const r = await net.run(feeds);
      const out = [copy(r.eps_hat), copy(r.y_t_hat), copy(r.y0_hat)];
      parentPort.postMessage({ id: m.id, ok: true, out }, out.map((a) => a.buffer));
    } else {
      const r = await eps.run(feeds);
      const out = [copy(r.eps_hat)];
      parentPort.postMessage({ id: m.id, ok: true, out }, out.map((a) => a.buffer));
    }
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) });
  }
});
`;

interface Reply {
  id: number;
  ok: boolean;
  out?: Float32Array[];
  message?: string;
}

export class WorkerNetwork implements SdpmNetwork {
  readonly counts = { full: 0, eps: 0 };
  private readonly pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  private dead: Error | null = null;

  private constructor(
    private readonly worker: Worker,
    readonly imageSize: number,
    private readonly hasEps: boolean,
  ) {
    worker.on('message', (r: Reply) => {
      const p = this.pending.get(r.id);
      this.pending.delete(r.id);
      if (p === undefined) return;
      if (r.ok) p.resolve(r);
      else p.reject(new SdpmError('INFERENCE_FAILED', `network worker: ${r.message ?? 'failed'}`));
    });
    const fail = (err: Error): void => {
      this.dead = err;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', (e) => fail(new SdpmError('INFERENCE_FAILED', `network worker crashed: ${e.message}`, { cause: e })));
    worker.on('exit', (code) => fail(new SdpmError('INFERENCE_FAILED', `network worker exited (code ${code})`)));
  }

  /** A worker with its own session pair (CPU, `threads` intra-op threads), opened and ready. */
  static async open(paths: { net: string; eps: string | null }, imageSize: number, threads: number): Promise<WorkerNetwork> {
    const worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { ortDir: loadOrtRuntime().dir, net: paths.net, eps: paths.eps, threads, S: imageSize } });
    const n = new WorkerNetwork(worker, imageSize, paths.eps !== null);
    try {
      await n.call({ op: 'open' }, []);
    } catch (err) {
      await worker.terminate();
      throw new SdpmError('INFERENCE_FAILED', `cannot load the model ${paths.net} in a network worker: ${err instanceof Error ? err.message : String(err)}`, { path: paths.net, cause: err });
    }
    return n;
  }

  private call(msg: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Reply> {
    if (this.dead !== null) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise<Reply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...msg, id }, transfer);
    });
  }

  private async run(op: 'full' | 'eps', x: Float32Array, t: Int32Array, batch: number): Promise<Float32Array[]> {
    const P = this.imageSize * this.imageSize;
    if (batch < 1 || x.length < batch * P || t.length < batch) throw new SdpmError('INTERNAL', `batch ${batch} does not fit the inputs`);
    const xs = x.slice(0, batch * P);
    const r = await this.call({ op, batch, x: xs, t: Array.from(t.subarray(0, batch)) }, [xs.buffer]);
    return r.out ?? [];
  }

  async runFull(x: Float32Array, t: Int32Array, batch: number): Promise<NetOutputs> {
    const [epsHat, ytHat, y0Hat] = await this.run('full', x, t, batch);
    if (epsHat === undefined || ytHat === undefined || y0Hat === undefined) throw new SdpmError('INTERNAL', 'network worker returned too few outputs');
    this.counts.full += batch;
    return { epsHat, ytHat, y0Hat };
  }

  async runEps(x: Float32Array, t: Int32Array, batch: number): Promise<Float32Array> {
    if (!this.hasEps) return (await this.runFull(x, t, batch)).epsHat;
    const [epsHat] = await this.run('eps', x, t, batch);
    if (epsHat === undefined) throw new SdpmError('INTERNAL', 'network worker returned no eps_hat');
    this.counts.eps += batch;
    return epsHat;
  }

  async dispose(): Promise<void> {
    if (this.dead === null) {
      try {
        await this.call({ op: 'close' }, []);
      } catch {
        // already failing: terminate below
      }
    }
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}
