/**
 * Section 6 of bench:inference: network images/s with both cores used as the engine uses them (one
 * single-threaded session per core, the second in a worker thread: networkLanes.ts) against one session with
 * 1 and with 2 intra-op threads. The three set-ups are timed in turns (round-robin, `rounds` rounds), and the
 * median round of each is printed, so a load change on this shared machine hits all three alike.
 */
import * as ort from 'onnxruntime-node';
import { OrtNetwork } from '../../electron/core/index';
import { WorkerNetwork } from '../../electron/core/index';
import type { SdpmNetwork } from '../../electron/core/index';

export interface CoresBenchInput {
  paths: { net: string; eps: string | null };
  S: number;
  xs: Float32Array;
  ts: Int32Array;
  batches: number[];
  iters: number;
  rounds: number;
  print: (s: string) => void;
}

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};

async function session(path: string, threads: number): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential' });
}

/** images/s of `nets` each running `iters` eps calls of batch b at the same time */
async function rate(nets: SdpmNetwork[], xs: Float32Array, ts: Int32Array, b: number, iters: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(nets.map(async (n) => {
    for (let i = 0; i < iters; i++) await n.runEps(xs, ts, b);
  }));
  return (nets.length * iters * b) / ((performance.now() - t0) / 1000);
}

export async function benchCores(o: CoresBenchInput): Promise<void> {
  const maxB = Math.max(...o.batches);
  const eps = o.paths.eps ?? o.paths.net;
  const one1 = new OrtNetwork(await session(o.paths.net, 1), await session(eps, 1), o.S, maxB);
  const one2 = new OrtNetwork(await session(o.paths.net, 2), await session(eps, 2), o.S, maxB);
  const lane = await WorkerNetwork.open(o.paths, o.S, 1);
  const setups: Array<{ name: string; nets: SdpmNetwork[] }> = [
    { name: '1 session x 1 thread', nets: [one1] },
    { name: '1 session x 2 threads', nets: [one2] },
    { name: '2 sessions x 1 thread (engine default)', nets: [one1, lane] },
  ];
  try {
    o.print(`\n6. both cores: eps-graph images/s, median of ${o.rounds} interleaved rounds of ${o.iters} calls per session`);
    for (const b of o.batches) {
      for (const s of setups) for (const n of s.nets) await n.runEps(o.xs, o.ts, b); // warm-up at this shape
      const r: number[][] = setups.map(() => []);
      for (let round = 0; round < o.rounds; round++) for (const [i, s] of setups.entries()) r[i]?.push(await rate(s.nets, o.xs, o.ts, b, o.iters));
      const med = r.map(median);
      const base = med[0] ?? NaN;
      for (const [i, s] of setups.entries()) o.print(`   batch ${String(b).padStart(2)}  ${s.name.padEnd(40)} ${(med[i] ?? NaN).toFixed(1).padStart(7)} images/s  ratio to 1 thread ${((med[i] ?? NaN) / base).toFixed(2)}`);
    }
  } finally {
    await one1.dispose();
    await one2.dispose();
    await lane.dispose();
  }
}
