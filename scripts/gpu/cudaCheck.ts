/**
 * The Node half of scripts/gpu/check-cuda.sh (issue 15): on the machine it runs on, prints
 *  1. the onnxruntime-node that loaded (version, where from) and the NVIDIA GPUs seen;
 *  2. the execution provider actually used for provider `auto` (not just requested), its device and why;
 *  3. golden-vector parity of that provider against the CPU engine (the bundle's golden network case: max |diff|
 *     of eps_hat / y_t_hat / y0_hat against the CPU session and against PyTorch's golden outputs);
 *  4. wall time of the study with the bundle's default profile for that provider and, on CUDA, with the paper
 *     preset, and the Dice of the y_avg mask against a CPU run;
 *  5. network images/s of onnxruntime on that provider vs PyTorch eager on the same network and batch
 *     (scripts/bench/torchEager.py, device cuda when CUDA ran), as a ratio.
 * On a machine without CUDA it takes the CPU fallback path (said so), and `--quick` (tiny bundle, mode avg, no
 * paper run, no torch) keeps that path short enough for a test. `--json FILE` writes the numbers.
 * Usage: tsx scripts/gpu/cudaCheck.ts [--bundle DIR] [--study PATH] [--quick] [--json FILE] [--batch N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBundle } from '../../electron/core/index';
import { resolveDefaultBundle } from '../../electron/core/index';
import { createSessions } from '../../electron/core/index';
import { detectNvidiaGpus } from '../../electron/core/index';
import { OrtNetwork } from '../../electron/core/index';
import { loadOrtRuntime } from '../../electron/core/index';
import { runInference } from '../../electron/core/engine';
import type { InferenceRequest } from '../../electron/core/index';
import { silentLogger } from '../../electron/core/index';
import { readGolden } from '../../test/parity/goldenVectors';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({ options: { bundle: { type: 'string' }, study: { type: 'string' }, quick: { type: 'boolean', default: false }, json: { type: 'string' }, batch: { type: 'string', default: '8' } } });
const quick = values.quick === true;
const bundleDir = values.bundle ?? (quick ? join(ROOT, 'models/bundles/sdpm-tiny-test') : resolveDefaultBundle());
const study = values.study ?? join(ROOT, 'models/demo/ge-head-ich/dicom');
const B = Number(values.batch);
const out: Record<string, unknown> = {};
const print = (s: string): void => void process.stdout.write(`${s}\n`);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>, n: number): number => {
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
};

// 1
const rt = loadOrtRuntime();
const gpus = detectNvidiaGpus();
out.runtime = { onnxruntime: rt.version, source: rt.source, dir: rt.dir };
out.gpus = gpus.gpus;
print(`1. onnxruntime-node ${rt.version} (${rt.source}: ${rt.dir}); NVIDIA GPUs: ${gpus.gpus.length === 0 ? 'none' : gpus.gpus.map((g) => `${g.name}${g.memoryMiB === null ? '' : ` ${g.memoryMiB} MiB`}`).join(', ')}`);

// 2
const bundle = loadBundle(bundleDir);
const S = bundle.preprocessing.imageSize;
const paths = { net: bundle.netPath, eps: bundle.epsPath };
const used = await createSessions(paths, { provider: 'auto' }, silentLogger, availableParallelism());
out.provider = { used: used.provider, reason: used.providerReason, device: used.device };
print(`2. provider auto -> used ${used.provider}${used.device === null ? '' : ` on ${used.device}`}: ${used.providerReason}${used.provider === 'cpu' ? '  [CPU fallback path]' : ''}`);

// 3
const cpu = await createSessions(paths, { provider: 'cpu', intraOpThreads: availableParallelism() }, silentLogger, availableParallelism());
const netCase = readGolden(bundleDir).find((c) => c.kind === 'network');
const gNet = new OrtNetwork(used.net, used.eps, S, 64);
const cNet = new OrtNetwork(cpu.net, cpu.eps, S, 64);
if (netCase === undefined) print('3. parity: the bundle has no golden network case');
else {
  const x = netCase.inputs.x_t?.data as Float32Array;
  const t = Int32Array.from(netCase.inputs.t?.data as BigInt64Array, Number);
  const n = x.length;
  const g = await gNet.runFull(x, t, t.length);
  const gv = { eps: Float32Array.from(g.epsHat.subarray(0, n)), yt: Float32Array.from(g.ytHat.subarray(0, n)), y0: Float32Array.from(g.y0Hat.subarray(0, n)) };
  const c = await cNet.runFull(x, t, t.length);
  const vsCpu = { eps: maxDiff(gv.eps, c.epsHat, n), yt: maxDiff(gv.yt, c.ytHat, n), y0: maxDiff(gv.y0, c.y0Hat, n) };
  const golden = netCase.outputs;
  const vsTorch = { eps: maxDiff(gv.eps, golden.eps_hat?.data as Float32Array, n), yt: maxDiff(gv.yt, golden.y_t_hat?.data as Float32Array, n), y0: maxDiff(gv.y0, golden.y0_hat?.data as Float32Array, n) };
  // tolerance: 2e-3 absolute on outputs of magnitude ~1-3 (TF32/cuDNN algorithm choice on the GPU; the CPU engine
  // itself matches PyTorch to 1e-4, test/parity); the mask-level check is the Dice in 4
  const ok = Math.max(vsCpu.eps, vsCpu.yt) <= 2e-3;
  out.parity = { vsCpu, vsTorch, batch: t.length, tolerance: 2e-3, ok };
  print(`3. golden network case (${t.length} images): max|${used.provider} - cpu| eps ${vsCpu.eps.toExponential(2)} y_t ${vsCpu.yt.toExponential(2)} y0 ${vsCpu.y0.toExponential(2)}; max|${used.provider} - torch golden| eps ${vsTorch.eps.toExponential(2)}; ${ok ? 'within' : 'OUTSIDE'} 2e-3`);
}

// 4
const base: Omit<InferenceRequest, 'provider' | 'mode'> = { input: { kind: 'path', path: study }, bundleDir, seed: 1, batchSize: B };
const wall = async (req: InferenceRequest): Promise<{ s: number; images: number; volumeMl: number; profile: string | null; preset: string; mask: Uint8Array; used: string }> => {
  const t0 = performance.now();
  const r = await runInference(req, { log: silentLogger });
  return { s: (performance.now() - t0) / 1000, images: r.report.networkImages, volumeMl: r.report.totalVolumeMl, profile: r.report.settings.profile, preset: r.report.settings.preset, mask: r.prediction.mask, used: r.report.provider.used };
};
const runs: Record<string, unknown> = {};
const def = await wall({ ...base, provider: 'auto', mode: quick ? 'avg' : 'all' });
runs.default = { wallS: def.s, networkImages: def.images, volumeMl: def.volumeMl, profile: def.profile, used: def.used };
print(`4. study ${study}: default (${def.profile ?? def.preset}, mode ${quick ? 'avg' : 'all'}) on ${def.used}: ${def.s.toFixed(1)} s, ${def.images} network images, ${def.volumeMl.toFixed(2)} mL`);
if (used.provider === 'cuda') {
  const paper = await wall({ ...base, provider: 'cuda', mode: 'all', preset: 'paper' });
  runs.paper = { wallS: paper.s, networkImages: paper.images, volumeMl: paper.volumeMl };
  print(`   paper preset (mode all) on cuda: ${paper.s.toFixed(1)} s, ${paper.images} network images, ${paper.volumeMl.toFixed(2)} mL (target <= 60 s)`);
  const a = await wall({ ...base, provider: 'cuda', mode: 'avg' });
  const c = await wall({ ...base, provider: 'cpu', mode: 'avg' });
  let inter = 0;
  let na = 0;
  let nc = 0;
  for (let i = 0; i < a.mask.length; i++) {
    na += a.mask[i] ?? 0;
    nc += c.mask[i] ?? 0;
    inter += (a.mask[i] ?? 0) & (c.mask[i] ?? 0);
  }
  runs.avgDiceCudaVsCpu = na + nc === 0 ? 1 : (2 * inter) / (na + nc);
  print(`   y_avg mask Dice cuda vs cpu: ${(runs.avgDiceCudaVsCpu as number).toFixed(4)} (${na} vs ${nc} voxels)`);
} else print('   paper preset: not run on the CPU fallback path (tens of thousands of network calls per slice)');
out.runs = runs;

// 5
if (quick) print('5. torch eager: skipped (--quick)');
else {
  const xs = new Float32Array(B * S * S).map((_, i) => Math.sin(i * 0.013) * 0.8);
  const ts = Int32Array.from({ length: B }, (_, b) => (b * 37) % 500);
  await gNet.runEps(xs, ts, B);
  const t0 = performance.now();
  for (let i = 0; i < 10; i++) await gNet.runEps(xs, ts, B);
  const ortMs = (performance.now() - t0) / 10;
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-cuda-'));
  try {
    writeFileSync(join(tmp, 'x.f32'), Buffer.from(xs.buffer));
    const r = spawnSync(process.env.PYTHON ?? '/usr/bin/python3', [join(ROOT, 'scripts/bench/torchEager.py'), join(bundleDir, 'metadata.json'), join(tmp, 'x.f32'), String(S), String(availableParallelism()), '10', String(B)], { encoding: 'utf8', env: { ...process.env, TORCH_DEVICE: used.provider === 'cuda' ? 'cuda' : 'cpu' } });
    const tj = r.status === 0 ? (JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { eps?: Record<string, number>; device?: string }) : null;
    const torchMs = tj?.eps?.[String(B)];
    out.torch = { ortMs, torchMs: torchMs ?? null, device: tj?.device ?? null, error: r.status === 0 ? null : (r.stderr || '').trim().split('\n').slice(-1)[0] };
    print(torchMs === undefined ? `5. torch eager not measured: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-1)[0]}` : `5. eps graph batch ${B}: onnxruntime ${used.provider} ${ortMs.toFixed(1)} ms, torch eager ${tj?.device ?? '?'} ${torchMs.toFixed(1)} ms per call; ratio torch/ort ${(torchMs / ortMs).toFixed(2)}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
await gNet.dispose();
await cNet.dispose();
if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(out, null, 1)}\n`);
