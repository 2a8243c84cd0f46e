/**
 * `sdpm pacs add|list|remove|find|retrieve|send`: PACS connections (DICOMweb or DIMSE), study search,
 * retrieval of picked series into the local cache, and sending a SEG back with read-back verification.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SdpmError } from '../../core/index';
import { describePeer } from '../../core/index';
import type { StudyQuery } from '../../core/index';
import { SeriesCache } from '../../core/index';
import { createTransport } from '../../core/index';
import { retrieveSeries } from '../../core/index';
import { sendAndVerify } from '../../core/index';
import { PacsSettingsStore } from '../../services/pacs/PacsSettingsStore';
import { batchInputCsv, pacsBatchInputs, sendBatchResults } from '../pacs/pacsBatch';
import type { CliCommand, CliContext } from '../CliCommand';
import { cacheRoot, cliSecrets, interruptSignal, resolvePeer, settingsFile } from '../pacs/pacsCliSupport';

const HELP = `usage: sdpm pacs <add|list|remove|find|retrieve|send|batch-input|send-results> [options]

  add --name N --url URL [--auth none|basic|bearer] [--user U] [--timeout-ms MS]     a DICOMweb archive
  add --name N --ae AE --host H --port P --our-ae AE [--timeout-ms MS]               a DIMSE peer
  list | remove --name N
  find --peer N [--patient-id ID] [--patient-name PN] [--accession A] [--from YYYYMMDD] [--to YYYYMMDD]
       [--modality CT] [--limit 50] [--offset 0] [--study UID (lists its series)] [--json]
  retrieve --peer N --study UID --series UID [--cache DIR] [--json]   (Ctrl-C cancels; run again to resume)
  send --peer N <seg.dcm> [--json]                                    (stores, reads back, compares)
  batch-input --peer N --list FILE.csv (--accession A,B,... | find's query flags) [--cache DIR]
       retrieves the CT series of each study and writes the CSV that 'sdpm batch FILE.csv --out DIR' reads
  send-results --peer N --out DIR     each finished study of a batch: SEG of its mask, stored and verified
                                      (records in DIR/pacs-sent/; a rerun skips what is verified)

Common: --settings FILE (default $SDPM_PACS_SETTINGS or ~/.config/sdpm/pacs-peers.json).
Passwords and tokens are never flags or settings: set SDPM_PACS_SECRET_<NAME> (or SDPM_PACS_SECRET), or type
it at the prompt on a terminal. The cache defaults to $SDPM_PACS_CACHE or ~/.cache/sdpm/pacs.
Exit codes: 0 done, 1 error, 2 usage, 3 retrieval incomplete or cancelled (nothing marked complete).
`;

const OPTIONS = {
  settings: { type: 'string' },
  name: { type: 'string' },
  url: { type: 'string' },
  auth: { type: 'string' },
  user: { type: 'string' },
  ae: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'our-ae': { type: 'string' },
  'timeout-ms': { type: 'string' },
  peer: { type: 'string' },
  'patient-id': { type: 'string' },
  'patient-name': { type: 'string' },
  accession: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  modality: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  study: { type: 'string' },
  series: { type: 'string' },
  cache: { type: 'string' },
  list: { type: 'string' },
  out: { type: 'string' },
  json: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

function int(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new SdpmError('INVALID_ARGUMENT', `${flag} must be an integer, got "${v}"`);
  return n;
}

async function add(v: Values, ctx: CliContext): Promise<number> {
  const timeoutMs = int(v['timeout-ms'], '--timeout-ms');
  const common = { name: v.name, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  const raw =
    v.url !== undefined
      ? { ...common, kind: 'dicomweb', baseUrl: v.url, auth: v.auth === 'basic' ? { type: 'basic', username: v.user } : { type: v.auth ?? 'none' } }
      : { ...common, kind: 'dimse', aeTitle: v.ae, host: v.host, port: int(v.port, '--port'), callingAeTitle: v['our-ae'] };
  const peer = await new PacsSettingsStore(settingsFile(v.settings)).save(raw);
  ctx.stdout(`saved ${describePeer(peer)} in ${settingsFile(v.settings)}\n`);
  return 0;
}

function query(v: Values): StudyQuery {
  const q: StudyQuery = {};
  if (v['patient-id'] !== undefined) q.patientId = v['patient-id'];
  if (v['patient-name'] !== undefined) q.patientName = v['patient-name'];
  if (v.accession !== undefined) q.accessionNumber = v.accession;
  if (v.from !== undefined) q.dateFrom = v.from;
  if (v.to !== undefined) q.dateTo = v.to;
  if (v.modality !== undefined) q.modality = v.modality;
  const limit = int(v.limit, '--limit');
  const offset = int(v.offset, '--offset');
  if (limit !== undefined) q.limit = limit;
  if (offset !== undefined) q.offset = offset;
  return q;
}

async function find(v: Values, ctx: CliContext): Promise<number> {
  const t = await createTransport(await resolvePeer(v.peer, v.settings), cliSecrets());
  if (v.study !== undefined) {
    const series = await t.findSeries(v.study);
    if (v.json === true) ctx.stdout(`${JSON.stringify(series, null, 2)}\n`);
    else for (const s of series) ctx.stdout(`${s.seriesInstanceUid}  ${s.modality.padEnd(4)} #${s.seriesNumber ?? '-'}  ${s.instanceCount ?? '?'} instances  ${s.seriesDescription}\n`);
    return 0;
  }
  const page = await t.findStudies(query(v));
  if (v.json === true) ctx.stdout(`${JSON.stringify(page, null, 2)}\n`);
  else {
    for (const s of page.studies) {
      ctx.stdout(`${s.studyInstanceUid}  ${s.patientId}  ${s.patientName}  ${s.studyDate || '-'}  acc ${s.accessionNumber || '-'}  ${s.modalities.join('/') || '-'}  ${s.seriesCount ?? '?'} series  ${s.studyDescription}\n`);
    }
    ctx.stdout(`${page.studies.length} studies (offset ${page.offset})${page.mayHaveMore ? `; more: --offset ${page.offset + page.limit}` : ''}\n`);
  }
  return 0;
}

async function retrieve(v: Values, ctx: CliContext): Promise<number> {
  if (v.study === undefined || v.series === undefined) throw new SdpmError('INVALID_ARGUMENT', `retrieve needs --study UID and --series UID\n${HELP}`);
  const peer = await resolvePeer(v.peer, v.settings);
  const t = await createTransport(peer, cliSecrets());
  const cache = new SeriesCache(cacheRoot(v.cache));
  const stop = interruptSignal();
  try {
    let lastDecile = -1;
    const r = await retrieveSeries(t, cache, v.study, v.series, {
      signal: stop.signal,
      concurrency: peer.kind === 'dimse' ? 1 : 4,
      log: ctx.log,
      onProgress: (p) => {
        const decile = Math.floor((p.done / Math.max(1, p.total)) * 10);
        if (decile !== lastDecile || p.done + p.failed === p.total) ctx.stderr(`retrieve: ${p.done}/${p.total} instances${p.failed > 0 ? `, ${p.failed} failed` : ''}, ${(p.bytesFetched / 1e6).toFixed(1)} MB\n`);
        lastDecile = decile;
      },
    });
    if (v.json === true) ctx.stdout(`${JSON.stringify(r, null, 2)}\n`);
    else {
      ctx.stdout(`${r.message}\n`);
      for (const f of r.failures.slice(0, 20)) ctx.stdout(`  ${f.sopInstanceUid}: [${f.code}] ${f.message}\n`);
      if (r.status === 'complete') ctx.stdout(`folder: ${r.folder}\n`);
    }
    return r.status === 'complete' ? 0 : 3;
  } finally {
    stop.dispose();
  }
}

async function send(v: Values, file: string | undefined, ctx: CliContext): Promise<number> {
  if (file === undefined) throw new SdpmError('INVALID_ARGUMENT', `send needs a DICOM file\n${HELP}`);
  const t = await createTransport(await resolvePeer(v.peer, v.settings), cliSecrets());
  const bytes = new Uint8Array(await readFile(file));
  const r = await sendAndVerify(t, bytes, file);
  ctx.stdout(v.json === true ? `${JSON.stringify(r, null, 2)}\n` : `${r.message}\n`);
  return 0;
}

async function batchInput(v: Values, ctx: CliContext): Promise<number> {
  if (v.list === undefined) throw new SdpmError('INVALID_ARGUMENT', `batch-input needs --list FILE.csv\n${HELP}`);
  const peer = await resolvePeer(v.peer, v.settings);
  const t = await createTransport(peer, cliSecrets());
  const accessionNumbers = v.accession?.split(',').map((a) => a.trim()).filter((a) => a !== '');
  const { accession: _accession, ...rest } = v;
  const q = query(rest);
  const hasQuery = Object.keys(q).length > 0;
  if (accessionNumbers === undefined && !hasQuery) throw new SdpmError('INVALID_ARGUMENT', 'batch-input needs --accession A,B,... or query flags (--patient-id, --from, --modality ...)');
  const stop = interruptSignal();
  try {
    const { rows, problems } = await pacsBatchInputs(t, new SeriesCache(cacheRoot(v.cache)), { ...(accessionNumbers === undefined ? {} : { accessionNumbers }), ...(hasQuery ? { query: q } : {}) }, { log: ctx.log, signal: stop.signal, concurrency: peer.kind === 'dimse' ? 1 : 4 });
    await writeFile(v.list, batchInputCsv(rows));
    ctx.stdout(`${rows.length} series retrieved and listed in ${v.list}${problems.length > 0 ? `; ${problems.length} studies left out:` : ''}\n`);
    for (const p of problems) ctx.stdout(`  ${p}\n`);
    return problems.length === 0 ? 0 : 3;
  } finally {
    stop.dispose();
  }
}

async function sendResults(v: Values, ctx: CliContext): Promise<number> {
  if (v.out === undefined) throw new SdpmError('INVALID_ARGUMENT', `send-results needs --out DIR (a batch output folder)\n${HELP}`);
  const t = await createTransport(await resolvePeer(v.peer, v.settings), cliSecrets());
  const r = await sendBatchResults(t, v.out, ctx.log);
  ctx.stdout(`${r.sent} SEG stored and verified, ${r.skipped} already verified earlier, ${r.failed.length} failed\n`);
  for (const f of r.failed) ctx.stdout(`  ${f}\n`);
  return r.failed.length === 0 ? 0 : 1;
}

export const pacs: CliCommand = {
  name: 'pacs',
  summary: 'PACS: save connections, find studies, retrieve series into the cache, send a SEG back (verified)',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: OPTIONS });
    const [sub, ...rest] = positionals;
    if (values.help === true || sub === undefined) {
      ctx.stdout(HELP);
      return sub === undefined && values.help !== true ? 2 : 0;
    }
    if (sub === 'add') return add(values, ctx);
    if (sub === 'list') {
      for (const p of await new PacsSettingsStore(settingsFile(values.settings)).list()) ctx.stdout(`${describePeer(p)}${p.kind === 'dicomweb' ? `, auth ${p.auth.type}` : `, our AE ${p.callingAeTitle}`}\n`);
      return 0;
    }
    if (sub === 'remove') {
      if (values.name === undefined) throw new SdpmError('INVALID_ARGUMENT', 'remove needs --name');
      return (await new PacsSettingsStore(settingsFile(values.settings)).remove(values.name)) ? 0 : 1;
    }
    if (sub === 'find') return find(values, ctx);
    if (sub === 'retrieve') return retrieve(values, ctx);
    if (sub === 'send') return send(values, rest[0], ctx);
    if (sub === 'batch-input') return batchInput(values, ctx);
    if (sub === 'send-results') return sendResults(values, ctx);
    throw new SdpmError('INVALID_ARGUMENT', `unknown pacs sub-command "${sub}"\n${HELP}`);
  },
};
