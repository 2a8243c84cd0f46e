/**
 * The page's handle on the lesion worker: sends the labelmap once per model mask and then only each
 * stroke's diff; receives the lesion table. Keeps the version count in step with the worker, so the page
 * knows whether the table it shows is the current one.
 */
import type { LesionTable } from './LesionModel';
import type { GeometryMessage, WorkerReply, WorkerRequest } from './lesionProtocol';
import type { Runs } from '../segmentation/runLength';

export class LesionWorkerClient {
  private readonly worker: Worker;
  private version = 0;
  private nextRequest = 1;
  private readonly waiting = new Map<number, (v: Int32Array | null) => void>();
  onTable: ((t: LesionTable) => void) | null = null;
  onError: ((message: string) => void) | null = null;

  constructor(geometry: GeometryMessage) {
    this.worker = new Worker(new URL('./lesionWorker.ts', import.meta.url), { type: 'module', name: 'sdpm-lesions' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => this.receive(e.data);
    this.worker.onerror = (e) => this.onError?.(`lesion worker failed: ${e.message}`);
    this.send({ kind: 'init', geometry });
  }

  private send(m: WorkerRequest, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private receive(m: WorkerReply): void {
    if (m.kind === 'table') {
      if (m.table.version === this.version) this.onTable?.(m.table);
    } else if (m.kind === 'voxels') {
      this.waiting.get(m.requestId)?.(m.voxels);
      this.waiting.delete(m.requestId);
    } else this.onError?.(m.message);
  }

  /** The labelmap version the next table must have to be current. */
  get currentVersion(): number {
    return this.version;
  }

  /** Whole labelmap (copied: the caller keeps its own). `fresh`: a model mask, lesion IDs restart. */
  replace(labelmap: Uint8Array, fresh: boolean): void {
    const copy = labelmap.slice();
    this.version++;
    if (fresh) this.modelVersion = this.version;
    this.send({ kind: 'replace', labelmap: copy, fresh }, [copy.buffer]);
  }

  diff(r: Runs): void {
    if (r.values.length === 0) return;
    this.version++;
    this.send({ kind: 'diff', runs: r.runs, values: r.values });
  }

  /** Version of the last model mask sent (fresh replace). */
  modelVersion = -1;

  /** The services' lesion IDs for the model mask of `modelVersion` (see LesionModel.adoptIds). */
  adoptIds(modelVersion: number, lesions: Array<{ lesionId: number; voxelCount: number; centroidIjk: number[] }>): void {
    // The worker bumps its version when it takes them; a table posted before that is stale.
    this.version++;
    this.send({ kind: 'adoptIds', modelVersion, lesions });
  }

  checkpoint(): void {
    this.send({ kind: 'checkpoint' });
  }

  restoreCheckpoint(): void {
    this.version++;
    this.send({ kind: 'restoreCheckpoint' });
  }

  /** Voxels of a lesion of the table at `version`; null when the labelmap changed since. */
  voxelsOf(lesionId: number, version: number): Promise<Int32Array | null> {
    const requestId = this.nextRequest++;
    return new Promise((resolve) => {
      this.waiting.set(requestId, resolve);
      this.send({ kind: 'voxelsOf', requestId, lesionId, version });
    });
  }

  terminate(): void {
    this.worker.terminate();
    for (const r of this.waiting.values()) r(null);
    this.waiting.clear();
  }
}
