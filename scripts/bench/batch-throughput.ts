/**
 * Batch throughput: studies per hour per core through `sdpm batch` (worker threads, sessions kept between
 * studies), for the default profile (mode all, the bundle's CPU profile) and y_avg only, with 1 worker x all
 * cores and 2 workers x half the cores, on copies of the demo head CT (each copy differs in one voxel, so
 * every study is really computed). Prints the table and the 2-worker/1-worker throughput ratio measured in
 * this run. Ratios from one run are what to compare; absolute times depend on the machine's load, which is
 * printed with them.
 *
 *   npx tsx scripts/bench/batch-throughput.ts [--avg-studies 4] [--default-studies 2] [--default-workers 1,2] [--bundle DIR]
 * Rows are printed as each configuration finishes (the default profile takes minutes per study on 2 cores).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { commands } from '../../electron/cli/commands';
import { createLogger, loadStudyInput, writeNifti } from '../../electron/core/index';

const ROOT = new URL('../..', import.meta.url).pathname;
const DEMO = join(ROOT, 'models/demo/ge-head-ich/dicom');

async function studies(dir: string, n: number): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const v = await loadStudyInput(DEMO);
  for (let i = 0; i < n; i++) {
    const voxels = Float32Array.from(v.voxels);
    voxels[i] = (voxels[i] ?? 0) + 1; // a different input hash per copy
    await writeNifti(join(dir, `demo${i}.nii.gz`), { dimensions: v.dimensions, spacingMm: v.spacingMm, originLps: v.originLps, directionLps: v.directionLps, voxels }, { datatype: 'float32' });
  }
  return v.dimensions.join('x');
}

async function run(input: string, out: string, extra: string[]): Promise<number> {
  const cmd = commands.find((c) => c.name === 'batch');
  if (cmd === undefined) throw new Error('no batch command');
  let err = '';
  const ctx = { log: createLogger((r) => (err += `${r.message}\n`), 'error'), stdout: () => undefined, stderr: () => undefined };
  const t0 = performance.now();
  const code = await cmd.run([input, '--out', out, '--provider', 'cpu', ...extra], ctx);
  if (code !== 0) throw new Error(`sdpm batch failed (${code}): ${err}`);
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'avg-studies': { type: 'string', default: '4' }, 'default-studies': { type: 'string', default: '2' }, 'default-workers': { type: 'string', default: '1,2' }, bundle: { type: 'string' } } });
  const defaultWorkers = values['default-workers'].split(',').map(Number);
  const cores = availableParallelism();
  const root = mkdtempSync(join(tmpdir(), 'sdpm-bench-batch-'));
  const bundle = values.bundle !== undefined ? ['--bundle', values.bundle] : [];
  const load0 = loadavg()[0] ?? 0;
  process.stdout.write(`batch throughput on ${cores} cores, copies of the demo head CT (models/demo/ge-head-ich), load average ${load0.toFixed(1)} at start\n`);
  process.stdout.write('| mode | workers | studies | wall s | s/study | studies/hour | studies/hour/core | load avg |\n|---|---|---|---|---|---|---|---|\n');
  const row = (r: string): void => void process.stdout.write(`${r}\n`);
  try {
    for (const [label, mode, n] of [['y_avg only', 'avg', Number(values['avg-studies'])], ['default profile (all)', 'all', Number(values['default-studies'])]] as const) {
      const input = join(root, `in-${mode}`);
      const dims = await studies(input, n);
      if (mode === 'avg') row(`(study grid ${dims} voxels)`);
      const perHour: number[] = [];
      for (const workers of mode === 'avg' ? [1, 2] : defaultWorkers) {
        const threads = Math.max(1, Math.floor(cores / workers));
        const s = await run(input, join(root, `out-${mode}-${workers}`), ['--mode', mode, '--workers', String(workers), '--threads', String(threads), ...bundle]);
        const sph = (n / s) * 3600;
        perHour.push(sph);
        row(`| ${label} | ${workers} x ${threads} threads | ${n} | ${s.toFixed(1)} | ${(s / n).toFixed(1)} | ${sph.toFixed(1)} | ${(sph / cores).toFixed(1)} | ${(loadavg()[0] ?? 0).toFixed(1)} |`);
      }
      if (perHour.length === 2) row(`| ${label} | scaling 2 workers / 1 worker | | | | ${((perHour[1] ?? 0) / (perHour[0] ?? 1)).toFixed(2)}x | | |`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
