/**
 * Section 7 of bench:inference: the int8 graph (models/training/sdpm/quantize.py, dynamic activations,
 * per-channel weights) against fp32, in one run: eps-graph speed as a ratio (interleaved rounds, 1 thread each)
 * and its accuracy as the Dice of the final mask against fp32's on the demo study (same seed and settings; mode
 * and sampling overrides as given). The int8 graph ships in a bundle only if it is faster (by >= 5%, above this
 * machine's run-to-run noise) AND Dice >= 0.99.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { Bundle } from '../../electron/core/index';
import { loadStudyInput } from '../../electron/core/index';
import { OrtNetwork } from '../../electron/core/index';
import { predictVolume } from '../../electron/core/index';
import { silentLogger } from '../../electron/core/index';
import type { SdpmMode } from '../../electron/core/index';
import { resolveSettings, type ParamValue } from '../../electron/core/index';

export interface Int8BenchInput {
  root: string;
  bundle: Bundle;
  xs: Float32Array;
  ts: Int32Array;
  batch: number;
  iters: number;
  rounds: number;
  study: string;
  diceMode: SdpmMode;
  overrides: Record<string, ParamValue>;
  minInChannels: number;
  print: (s: string) => void;
}

const FASTER_MARGIN = 1.05;
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? NaN;

async function open(path: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path, { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' });
}

function dice(a: Uint8Array, b: Uint8Array): { dice: number; a: number; b: number } {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    na += x;
    nb += y;
    inter += x & y;
  }
  return { dice: na + nb === 0 ? 1 : (2 * inter) / (na + nb), a: na, b: nb };
}

export async function benchInt8(o: Int8BenchInput): Promise<void> {
  o.print(`\n7. int8 (sdpm.quantize, convs with >= ${o.minInChannels} input channels) vs fp32`);
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-int8-'));
  try {
    const q: Record<string, string> = {};
    for (const [name, src] of [['net', o.bundle.netPath], ['eps', o.bundle.epsPath ?? o.bundle.netPath]] as const) {
      q[name] = join(tmp, `${name}_int8.onnx`);
      const r = spawnSync('/usr/bin/python3', ['-m', 'sdpm.quantize', src, q[name] as string, '--min-in-channels', String(o.minInChannels)], { cwd: join(o.root, 'models/training'), encoding: 'utf8' });
      if (r.status !== 0) {
        o.print(`   not measured: quantize failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1).join('')}`);
        return;
      }
    }
    const S = o.bundle.preprocessing.imageSize;
    const fp32 = new OrtNetwork(await open(o.bundle.netPath), o.bundle.epsPath === null ? null : await open(o.bundle.epsPath), S, o.batch);
    const int8 = new OrtNetwork(await open(q.net as string), await open(q.eps as string), S, o.batch);
    try {
      const ms: number[][] = [[], []];
      for (const n of [fp32, int8]) await n.runEps(o.xs, o.ts, o.batch);
      for (let r = 0; r < o.rounds; r++) {
        for (const [i, n] of [fp32, int8].entries()) {
          const t0 = performance.now();
          for (let k = 0; k < o.iters; k++) await n.runEps(o.xs, o.ts, o.batch);
          ms[i]?.push((performance.now() - t0) / o.iters);
        }
      }
      const [a, b] = [median(ms[0] ?? []), median(ms[1] ?? [])];
      o.print(`   eps graph batch ${o.batch}, 1 thread, median of ${o.rounds} interleaved rounds: fp32 ${a.toFixed(0)} ms, int8 ${b.toFixed(0)} ms per call; speed ratio int8/fp32 ${(a / b).toFixed(2)} (> 1: int8 faster)`);
      const volume = await loadStudyInput(o.study);
      const resolved = resolveSettings(o.bundle.sampler, { profile: o.bundle.sampler.defaultProfile.cpu, overrides: o.overrides });
      const run = (net: OrtNetwork): ReturnType<typeof predictVolume> => predictVolume(volume, o.bundle, net, { mode: o.diceMode, resolved, seed: 1, batchSize: o.batch, stackSize: 2, log: silentLogger });
      const pa = await run(fp32);
      const pb = await run(int8);
      const d = dice(pa.mask, pb.mask);
      o.print(`   demo study, mode ${o.diceMode}${Object.keys(o.overrides).length > 0 ? ` (${JSON.stringify(o.overrides)})` : ''}, seed 1: fp32 ${pa.totalVolumeMl.toFixed(2)} mL, int8 ${pb.totalVolumeMl.toFixed(2)} mL; mask Dice int8 vs fp32 ${d.dice.toFixed(4)} (${d.a} vs ${d.b} voxels)`);
      // "faster" needs a margin: on these shared machines repeated runs of the same two graphs differ by ~5%
      const faster = a / b >= FASTER_MARGIN;
      const ship = faster && d.dice >= 0.99;
      o.print(`   verdict: ${ship ? `int8 is >= ${FASTER_MARGIN}x faster and within 0.01 Dice: may ship` : `do not ship (${faster ? '' : `not >= ${FASTER_MARGIN}x faster`}${!faster && d.dice < 0.99 ? ', ' : ''}${d.dice < 0.99 ? 'Dice below 0.99' : ''})`}`);
    } finally {
      await fp32.dispose();
      await int8.dispose();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
