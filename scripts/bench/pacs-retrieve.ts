/**
 * PACS retrieve benchmark: the GE head series (28 instances, ~15 MB) from a real Orthanc on loopback
 * (started here, auth on) over WADO-RS with our retriever (verify each instance, atomic write, marker)
 * next to plain `curl` fetching the same 28 WADO-RS instance URLs (one process, one kept-alive
 * connection, bodies written to files, no checks). Runs are interleaved; prints medians and the ratio
 * measured in this one run (machines are noisy: compare the ratio, not absolute times).
 *
 *   npm run bench:pacs [-- --runs 5]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DicomWebTransport } from '../../electron/core/index';
import type { DicomWebPeer } from '../../electron/core/index';
import { SeriesCache } from '../../electron/core/index';
import { retrieveSeries } from '../../electron/core/index';
import { GE_HEAD_SERIES_UID, GE_HEAD_STUDY_UID, OrthancServer, orthancMissing } from '../../test/integration/pacs/orthanc';
import { loadGeHead } from '../../test/integration/pacs/helpers';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Math.max(1, Number(values.runs));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const missing = orthancMissing();
  if (missing !== undefined) {
    process.stdout.write(`bench:pacs skipped: ${missing}\n`);
    return;
  }
  const orthanc = new OrthancServer();
  const work = mkdtempSync(join(tmpdir(), 'sdpm-bench-pacs-'));
  try {
    await orthanc.init();
    await orthanc.start();
    const peer: DicomWebPeer = { kind: 'dicomweb', name: 'bench', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 60_000 };
    const t = new DicomWebTransport(peer, orthanc.password);
    await loadGeHead(t);
    const refs = await t.listInstances(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID);
    // curl config: credentials and URLs in a file (not on the command line), one output file per URL
    const cfg = join(work, 'curl.cfg');
    const curlOut = join(work, 'curl');
    const lines = [`user = "${orthanc.user}:${orthanc.password}"`, 'header = "Accept: multipart/related; type=\\"application/dicom\\"; transfer-syntax=*"', 'silent', 'fail', 'create-dirs'];
    refs.forEach((r, i) => lines.push(`url = "${peer.baseUrl}/studies/${r.studyInstanceUid}/series/${r.seriesInstanceUid}/instances/${r.sopInstanceUid}"`, `output = "${join(curlOut, `${i}.bin`)}"`));
    writeFileSync(cfg, `${lines.join('\n')}\n`, { mode: 0o600 });
    const ours: number[] = [];
    const ours1: number[] = [];
    const curl: number[] = [];
    const fetchOnly: number[] = [];
    const listOnly: number[] = [];
    for (let run = 0; run < runs + 1; run += 1) {
      let t0 = performance.now();
      const r = spawnSync('curl', ['--config', cfg], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`curl failed (${r.status}): ${r.stderr}`);
      const curlMs = performance.now() - t0;
      rmSync(curlOut, { recursive: true, force: true });
      t0 = performance.now();
      const res = await retrieveSeries(t, new SeriesCache(join(work, `c4-${run}`)), GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID, { concurrency: 4 });
      const oursMs = performance.now() - t0;
      t0 = performance.now();
      const res1 = await retrieveSeries(t, new SeriesCache(join(work, `c1-${run}`)), GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID, { concurrency: 1 });
      const ours1Ms = performance.now() - t0;
      if (res.status !== 'complete' || res1.status !== 'complete') throw new Error(res.message);
      rmSync(join(work, `c4-${run}`), { recursive: true, force: true });
      rmSync(join(work, `c1-${run}`), { recursive: true, force: true });
      t0 = performance.now();
      await t.listInstances(GE_HEAD_STUDY_UID, GE_HEAD_SERIES_UID);
      const listMs = performance.now() - t0;
      t0 = performance.now();
      for (const ref of refs) await t.fetchInstance(ref);
      const fetchMs = performance.now() - t0;
      if (run === 0) continue; // warm-up (Orthanc caches, JIT)
      listOnly.push(listMs);
      fetchOnly.push(fetchMs);
      curl.push(curlMs);
      ours.push(oursMs);
      ours1.push(ours1Ms);
    }
    const c = median(curl);
    process.stdout.write(`GE head series, ${refs.length} instances over WADO-RS from Orthanc on loopback, median of ${runs} interleaved runs:\n`);
    process.stdout.write(`  curl (28 URLs, 1 connection, no checks)          ${c.toFixed(0).padStart(6)} ms\n`);
    process.stdout.write(`  sdpm retrieveSeries, 4 parallel (parse+atomic)   ${median(ours).toFixed(0).padStart(6)} ms   ratio vs curl ${(median(ours) / c).toFixed(2)}\n`);
    process.stdout.write(`  sdpm retrieveSeries, 1 at a time                 ${median(ours1).toFixed(0).padStart(6)} ms   ratio vs curl ${(median(ours1) / c).toFixed(2)}\n`);
    process.stdout.write(`    of which: QIDO-RS instance list (1 request)    ${median(listOnly).toFixed(0).padStart(6)} ms\n`);
    process.stdout.write(`    transfer only (28 x fetchInstance, no write)   ${median(fetchOnly).toFixed(0).padStart(6)} ms   ratio vs curl ${(median(fetchOnly) / c).toFixed(2)}\n`);
  } finally {
    await orthanc.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
