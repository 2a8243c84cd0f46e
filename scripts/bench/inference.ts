/**
 * Inference benchmark (`npm run bench:inference`). In one run it prints, on this machine:
 *  1. network images/s of this engine (onnxruntime-node CPU, graph optimisation 'all') vs PyTorch eager
 *     (/usr/bin/python3, torch CPU, same thread count) on the same bundle network and the same inputs: ratio;
 *  2. batched vs unbatched time per image (ratio);
 *  3. wall time and peak RSS of each mode on the demo study at the default settings (each in its own process);
 *  4. peak RSS for a 512×512×40 study (default profile sample counts; network steps cut, see below);
 *  5. CUDA figures where a CUDA provider is available, else why they were not measured;
 *  6. both cores: one session with 1 and 2 intra-op threads vs one single-threaded session per core (the
 *     engine's default, networkLanes.ts), interleaved rounds (inferenceCores.ts);
 *  7. the int8 graph (models/training/sdpm/quantize.py) vs fp32: speed ratio and mask Dice on the demo study
 *     (inferenceInt8.ts).
 * These machines are noisy and shared: compare the ratios printed in one run, not absolute times.
 * Options: --bundle DIR, --threads N (2, for the mode runs), --net-threads 1,2 (thread counts for 1-2),
 *          --iters N (10), --batch N (8), --study PATH (demo DICOM),
 *          --modes avg,sal,infer,all, --skip-modes, --skip-torch, --skip-512, --skip-net (sections 1-2),
 *          --skip-cores, --rounds N (5, sections 6-7), --skip-int8, --int8-mode avg (mode for the Dice),
 *          --int8-min-channels N (2)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { loadBundle } from '../../electron/core/index';
import { resolveDefaultBundle } from '../../electron/core/index';
import { cudaUnavailableReason } from '../../electron/core/index';
import { OrtNetwork } from '../../electron/core/index';
import { Xoshiro128 } from '../../electron/core/index';
import type { SdpmMode } from '../../electron/core/index';
import { benchCores } from './inferenceCores';
import { benchInt8 } from './inferenceInt8';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    threads: { type: 'string', default: '2' },
    'net-threads': { type: 'string', default: '1,2' },
    iters: { type: 'string', default: '10' },
    batch: { type: 'string', default: '8' },
    study: { type: 'string', default: join(ROOT, 'models/demo/ge-head-ich/dicom') },
    modes: { type: 'string', default: 'avg,sal,infer,all' },
    'skip-modes': { type: 'boolean', default: false },
    'skip-torch': { type: 'boolean', default: false },
    'skip-512': { type: 'boolean', default: false },
    'skip-net': { type: 'boolean', default: false },
    'skip-cores': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '5' },
    'skip-int8': { type: 'boolean', default: false },
    'int8-mode': { type: 'string', default: 'avg' },
    'int8-min-channels': { type: 'string', default: '2' },
  },
});
const threads = Number(values.threads);
const iters = Number(values.iters);
const B = Number(values.batch);
const bundleDir = values.bundle ?? resolveDefaultBundle();
const bundle = loadBundle(bundleDir);
const S = bundle.preprocessing.imageSize;
const P = S * S;
const print = (s: string): void => void process.stdout.write(`${s}\n`);
print(`load average at start ${loadavg().map((v) => v.toFixed(1)).join(' ')} on ${String(availableParallelism())} cores (others' jobs distort absolute times; compare ratios)`);
print(`bench:inference  bundle ${bundle.name}@${bundle.version} (S=${S}, ${String((bundle.metadata.raw.network as { parameters?: number } | undefined)?.parameters ?? '?')} parameters), onnxruntime-node ${ort.env.versions.common ?? '?'}, ${threads} intra-op threads, ${new Date().toISOString()}`);

// inputs: noised, masked synthetic slices at mixed t (same bytes for both runtimes)
const xs = new Float32Array(B * P);
const rng = new Xoshiro128([42]);
for (let b = 0; b < B; b++) {
  for (let j = 0; j < S; j++)
    for (let i = 0; i < S; i++) {
      const u = (i - S / 2) / (S * 0.4);
      const v = (j - S / 2) / (S * 0.45);
      xs[b * P + j * S + i] = u * u + v * v < 1 ? Math.max(-1, Math.min(1, -0.2 + 0.3 * rng.nextNormal())) : 0;
    }
}
const ts = Int32Array.from({ length: B }, (_, b) => (b * 37) % 500);

// 1 + 2: network throughput, ORT vs torch, batched vs unbatched, at each thread count
interface TorchTimes {
  full: Record<string, number>;
  eps: Record<string, number>;
  torch: string;
}
const ips = (ms: number, b: number): string => (1000 / (ms / b)).toFixed(1);
for (const nThreads of values['skip-net'] === true ? [] : values['net-threads'].split(',').map(Number)) {
  const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: nThreads, interOpNumThreads: 1 };
  const net = new OrtNetwork(await ort.InferenceSession.create(bundle.netPath, opts), bundle.epsPath === null ? null : await ort.InferenceSession.create(bundle.epsPath, opts), S, B);
  const timeOrt = async (kind: 'full' | 'eps', b: number): Promise<number> => {
    const run = (): Promise<unknown> => (kind === 'full' ? net.runFull(xs, ts, b) : net.runEps(xs, ts, b));
    await run();
    await run();
    const t0 = performance.now();
    for (let i = 0; i < iters; i++) await run();
    return (performance.now() - t0) / iters;
  };
  const ortMs: Record<string, Record<number, number>> = { full: {}, eps: {} };
  for (const kind of ['full', 'eps'] as const) for (const b of [1, B]) (ortMs[kind] as Record<number, number>)[b] = await timeOrt(kind, b);
  await net.dispose();

  let torchMs = null as TorchTimes | null;
  let torchWhy = '';
  if (values['skip-torch'] !== true) {
    const tmp = mkdtempSync(join(tmpdir(), 'sdpm-bench-'));
    try {
      writeFileSync(join(tmp, 'x.f32'), Buffer.from(xs.buffer));
      const r = spawnSync('/usr/bin/python3', [join(ROOT, 'scripts/bench/torchEager.py'), join(bundleDir, 'metadata.json'), join(tmp, 'x.f32'), String(S), String(nThreads), String(iters), '1', String(B)], { encoding: 'utf8', maxBuffer: 1 << 24 });
      if (r.status === 0) torchMs = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as TorchTimes;
      else torchWhy = (r.stderr || r.error?.message || 'failed').trim().split('\n').slice(-2).join(' ');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else torchWhy = 'skipped (--skip-torch)';

  print(`\n1. network images/s (higher is better), same inputs, ${nThreads} thread(s), batch 1 and batch ${B}`);
  print('   graph      batch  onnxruntime  torch-eager  ratio ort/torch');
  for (const kind of ['full', 'eps'] as const) {
    for (const b of [1, B]) {
      const o = ortMs[kind]?.[b] ?? NaN;
      const t = torchMs?.[kind]?.[String(b)];
      print(`   ${kind.padEnd(9)}  ${String(b).padStart(5)}  ${ips(o, b).padStart(11)}  ${t === undefined ? 'n/a'.padStart(11) : ips(t, b).padStart(11)}  ${t === undefined ? '' : (t / o).toFixed(2).padStart(15)}`);
    }
  }
  if (torchMs === null) print(`   torch eager not measured: ${torchWhy}`);
  else print(`   torch ${torchMs.torch} eager, weight standardisation folded as in the ONNX graph, fresh weights (cost does not depend on values)`);
  print(`2. batched vs unbatched, ms per image, ${nThreads} thread(s) (ratio < 1: batching helps)`);
  for (const kind of ['full', 'eps'] as const) {
    const one = ortMs[kind]?.[1] ?? NaN;
    const many = (ortMs[kind]?.[B] ?? NaN) / B;
    print(`   onnxruntime ${kind}: B=1 ${one.toFixed(1)} ms, B=${B} ${many.toFixed(1)} ms/image, ratio ${(many / one).toFixed(2)}`);
    const t1 = torchMs?.[kind]?.['1'];
    const tB = torchMs?.[kind]?.[String(B)];
    if (t1 !== undefined && tB !== undefined) print(`   torch eager ${kind}: B=1 ${t1.toFixed(1)} ms, B=${B} ${(tB / B).toFixed(1)} ms/image, ratio ${(tB / B / t1).toFixed(2)}`);
  }
}

// 3 + 4: modes on the demo study and peak RSS at 512×512×40, each in a child process
function child(args: string[]): { ok: true; r: { wallMs: number; peakRssMb: number; networkImages: number; totalVolumeMl: number; dims: number[]; profile: string | null } } | { ok: false; why: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/bench/inferenceModeRun.ts'), '--bundle', bundleDir, '--provider', 'cpu', '--threads', String(threads), ...args], { encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) return { ok: false, why: (r.stderr || 'failed').trim().split('\n').filter((l) => /error|Error/.test(l)).slice(0, 2).join(' ') || `exit ${r.status}` };
  return { ok: true, r: JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as never };
}
print(`\n3. each mode on the demo study at the default CPU settings (profile ${bundle.sampler.defaultProfile.cpu}), wall time and peak RSS of the process`);
if (values['skip-modes'] === true) print('   skipped (--skip-modes)');
else if (!existsSync(values.study)) print(`   not measured: study not found (${values.study})`);
else {
  for (const mode of values.modes.split(',')) {
    const c = child(['--study', values.study, '--mode', mode]);
    if (!c.ok) {
      print(`   ${mode}: not measured: ${c.why}`);
      continue;
    }
    const r = c.r;
    print(`   ${mode.padEnd(5)} wall ${(r.wallMs / 1000).toFixed(1).padStart(7)} s  peak RSS ${String(r.peakRssMb).padStart(5)} MB  ${String(r.networkImages).padStart(6)} network images (${(r.wallMs / Math.max(1, r.networkImages)).toFixed(1)} ms/image overall)  volume ${r.totalVolumeMl.toFixed(2)} mL  grid ${r.dims.join('x')}`);
  }
}
print('\n4. peak RSS, synthetic 512x512x40 study, mode all, default profile sample counts, stack 2, batch 8');
if (values['skip-512'] === true) print('   skipped (--skip-512)');
else {
  // memory depends on the grid, the sample count and the stack, not on the number of network steps, so the
  // steps are cut to keep the run short: y_sal 2 timesteps, y_infer 2 strided steps
  const c = child(['--synthetic', '512x512x40', '--mode', 'all', '--set', 'ySal.tStride=200', '--set', 'yInfer.nSteps=2']);
  print(c.ok ? `   peak RSS ${c.r.peakRssMb} MB (wall ${(c.r.wallMs / 1000).toFixed(1)} s, ${c.r.networkImages} network images; y_sal tStride 200 and y_infer nSteps 2 to shorten the run)` : `   not measured: ${c.why}`);
}

print('\n5. CUDA');
const why = cudaUnavailableReason();
if (why !== null) print(`   not measured: ${why}`);
else {
  try {
    const s = await ort.InferenceSession.create(bundle.netPath, { executionProviders: ['cuda'], graphOptimizationLevel: 'all' });
    const g = new OrtNetwork(s, null, S, B);
    for (const b of [1, B]) {
      await g.runFull(xs, ts, b);
      const t0 = performance.now();
      for (let i = 0; i < iters; i++) await g.runFull(xs, ts, b);
      print(`   cuda full B=${b}: ${ips((performance.now() - t0) / iters, b)} images/s`);
    }
    await g.dispose();
  } catch (err) {
    print(`   not measured: CUDA session failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}
if (values['skip-cores'] !== true) await benchCores({ paths: { net: bundle.netPath, eps: bundle.epsPath }, S, xs, ts, batches: [1, B], iters, rounds: Number(values.rounds), print });
if (values['skip-int8'] !== true) await benchInt8({ root: ROOT, bundle, xs, ts, batch: B, iters, rounds: Number(values.rounds), study: values.study, diceMode: values['int8-mode'] as SdpmMode, overrides: {}, minInChannels: Number(values['int8-min-channels']), print });
print(`\nload average at end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
