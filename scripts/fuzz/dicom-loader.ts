/**
 * DICOM loader fuzzer, large budget: `npx tsx scripts/fuzz/dicom-loader.ts [--inputs 10000] [--seed 1] [--only i]`.
 * Same harness as the fixed-seed test (test/fixtures/dicom-fuzz/fuzzDicom.ts). Inputs run in a worker thread
 * with a 2 GB JS heap limit; the main thread is the watchdog: an input that has not finished after 10 s is a
 * hang (the worker is killed and the run goes on from the next input), a worker that dies (out of memory,
 * abort) is a crash. Prints inputs, outcomes, crashes and hangs (with the index to replay with --only),
 * wall time and peak memory (RSS sampled every 100 ms, and the process's maxRSS).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { goodSlices, inputFor, makeSeeds, runInput } from '../../test/fixtures/dicom-fuzz/fuzzDicom';
import { encodeJpegLossless } from '../../test/unit/electron/core/dicom/codecs/encodeJpegLossless';

const SHARED = new URL('../../../shared/data', import.meta.url).pathname;
const HANG_MS = 10_000;

interface Job { runSeed: number; from: number; to: number }
type Msg = { t: 'start'; i: number } | { t: 'done'; i: number; kind: string; detail: string; seed: string; kinds: string[] };

async function seeds(): Promise<Awaited<ReturnType<typeof makeSeeds>>> {
  return makeSeeds(SHARED, (px) => encodeJpegLossless(new Uint16Array(px.buffer), { width: 16, height: 16, components: 1, precision: 16, predictor: 1 }));
}

async function workerMain(job: Job): Promise<void> {
  const all = await seeds();
  const good = goodSlices();
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-fuzz-w-'));
  try {
    for (let i = job.from; i < job.to; i++) {
      parentPort?.postMessage({ t: 'start', i } satisfies Msg);
      const { seed, bytes, kinds } = inputFor(all, job.runSeed, i);
      const o = await runInput(bytes, seed, join(dir, 'case'), good);
      parentPort?.postMessage({ t: 'done', i, kind: o.kind, detail: o.detail, seed: seed.name, kinds } satisfies Msg);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { inputs: { type: 'string', default: '10000' }, seed: { type: 'string', default: '1' }, only: { type: 'string' } } });
  const total = Number(values.inputs);
  const runSeed = Number(values.seed);
  if (values.only !== undefined) {
    const i = Number(values.only);
    const all = await seeds();
    const { seed, bytes, kinds } = inputFor(all, runSeed, i);
    const dir = mkdtempSync(join(tmpdir(), 'sdpm-fuzz-1-'));
    const o = await runInput(bytes, seed, join(dir, 'case'), goodSlices());
    process.stdout.write(`input ${i} (seed file ${seed.name}, mutations ${kinds.join('+')}, ${bytes.length} bytes): ${o.kind} ${o.detail}\nkept in ${dir}\n`);
    return;
  }
  const t0 = performance.now();
  const counts: Record<string, number> = { ok: 0, rejected: 0 };
  const crashes: string[] = [];
  const hangs: string[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  let next = 0;
  while (next < total) {
    next = await new Promise<number>((resolve) => {
      const w = new Worker(new URL('./dicom-loader-worker.mjs', import.meta.url), { workerData: { runSeed, from: next, to: total } satisfies Job, resourceLimits: { maxOldGenerationSizeMb: 2048 } });
      let started = false;
      let current = next;
      let timer: NodeJS.Timeout | null = null;
      let settled = false;
      const finish = (resumeAt: number): void => {
        if (settled) return;
        settled = true;
        if (timer !== null) clearTimeout(timer);
        resolve(resumeAt);
      };
      w.on('message', (m: Msg) => {
        if (m.t === 'start') {
          started = true;
          current = m.i;
          timer = setTimeout(() => {
            hangs.push(`#${m.i}: no result after ${HANG_MS / 1000} s`);
            void w.terminate();
            finish(m.i + 1);
          }, HANG_MS);
          return;
        }
        if (timer !== null) clearTimeout(timer);
        if (m.kind === 'crash') {
          crashes.push(`#${m.i} ${m.seed} [${m.kinds.join('+')}]: ${m.detail}`);
          process.stderr.write(`fuzz: crash ${crashes.at(-1) ?? ''}\n`);
        }
        else counts[m.kind] = (counts[m.kind] ?? 0) + 1;
        if ((m.i + 1) % 1000 === 0) process.stderr.write(`fuzz: ${m.i + 1}/${total} (${((performance.now() - t0) / 1000).toFixed(0)} s, ${crashes.length} crashes, ${hangs.length} hangs)\n`);
      });
      w.on('error', (err) => {
        if (!started) throw new Error(`the fuzz worker did not start: ${err.message}`);
        crashes.push(`#${current}: worker died: ${err.message}`);
        finish(current + 1);
      });
      w.on('exit', () => finish(total));
    });
  }
  clearInterval(sampler);
  const seconds = (performance.now() - t0) / 1000;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(
    `fuzz DICOM loader: ${total} inputs (run seed ${runSeed}) in ${seconds.toFixed(1)} s (${(total / seconds).toFixed(0)} inputs/s)\n` +
      `  loaded ${counts.ok}, rejected with a clear error ${counts.rejected}, crashes ${crashes.length}, hangs > ${HANG_MS / 1000} s ${hangs.length}\n` +
      `  peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MB sampled, maxRSS ${maxRssMb.toFixed(0)} MB\n`,
  );
  for (const c of [...crashes, ...hangs]) process.stdout.write(`  ${c}\n`);
  process.exitCode = crashes.length + hangs.length > 0 ? 1 : 0;
}

if (isMainThread) await main();
else await workerMain(workerData as Job);
