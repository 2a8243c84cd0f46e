/**
 * `sdpm segment` / `sdpm batch` end to end through the worker, on small synthetic NIfTI studies with the tiny
 * bundle and reduced sampler settings (fast): outputs on the study grid, reproducibility, bad inputs,
 * cancellation, batch with a corrupt study.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNifti } from '../../../electron/core/dicom/niftiRead';
import { commands } from '../../../electron/cli/commands';
import { toErrorPayload } from '../../../electron/core/errors';
import { createLogger } from '../../../electron/core/logger';
import { writeSyntheticStudy } from './syntheticStudy';

const ROOT = new URL('../../..', import.meta.url).pathname;
const TINY = join(ROOT, 'models/bundles/sdpm-tiny-test');
const FAST = ['--bundle', TINY, '--provider', 'cpu', '--profile', 'cpu-fast', '--samples', '2', '--set', 'ySal.tStride=63', '--set', 'yInfer.nSteps=3', '--threads', '2'];
const tmp = mkdtempSync(join(tmpdir(), 'sdpm-seg-'));
const study = join(tmp, 'study.nii.gz');
await writeSyntheticStudy(study);

/** Runs one sub-command in-process with captured output, formatting errors as the `sdpm` dispatcher does. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx = { log: createLogger((r) => (err += `[${r.level}] ${r.message}\n`), 'warn'), stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
  const cmd = commands.find((c) => c.name === args[0]);
  assert.ok(cmd !== undefined);
  try {
    return { code: await cmd.run(args.slice(1), ctx), out, err };
  } catch (e) {
    const p = toErrorPayload(e);
    return { code: p.code === 'INVALID_ARGUMENT' ? 2 : 1, out, err: `${err}error [${p.code}] ${p.message}\n` };
  }
}

type Report = Record<string, unknown> & { timingsMs: unknown; peakRssMb: unknown; totalVolumeMl: number; sampleRangeMl: [number, number] | null; lesions: unknown[] };
const readReport = (dir: string): Report => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
const stable = (r: Report): Report => ({ ...r, timingsMs: null, peakRssMb: null });

test('segment writes mask, probability and uncertainty on the study grid and a complete report', async () => {
  const out = join(tmp, 'out-a');
  const r = await cli(['segment', study, ...FAST, '--mode', 'all', '--seed', '5', '--out', out]); // a sampled mode: the uncertainty maps
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /total lesion volume .* mL/);
  for (const f of ['mask.nii.gz', 'probability.nii.gz', 'uncertainty.nii.gz', 'uncertainty-std.nii.gz', 'agreement.nii.gz', 'report.json']) assert.ok(existsSync(join(out, f)), f);
  const src = await readNifti(study);
  for (const f of ['mask.nii.gz', 'probability.nii.gz', 'uncertainty.nii.gz']) {
    const img = await readNifti(join(out, f));
    assert.deepEqual(img.dimensions, src.dimensions, f);
    assert.deepEqual(img.spacingMm.map((v) => v.toFixed(4)), src.spacingMm.map((v) => v.toFixed(4)), f);
    assert.deepEqual(img.originLps.map((v) => v.toFixed(3)), src.originLps.map((v) => v.toFixed(3)), f);
  }
  const rep = readReport(out) as Report & { settings: { profile: string; approximation: boolean; changed: Record<string, unknown> }; bundle: { sha256SumsSha256: string; name: string }; seed: number; provider: { used: string; requested: string }; skippedSlices: number[]; nUncertaintySamples: number };
  assert.equal(rep.seed, 5);
  assert.equal(rep.provider.used, 'cpu');
  assert.equal(rep.settings.profile, 'cpu-fast');
  assert.equal(rep.settings.approximation, true);
  assert.ok('ySal.tStride' in rep.settings.changed && 'yInfer.nSamples' in rep.settings.changed);
  assert.match(rep.bundle.sha256SumsSha256, /^[0-9a-f]{64}$/);
  assert.deepEqual(rep.skippedSlices, [0]);
  assert.equal(rep.nUncertaintySamples, 4);
  assert.ok(rep.sampleRangeMl !== null && rep.sampleRangeMl[0] <= rep.sampleRangeMl[1]);
  assert.ok(typeof rep.totalVolumeMl === 'number');
  // the mask volume in the report is the mask file's volume
  const mask = await readNifti(join(out, 'mask.nii.gz'));
  const n = (mask.voxels as Uint8Array).reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(n * 0.9 * 0.9 * 5 / 1000 - rep.totalVolumeMl) < 1e-6);
  // no temporary folders left next to the output
  assert.deepEqual(readdirSync(tmp).filter((f) => f.includes('partial')), []);
});

test('same seed → identical outputs and report (timings aside); another seed → different samples', async () => {
  const a = join(tmp, 'rep-a');
  const b = join(tmp, 'rep-b');
  const c = join(tmp, 'rep-c');
  for (const [dir, seed] of [[a, '11'], [b, '11'], [c, '12']] as const) assert.equal((await cli(['segment', study, ...FAST, '--mode', 'sal', '--seed', seed, '--out', dir])).code, 0);
  const ra = stable(readReport(a));
  const rb = stable(readReport(b));
  assert.deepEqual(ra, rb);
  const pa = (await readNifti(join(a, 'probability.nii.gz'))).voxels;
  const pb = (await readNifti(join(b, 'probability.nii.gz'))).voxels;
  const pc = (await readNifti(join(c, 'probability.nii.gz'))).voxels;
  assert.deepEqual(pa, pb);
  assert.notDeepEqual(pa, pc);
  assert.notDeepEqual(ra, { ...stable(readReport(c)), seed: 11 });
});

test('bad inputs give clear errors: missing bundle, tampered bundle, study without a CT series, missing study', async () => {
  const r1 = await cli(['segment', study, ...FAST, '--bundle', join(tmp, 'no-bundle'), '--out', join(tmp, 'x1')]);
  assert.equal(r1.code, 1);
  assert.match(r1.err, /error \[BUNDLE_NOT_FOUND\] model bundle folder not found: .*no-bundle/);

  const bad = join(tmp, 'tampered');
  cpSync(TINY, bad, { recursive: true });
  writeFileSync(join(bad, 'sampler.json'), readFileSync(join(bad, 'sampler.json'), 'utf8').replace('"nSamples": 100', '"nSamples": 101'));
  const r2 = await cli(['segment', study, ...FAST, '--bundle', bad, '--out', join(tmp, 'x2')]);
  assert.equal(r2.code, 1);
  assert.match(r2.err, /error \[BUNDLE_CHECKSUM\] checksum mismatch for sampler\.json/);

  const noCt = join(tmp, 'no-ct');
  mkdirSync(noCt);
  const hd = join(ROOT, '../shared/data/seg/highdicom');
  for (const f of ['seg_image_cr_binary.dcm', 'sr_document.dcm']) copyFileSync(join(hd, f), join(noCt, f));
  const r3 = await cli(['segment', noCt, ...FAST, '--out', join(tmp, 'x3')]);
  assert.equal(r3.code, 1);
  assert.match(r3.err, /error \[SERIES_(NOT_CT|EMPTY_FOLDER)\]/);

  const r4 = await cli(['segment', join(tmp, 'nope.nii.gz'), ...FAST, '--out', join(tmp, 'x4')]);
  assert.match(r4.err, /error \[SERIES_NOT_FOUND\] study not found/);
  for (const x of ['x1', 'x2', 'x3', 'x4']) assert.equal(existsSync(join(tmp, x)), false);
});

test('a cancelled run (Ctrl-C) exits 130 and leaves no output that looks complete', async () => {
  const out = join(tmp, 'cancelled');
  const child = spawn(process.execPath, [join(ROOT, 'electron/cli/bin/sdpm.mjs'), 'segment', study, '--bundle', TINY, '--mode', 'all', '--provider', 'cpu', '--preset', 'paper', '--threads', '1', '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  let sentAt = 0;
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (/images/.test(err) && sentAt === 0) {
        sentAt = performance.now();
        child.kill('SIGINT');
      }
    });
    child.on('exit', (c) => resolve(c));
  });
  process.stdout.write(`# cancel: process exited ${(performance.now() - sentAt).toFixed(0)} ms after SIGINT\n`);
  assert.equal(code, 130, err);
  assert.match(err, /cancelled: no outputs written/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('.cancelled')), []);
});

test('batch: a corrupt study becomes an error row, the others complete; a rerun is a no-op', async () => {
  const dir = join(tmp, 'studies');
  mkdirSync(dir);
  await writeSyntheticStudy(join(dir, 'a.nii.gz'));
  await writeSyntheticStudy(join(dir, 'c.nii.gz'), { blobShift: 6 });
  writeFileSync(join(dir, 'b.nii.gz'), 'this is not a NIfTI file');
  const out = join(tmp, 'batch-out');
  const r = await cli(['batch', dir, ...FAST, '--workers', '2', '--out', out]);
  assert.equal(r.code, 1);
  assert.match(r.out, /2\/3 studies ok, 1 failed, 0 missing/);
  const csv = readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n');
  assert.equal(csv.length, 4);
  assert.match(csv[1] ?? '', /^a,.*,ok,/);
  assert.match(csv[2] ?? '', /^b,.*,error,.*NIFTI_INVALID/);
  assert.match(csv[3] ?? '', /^c,.*,ok,/);
  const done = readdirSync(join(out, 'studies'));
  assert.equal(done.length, 2);
  for (const d of done) for (const f of ['report.json', 'mask.nii.gz', 'study.json']) assert.ok(existsSync(join(out, 'studies', d, f)), `${d}/${f}`);
  assert.equal(readdirSync(join(out, 'errors')).length, 1);
  const again = await cli(['batch', dir, ...FAST, '--out', out]);
  assert.match(again.out, /0 done now, 3 already done/);
  assert.deepEqual(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n'), csv);
});

test('without --mode the run uses the core default mode (avg: the calibrated one), with no sample maps', async () => {
  const { DEFAULT_MODE } = await import('../../../electron/core/inference/engineRequest');
  const out = join(tmp, 'out-default');
  const r = await cli(['segment', study, ...FAST, '--seed', '1', '--out', out]);
  assert.equal(r.code, 0, r.err);
  assert.equal(DEFAULT_MODE, 'avg');
  assert.equal((readReport(out) as Report & { mode: string }).mode, 'avg');
  assert.equal(existsSync(join(out, 'uncertainty.nii.gz')), false, 'y_avg draws no samples');
  assert.ok(existsSync(join(out, 'mask.nii.gz')));
});
