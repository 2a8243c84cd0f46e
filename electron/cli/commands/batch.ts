/**
 * `sdpm batch <folder-of-studies|list.csv> --out <dir> [--workers N]`: segments many studies with a pool of
 * inference workers. Each study's outputs go to <out>/<study-id>/ (written atomically, report.json last); a
 * study whose report.json already exists is skipped, so a rerun resumes. A study that fails becomes an error
 * row and the others go on. Writes <out>/results.csv (one row per study) and a progress line on stderr.
 *
 * Study list: every sub-folder and every .nii/.nii.gz file of the folder, or a CSV whose first column (or
 * column `path`) holds paths (relative to the CSV) and optional column `id`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SdpmError, toErrorPayload } from '../../core/errors';
import type { InferenceReport } from '../../core/inference/InferenceReport';
import { isNiftiPath } from '../../core/inference/loadStudyInput';
import type { CliCommand, CliContext } from '../CliCommand';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { formatDuration } from './progressPrinter';
import { requestFromOptions, SEGMENT_OPTIONS_HELP, SEGMENT_PARSE_OPTIONS, writeResultAtomically } from './segment';

const HELP = `usage: sdpm batch <folder-of-studies|list.csv> --out <dir> [--workers N] [segment options]

Segments every study (sub-folder or .nii/.nii.gz file of the folder, or the paths in the CSV) into
<out>/<study>/ and writes <out>/results.csv. Completed studies (report.json present) are skipped on rerun.
  --workers N       parallel inference workers (default 1); onnxruntime threads are split between them
${SEGMENT_OPTIONS_HELP}
`;

export interface StudyEntry {
  id: string;
  path: string;
}

function safeId(s: string): string {
  return s.replace(/\.nii(\.gz)?$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'study';
}

function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') q = false;
      else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function listStudies(input: string): StudyEntry[] {
  const abs = resolve(input);
  if (!existsSync(abs)) throw new SdpmError('SERIES_NOT_FOUND', `batch input not found: ${abs}`, { path: abs });
  let entries: StudyEntry[];
  if (statSync(abs).isDirectory()) {
    entries = readdirSync(abs)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => join(abs, n))
      .filter((p) => statSync(p).isDirectory() || isNiftiPath(p))
      .map((p) => ({ id: safeId(basename(p)), path: p }));
  } else {
    const lines = readFileSync(abs, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const head = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
    const hasHeader = head.includes('path');
    const pc = hasHeader ? head.indexOf('path') : 0;
    const ic = hasHeader ? head.indexOf('id') : -1;
    entries = (hasHeader ? lines.slice(1) : lines).map((l, i) => {
      const cells = splitCsvLine(l);
      const p = cells[pc] ?? '';
      if (p === '') throw new SdpmError('INVALID_ARGUMENT', `${abs}: row ${i + 1} has no path`, { path: abs });
      const path = resolve(dirname(abs), p);
      return { id: safeId(ic >= 0 && (cells[ic] ?? '') !== '' ? (cells[ic] as string) : basename(path)), path };
    });
  }
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const n = seen.get(e.id) ?? 0;
    seen.set(e.id, n + 1);
    return n === 0 ? e : { ...e, id: `${e.id}_${n + 1}` };
  });
}

export interface BatchRow {
  study: string;
  path: string;
  status: 'ok' | 'resumed' | 'error';
  report: InferenceReport | null;
  error: string;
}

function csvCell(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : '') : v;
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function resultsCsv(rows: readonly BatchRow[]): string {
  const head = ['study', 'path', 'status', 'totalVolumeMl', 'intervalP5Ml', 'intervalP95Ml', 'lesions', 'mode', 'preset', 'profile', 'approximation', 'provider', 'seed', 'bundle', 'bundleSha256', 'wallMs', 'error'];
  const lines = rows.map((r) => {
    const p = r.report;
    return [r.study, r.path, r.status, p?.totalVolumeMl, p?.intervalMl?.[0], p?.intervalMl?.[1], p?.lesions.length, p?.mode, p?.settings.preset, p?.settings.profile, p === null ? '' : String(p.settings.approximation), p?.provider.used, p?.seed, p === null ? '' : `${p.bundle.name}@${p.bundle.version}`, p?.bundle.sha256SumsSha256, p?.timingsMs.total, r.error].map(csvCell).join(',');
  });
  return `${[head.join(','), ...lines].join('\n')}\n`;
}

export async function runBatch(studies: readonly StudyEntry[], outDir: string, base: ReturnType<typeof requestFromOptions>, workers: number, ctx: CliContext, isStopped: () => boolean = () => false): Promise<BatchRow[]> {
  await mkdir(outDir, { recursive: true });
  const rows: BatchRow[] = studies.map((s) => ({ study: s.id, path: s.path, status: 'error', report: null, error: 'not run' }));
  const todo: number[] = [];
  studies.forEach((s, i) => {
    const rep = join(outDir, s.id, 'report.json');
    if (existsSync(rep)) {
      try {
        rows[i] = { study: s.id, path: s.path, status: 'resumed', report: JSON.parse(readFileSync(rep, 'utf8')) as InferenceReport, error: '' };
        return;
      } catch {
        ctx.log.warn('unreadable report.json: running the study again', { study: s.id });
      }
    }
    todo.push(i);
  });
  const threads = base.intraOpThreads ?? Math.max(1, Math.floor(availableParallelism() / workers));
  const t0 = Date.now();
  let done = 0;
  let failed = 0;
  const line = (): void => {
    const el = Date.now() - t0;
    const eta = done > 0 ? formatDuration((el / done) * (todo.length - done)) : '?';
    ctx.stderr(`batch: ${done}/${todo.length} studies done (${failed} failed, ${studies.length - todo.length} already complete), ${formatDuration(el)} elapsed, ETA ${eta}\n`);
  };
  line();
  const queue = [...todo];
  const worker = async (): Promise<void> => {
    const host = new InferenceWorkerHost();
    try {
      for (let i = queue.shift(); i !== undefined && !isStopped(); i = queue.shift()) {
        const s = studies[i] as StudyEntry;
        try {
          const r = await host.run({ ...base, intraOpThreads: threads, input: { kind: 'path', path: s.path } }, { onLog: (level, m, f) => (level === 'error' || level === 'warn' ? ctx.log[level](`${s.id}: ${m}`, f) : undefined) }).result;
          await writeResultAtomically(join(outDir, s.id), r);
          rows[i] = { study: s.id, path: s.path, status: 'ok', report: r.report, error: '' };
        } catch (err) {
          const p = toErrorPayload(err);
          failed++;
          rows[i] = { study: s.id, path: s.path, status: 'error', report: null, error: `[${p.code}] ${p.message}` };
          ctx.log.error(`${s.id}: [${p.code}] ${p.message}`);
        }
        done++;
        line();
        await writeFile(join(outDir, 'results.csv'), resultsCsv(rows));
      }
    } finally {
      await host.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, todo.length)) }, worker));
  await writeFile(join(outDir, 'results.csv'), resultsCsv(rows));
  return rows;
}

export const batch: CliCommand = {
  name: 'batch',
  summary: 'segment many studies (folder or CSV) with a worker pool; resumable; writes results.csv',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...SEGMENT_PARSE_OPTIONS, out: { type: 'string', short: 'o' }, workers: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const input = positionals[0];
    if (input === undefined || positionals.length > 1) throw new SdpmError('INVALID_ARGUMENT', `sdpm batch needs exactly one folder or CSV\n${HELP}`);
    if (values.out === undefined) throw new SdpmError('INVALID_ARGUMENT', `sdpm batch needs --out <dir>\n${HELP}`);
    const workers = Number(values.workers ?? '1');
    if (!Number.isInteger(workers) || workers < 1) throw new SdpmError('INVALID_ARGUMENT', `--workers must be a positive integer (got "${values.workers}")`);
    const studies = listStudies(input);
    if (studies.length === 0) throw new SdpmError('SERIES_EMPTY_FOLDER', `${resolve(input)}: no studies (sub-folders or .nii/.nii.gz files) found`, { path: resolve(input) });
    let stopped = false;
    const onSigint = (): void => {
      stopped = true;
      ctx.stderr('batch: stopping after the running studies (Ctrl-C again to abort)\n');
      process.once('SIGINT', () => process.exit(130));
    };
    process.once('SIGINT', onSigint);
    try {
      const rows = await runBatch(studies, resolve(values.out), requestFromOptions(values), workers, ctx, () => stopped);
      const bad = rows.filter((r) => r.status === 'error').length;
      ctx.stdout(`${rows.length - bad}/${rows.length} studies complete (${rows.filter((r) => r.status === 'resumed').length} from an earlier run), ${bad} failed; ${join(resolve(values.out), 'results.csv')}\n`);
      return bad > 0 ? 1 : 0;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};
