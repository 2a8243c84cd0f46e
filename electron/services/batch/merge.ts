/**
 * `sdpm batch merge`: one results.csv row per study of the manifest (run.json), in manifest order, built
 * only from the published records: ok rows with the report's numbers, error rows with the code and the
 * message (which names the file), and the studies that have neither listed as missing. Nothing in the CSV
 * depends on which worker ran a study or how long it took, so a sharded run and a single-machine run of
 * the same studies and settings give the same file. Timings and workers go to summary.json.
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InferenceReport } from '../../core/index';
import { readRecords, readRunFile, studiesDir, type StudyRecord } from './resultStore';

export interface MergedRow {
  id: string;
  path: string;
  status: 'ok' | 'error' | 'missing';
  record: StudyRecord | null;
  report: InferenceReport | null;
}

export interface RunSummary {
  formatVersion: 1;
  studies: number;
  ok: number;
  error: number;
  missing: number;
  missingIds: string[];
  errors: { id: string; code: string; message: string }[];
  /** ids with more than one published ok result for these settings (input changed between runs) */
  supersededResults: { id: string; keys: string[] }[];
  /** folders under .partial/: work of killed or running workers, never counted as results */
  partialFolders: number;
  unreadableRecords: string[];
  workers: { host: string; pid: number; shard: string; studies: number }[];
  studyWallMs: { total: number; median: number | null; max: number | null };
  mergedAt: string;
}

function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const RESULTS_HEAD = ['study', 'path', 'status', 'studyInstanceUid', 'totalVolumeMl', 'sampleRangeP5Ml', 'sampleRangeP95Ml', 'lesions', 'mode', 'preset', 'profile', 'approximation', 'provider', 'seed', 'bundle', 'bundleSha256', 'result', 'seg', 'errorCode', 'error'];

export function resultsCsv(rows: readonly MergedRow[]): string {
  const lines = rows.map((r) => {
    const p = r.report;
    const rec = r.record;
    const result = rec === null ? '' : rec.status === 'ok' ? `studies/${rec.key}` : `errors/${rec.key}.json`;
    return [r.id, r.path, r.status, rec?.studyInstanceUid, p?.totalVolumeMl, p?.sampleRangeMl?.[0], p?.sampleRangeMl?.[1], p?.lesions.length, p?.mode, p?.settings.preset, p?.settings.profile, p === null ? '' : String(p.settings.approximation), p?.provider.used, p?.seed, p === null ? '' : `${p.bundle.name}@${p.bundle.version}`, p?.bundle.sha256SumsSha256, result, rec?.status === 'ok' && rec.seg?.file != null ? `studies/${rec.key}/${rec.seg.file}` : '', rec?.error?.code, r.status === 'missing' ? 'no result (not run yet, or its worker was stopped)' : rec?.error?.message].map(csvCell).join(',');
  });
  return `${[RESULTS_HEAD.join(','), ...lines].join('\n')}\n`;
}

function newest(a: StudyRecord, b: StudyRecord): StudyRecord {
  return a.finishedAt >= b.finishedAt ? a : b;
}

export async function mergeRun(out: string): Promise<{ rows: MergedRow[]; summary: RunSummary }> {
  const run = readRunFile(out);
  const { records, problems, partial } = await readRecords(out);
  const mine = records.filter((r) => r.settingsSha256 === run.settingsSha256);
  const okBy = new Map<string, StudyRecord[]>();
  const errBy = new Map<string, StudyRecord>();
  for (const r of mine) {
    if (r.status === 'ok') okBy.set(r.id, [...(okBy.get(r.id) ?? []), r]);
    else errBy.set(r.id, errBy.has(r.id) ? newest(errBy.get(r.id) as StudyRecord, r) : r);
  }
  const superseded: RunSummary['supersededResults'] = [];
  const rows: MergedRow[] = run.studies.map((s) => {
    const oks = okBy.get(s.id) ?? [];
    if (oks.length > 0) {
      const rec = oks.reduce(newest);
      if (oks.length > 1) superseded.push({ id: s.id, keys: oks.map((o) => o.key) });
      let report: InferenceReport | null = null;
      try {
        report = JSON.parse(readFileSync(join(studiesDir(out), rec.key, 'report.json'), 'utf8')) as InferenceReport;
      } catch (err) {
        problems.push(`${rec.key}/report.json: ${err instanceof Error ? err.message : String(err)}`);
      }
      return { id: s.id, path: s.path, status: 'ok', record: rec, report };
    }
    const e = errBy.get(s.id);
    return e !== undefined ? { id: s.id, path: s.path, status: 'error', record: e, report: null } : { id: s.id, path: s.path, status: 'missing', record: null, report: null };
  });
  const used = rows.map((r) => r.record).filter((r): r is StudyRecord => r !== null);
  const workers = new Map<string, RunSummary['workers'][number]>();
  for (const r of used) {
    const k = `${r.worker.host}/${r.worker.pid}/${r.worker.shard}`;
    const w = workers.get(k) ?? { ...r.worker, studies: 0 };
    w.studies++;
    workers.set(k, w);
  }
  const walls = used.filter((r) => r.status === 'ok').map((r) => r.wallMs).sort((a, b) => a - b);
  const summary: RunSummary = {
    formatVersion: 1,
    studies: rows.length,
    ok: rows.filter((r) => r.status === 'ok').length,
    error: rows.filter((r) => r.status === 'error').length,
    missing: rows.filter((r) => r.status === 'missing').length,
    missingIds: rows.filter((r) => r.status === 'missing').map((r) => r.id),
    errors: rows.filter((r) => r.status === 'error').map((r) => ({ id: r.id, code: r.record?.error?.code ?? '', message: r.record?.error?.message ?? '' })),
    supersededResults: superseded,
    partialFolders: partial.length,
    unreadableRecords: problems,
    workers: [...workers.values()],
    studyWallMs: { total: walls.reduce((a, b) => a + b, 0), median: walls.length > 0 ? (walls[Math.floor(walls.length / 2)] ?? null) : null, max: walls.at(-1) ?? null },
    mergedAt: new Date().toISOString(),
  };
  const write = async (name: string, text: string): Promise<void> => {
    const tmp = join(out, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(out, name));
  };
  await write('results.csv', resultsCsv(rows));
  await write('summary.json', `${JSON.stringify(summary, null, 1)}\n`);
  return { rows, summary };
}

export function formatSummaryLine(s: RunSummary, out: string): string {
  const missing = s.missing > 0 ? `; missing: ${s.missingIds.slice(0, 20).join(', ')}${s.missing > 20 ? ` and ${s.missing - 20} more` : ''}` : '';
  return `${s.ok}/${s.studies} studies ok, ${s.error} failed, ${s.missing} missing${missing}; ${join(out, 'results.csv')}\n`;
}
