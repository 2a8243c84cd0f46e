/**
 * The PACS input source and result sink of `sdpm batch` (the hook batch.ts calls):
 *   sdpm batch --pacs-peer N (--accession A,B,... | --pacs-patient-id ID [--pacs-from D --pacs-to D --pacs-modality CT])
 *              --out DIR [--pacs-cache DIR] [--pacs-send] [segment options]
 * The studies are retrieved (resumable; complete series are not fetched again) and listed in
 * DIR/pacs-inputs.csv, which then is the batch input as any CSV; with --pacs-send the SEG of every
 * finished study is stored back and verified (DIR/pacs-sent/).
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError } from '../../core/index';
import type { StudyQuery } from '../../core/index';
import { SeriesCache } from '../../core/index';
import { createTransport } from '../../core/index';
import type { CliContext } from '../CliCommand';
import { batchInputCsv, pacsBatchInputs, sendBatchResults } from './pacsBatch';
import { cacheRoot, cliSecrets, resolvePeer } from './pacsCliSupport';

/** parseArgs options batch.ts spreads into its own. */
export const PACS_BATCH_OPTIONS = {
  'pacs-peer': { type: 'string' },
  'pacs-settings': { type: 'string' },
  'pacs-cache': { type: 'string' },
  accession: { type: 'string' },
  'pacs-patient-id': { type: 'string' },
  'pacs-from': { type: 'string' },
  'pacs-to': { type: 'string' },
  'pacs-modality': { type: 'string' },
  'pacs-send': { type: 'boolean', default: false },
} as const;

export const PACS_BATCH_HELP = `PACS input (instead of <folder|list.csv>):
  --pacs-peer N       a saved connection (sdpm pacs add); secret from SDPM_PACS_SECRET_<NAME> or a prompt
  --accession A,B     accession numbers, or --pacs-patient-id ID [--pacs-from YYYYMMDD --pacs-to YYYYMMDD --pacs-modality CT]
  --pacs-cache DIR    where series are retrieved (default $SDPM_PACS_CACHE or ~/.cache/sdpm/pacs)
  --pacs-send         after the run, store each study's SEG back on the archive and verify it
`;

export interface PacsBatchValues {
  'pacs-peer'?: string | undefined;
  'pacs-settings'?: string | undefined;
  'pacs-cache'?: string | undefined;
  accession?: string | undefined;
  'pacs-patient-id'?: string | undefined;
  'pacs-from'?: string | undefined;
  'pacs-to'?: string | undefined;
  'pacs-modality'?: string | undefined;
  'pacs-send'?: boolean | undefined;
}

/** With --pacs-peer: retrieves and writes <out>/pacs-inputs.csv, returns its path; otherwise undefined. */
export async function pacsBatchInput(v: PacsBatchValues, out: string, ctx: CliContext): Promise<string | undefined> {
  if (v['pacs-peer'] === undefined) return undefined;
  const q: StudyQuery = {};
  if (v['pacs-patient-id'] !== undefined) q.patientId = v['pacs-patient-id'];
  if (v['pacs-from'] !== undefined) q.dateFrom = v['pacs-from'];
  if (v['pacs-to'] !== undefined) q.dateTo = v['pacs-to'];
  if (v['pacs-modality'] !== undefined) q.modality = v['pacs-modality'];
  const accessionNumbers = v.accession?.split(',').map((a) => a.trim()).filter((a) => a !== '');
  if (accessionNumbers === undefined && Object.keys(q).length === 0) throw new SdpmError('INVALID_ARGUMENT', '--pacs-peer needs --accession A,B,... or --pacs-patient-id/--pacs-from/--pacs-to/--pacs-modality');
  const peer = await resolvePeer(v['pacs-peer'], v['pacs-settings']);
  const t = await createTransport(peer, cliSecrets());
  const { rows, problems } = await pacsBatchInputs(t, new SeriesCache(cacheRoot(v['pacs-cache'])), { ...(accessionNumbers === undefined ? {} : { accessionNumbers }), ...(Object.keys(q).length > 0 ? { query: q } : {}) }, { log: ctx.log, concurrency: peer.kind === 'dimse' ? 1 : 4 });
  for (const p of problems) ctx.stderr(`batch: PACS input left out: ${p}\n`);
  if (rows.length === 0) throw new SdpmError('PACS_NOT_FOUND', `${t.peerLabel}: no study could be retrieved for the batch${problems.length > 0 ? ` (${problems.length} problems above)` : ''}`);
  await mkdir(out, { recursive: true });
  const list = join(out, 'pacs-inputs.csv');
  await writeFile(list, batchInputCsv(rows));
  ctx.stderr(`batch: ${rows.length} series retrieved from ${t.peerLabel}; input list ${list}\n`);
  return list;
}

/** With --pacs-send: stores the SEG of each finished study back (verified); returns failures count. */
export async function pacsBatchSend(v: PacsBatchValues, out: string, ctx: CliContext): Promise<number> {
  if (v['pacs-send'] !== true || v['pacs-peer'] === undefined) return 0;
  const t = await createTransport(await resolvePeer(v['pacs-peer'], v['pacs-settings']), cliSecrets());
  const r = await sendBatchResults(t, out, ctx.log);
  ctx.stdout(`batch: ${r.sent} SEG stored and verified on ${t.peerLabel}, ${r.skipped} already verified, ${r.failed.length} failed\n`);
  for (const f of r.failed) ctx.stderr(`  ${f}\n`);
  return r.failed.length;
}
