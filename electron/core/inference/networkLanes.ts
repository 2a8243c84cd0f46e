/**
 * How many onnxruntime CPU sessions sample at once. One session with 2 intra-op threads was no faster than
 * with 1 on this network (issue 15: 21.7 vs 21.6 images/s), so by default the engine runs one single-threaded
 * session per core: the in-process one plus `cores - 1` worker-thread sessions (WorkerNetwork.ts), each
 * sampling its own slice stacks (sampleStacks.ts). An explicit intra-op thread count (`--threads`) keeps the
 * single-session path with that many threads. GPU providers use one session.
 */
import type { ProviderUsed } from './createSessions';
import { WorkerNetwork } from './WorkerNetwork';

/** Intra-op threads for the in-process session: the request's, or 1 when there will be one session per core. */
export function sessionThreads(requested: number | undefined, cores: number): { intraOpThreads?: number } {
  if (requested !== undefined) return { intraOpThreads: requested };
  return cores > 1 ? { intraOpThreads: 1 } : {};
}

/** Extra lanes (beyond the in-process session) for this run. */
export function extraLanes(provider: ProviderUsed, requested: number | undefined, cores: number): number {
  return provider === 'cpu' && requested === undefined ? Math.max(0, Math.floor(cores) - 1) : 0;
}

/** `count` worker sessions (1 intra-op thread each), warmed up at `batch` like the in-process one. */
export async function openLanes(paths: { net: string; eps: string | null }, imageSize: number, count: number, batch: number): Promise<WorkerNetwork[]> {
  const lanes: WorkerNetwork[] = [];
  try {
    for (let i = 0; i < count; i++) lanes.push(await WorkerNetwork.open(paths, imageSize, 1));
    const xw = new Float32Array(batch * imageSize * imageSize).fill(-1);
    const tw = new Int32Array(batch);
    await Promise.all(lanes.map(async (l) => {
      await l.runFull(xw, tw, batch);
      await l.runEps(xw, tw, batch);
    }));
    return lanes;
  } catch (err) {
    await Promise.allSettled(lanes.map((l) => l.dispose()));
    throw err;
  }
}
