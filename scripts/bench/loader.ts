/**
 * Loader benchmark: the GE head series (28 slices 512x512, 18.5 deg tilt, uneven gaps) loaded N times
 * by this project's loader, and converted N times by dcm2niix in the same run, on the same files.
 * Prints median wall times and ratios (no assertions: machines are noisy; compare ratios within one run).
 *
 *   npm run bench:loader [-- --runs 5 --folder ../shared/data/dicom/ge-head-ncct]
 *
 * "ours load" = discoverSeries + loadSeries (headers, decode, HU, tilt + equidistant resampling) in memory.
 * "ours convert" = the same plus writing .nii (uncompressed), the fair counterpart of `dcm2niix -z n`,
 * which parses, corrects tilt and gaps, and writes its outputs (the raw, _Tilt and _Tilt_Eq volumes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { discoverSeries } from '../../electron/core/index';
import { loadSeries } from '../../electron/core/index';
import { writeNifti } from '../../electron/core/index';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, folder: { type: 'string' }, dcm2niix: { type: 'string', default: '/usr/bin/dcm2niix' } },
});
const runs = Math.max(1, Number(values.runs));
const folder = values.folder ?? resolve(repoRoot, '../shared/data/dicom/ge-head-ncct');
const dcm2niix = values.dcm2niix;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const ms = (x: number): string => `${x.toFixed(0)} ms`;

async function oursLoad(): Promise<number> {
  const t = performance.now();
  const scan = await discoverSeries(folder);
  const s = scan.series.find((x) => x.segmentable);
  if (s === undefined) throw new Error(`no segmentable series in ${folder}`);
  await loadSeries(s);
  return performance.now() - t;
}

async function oursConvert(outDir: string): Promise<number> {
  const t = performance.now();
  const scan = await discoverSeries(folder);
  const s = scan.series.find((x) => x.segmentable);
  if (s === undefined) throw new Error(`no segmentable series in ${folder}`);
  const v = await loadSeries(s);
  await writeNifti(join(outDir, 'ours.nii'), v, { datatype: 'int16' });
  return performance.now() - t;
}

function runDcm2niix(outDir: string, compress: 'y' | 'n'): number {
  const t = performance.now();
  execFileSync(dcm2niix, ['-z', compress, '-b', 'n', '-f', `d${compress}_%s`, '-o', outDir, folder], { stdio: 'ignore' });
  return performance.now() - t;
}

const out = mkdtempSync(join(tmpdir(), 'sdpm-bench-loader-'));
try {
  await oursLoad(); // warm-up (module loading, JIT)
  runDcm2niix(out, 'n'); // warm-up (file cache)
  const load: number[] = [];
  const conv: number[] = [];
  const dn: number[] = [];
  const dy: number[] = [];
  for (let r = 0; r < runs; r++) {
    load.push(await oursLoad());
    conv.push(await oursConvert(out));
    dn.push(runDcm2niix(out, 'n'));
    dy.push(runDcm2niix(out, 'y'));
  }
  const [l, c, n, y] = [median(load), median(conv), median(dn), median(dy)];
  const lines = [
    `loader benchmark: ${folder} (${runs} runs, medians; node ${process.version})`,
    `  ours load (discover + load, in memory)     ${ms(l)}`,
    `  ours convert (load + write .nii)           ${ms(c)}`,
    `  dcm2niix -z n (parse, tilt, Eq, write .nii) ${ms(n)}`,
    `  dcm2niix -z y (same, .nii.gz)              ${ms(y)}`,
    `  ratio ours convert / dcm2niix -z n: ${(c / n).toFixed(2)}x   ours load / dcm2niix -z n: ${(l / n).toFixed(2)}x   (target: within 3x)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
