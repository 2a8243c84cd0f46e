/**
 * The audit trail for people: the blinded view (each user sees only entries that cannot unblind
 * them), chain verification naming the first broken entry, signature verification (each signature
 * against the read it claims), and exports as CSV and as a printable HTML page (the auditor's PDF is
 * printed from it). Verification and export are themselves audited.
 */
import { type AuditEntry, auditVisibleTo, type ChainVerdict, SdpmError, sha256Hex, type SignatureManifest, textPdf, verifyAuditChain, verifySignature } from '../../core/index';
import type { Actor, TrialContext } from './TrialContext';

export const AUDIT_CSV_COLUMNS = ['seq', 'atUtc', 'username', 'role', 'action', 'trialId', 'objectType', 'objectId', 'studyUid', 'seriesUid', 'segUid', 'oldHash', 'newHash', 'reason', 'workstation', 'audience', 'details', 'prevHash', 'entryHash'] as const;

function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function html(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

export interface SignatureVerdict {
  signatureId: string;
  readId: string;
  username: string;
  ok: boolean;
  problems: string[];
}

export class AuditService {
  constructor(private readonly ctx: TrialContext) {}

  async view(actor: Actor, trialId: string | null): Promise<AuditEntry[]> {
    this.ctx.guard(actor, 'audit.view');
    const all = await this.ctx.repo.auditEntries();
    return all.filter((e) => (trialId === null || e.trialId === trialId || e.trialId === null) && auditVisibleTo({ username: e.username, audience: e.audience }, actor));
  }

  async verify(actor: Actor): Promise<ChainVerdict> {
    this.ctx.guard(actor, 'audit.verify');
    const verdict = verifyAuditChain(await this.ctx.repo.auditEntries(), await this.ctx.repo.auditHead());
    if (verdict.ok) {
      // Recorded only on an intact chain: appending to a broken one would hide where it broke.
      await this.ctx.repo.db.transaction((tx) => this.ctx.audit(tx, actor, { action: 'audit.verify', objectType: 'audit', audience: 'unblinded', details: { entries: verdict.entriesChecked } }));
    }
    return verdict;
  }

  async verifySignatures(actor: Actor): Promise<SignatureVerdict[]> {
    this.ctx.guard(actor, 'audit.verify');
    const rows = await this.ctx.repo.db.query('SELECT s.signature_id, s.read_id, s.username, s.manifest_json, s.manifest_sha256 FROM signatures s ORDER BY s.signed_at_utc, s.signature_id');
    const out: SignatureVerdict[] = [];
    for (const r of rows) {
      const readId = String(r.read_id);
      const read = await this.ctx.repo.read(readId);
      const base = { signatureId: String(r.signature_id), readId, username: String(r.username) };
      if (read === null) {
        out.push({ ...base, ok: false, problems: [`read ${readId} does not exist`] });
        continue;
      }
      const task = (await this.ctx.repo.task(read.taskId))!;
      const study = (await this.ctx.repo.study(task.studyId))!;
      const manifest = JSON.parse(String(r.manifest_json)) as SignatureManifest;
      const check = verifySignature(
        { manifest, manifestSha256: String(r.manifest_sha256) },
        { trialId: task.trialId, studyUid: study.studyUid, taskId: task.taskId, readId: read.readId, readVersion: read.version, segSha256: sha256Hex(read.segBytes), measurementsSha256: read.measurementsSha256 },
      );
      out.push({ ...base, ...check });
    }
    return out;
  }

  async exportCsv(actor: Actor): Promise<{ csv: string; sha256: string; entries: number }> {
    this.ctx.guard(actor, 'audit.export');
    const entries = await this.ctx.repo.auditEntries();
    const lines = [AUDIT_CSV_COLUMNS.join(','), ...entries.map((e) => AUDIT_CSV_COLUMNS.map((c) => csvCell(e[c])).join(','))];
    const csv = `${lines.join('\n')}\n`;
    const sha256 = sha256Hex(csv);
    await this.record(actor, 'csv', sha256, entries.length);
    return { csv, sha256, entries: entries.length };
  }

  /** The audit trail as a PDF (core textPdf): the chain verdict on top, then every entry, one block each. */
  async exportPdf(actor: Actor): Promise<{ pdf: Uint8Array; sha256: string; entries: number }> {
    this.ctx.guard(actor, 'audit.export');
    const entries = await this.ctx.repo.auditEntries();
    const verdict = verifyAuditChain(entries, await this.ctx.repo.auditHead());
    const status = verdict.ok ? `Chain intact: ${verdict.entriesChecked} entries verified.` : `CHAIN BROKEN at entry ${verdict.firstBreak?.seq}: ${verdict.firstBreak?.reason}`;
    const lines = [`Exported ${this.ctx.nowUtc()} by ${actor.printedName} (${actor.username}) at ${actor.workstation}.`, status, ''];
    for (const e of entries) {
      lines.push(`#${e.seq}  ${e.atUtc}  ${e.username} (${e.role})  ${e.action}  ${e.objectType}${e.objectId !== null && e.objectId !== undefined ? ` ${e.objectId}` : ''}  @ ${e.workstation ?? ''}`);
      const more = (['studyUid', 'seriesUid', 'segUid', 'oldHash', 'newHash', 'reason'] as const).filter((c) => e[c] !== null && e[c] !== undefined && e[c] !== '').map((c) => `${c}=${String(e[c])}`);
      if (more.length > 0) lines.push(`    ${more.join('  ')}`);
      lines.push(`    entryHash=${e.entryHash}`);
    }
    const pdf = textPdf('Audit trail', lines);
    const sha256 = sha256Hex(pdf);
    await this.record(actor, 'pdf', sha256, entries.length);
    return { pdf, sha256, entries: entries.length };
  }

  /** A printable page (print to PDF from the app or a browser): the chain verdict on top, then every entry. */
  async exportHtml(actor: Actor): Promise<{ html: string; sha256: string }> {
    this.ctx.guard(actor, 'audit.export');
    const entries = await this.ctx.repo.auditEntries();
    const verdict = verifyAuditChain(entries, await this.ctx.repo.auditHead());
    const cols = ['seq', 'atUtc', 'username', 'role', 'action', 'objectType', 'objectId', 'studyUid', 'segUid', 'reason', 'workstation', 'entryHash'] as const;
    const rows = entries.map((e) => `<tr>${cols.map((c) => `<td>${html(String(e[c] ?? ''))}</td>`).join('')}</tr>`).join('\n');
    const status = verdict.ok ? `Chain intact: ${verdict.entriesChecked} entries verified.` : `CHAIN BROKEN at entry ${verdict.firstBreak?.seq}: ${verdict.firstBreak?.reason}`;
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Audit trail</title><style>body{font:11px sans-serif}table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 4px;word-break:break-all}</style></head><body>
<h1>Audit trail</h1><p>Exported ${html(this.ctx.nowUtc())} by ${html(actor.printedName)} (${html(actor.username)}) at ${html(actor.workstation)}.</p><p><strong>${html(status)}</strong></p>
<table><thead><tr>${cols.map((c) => `<th>${c}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table></body></html>\n`;
    const sha256 = sha256Hex(page);
    await this.record(actor, 'html', sha256, entries.length);
    return { html: page, sha256 };
  }

  private async record(actor: Actor, format: string, sha256: string, entries: number): Promise<void> {
    if (!Number.isInteger(entries)) throw new SdpmError('INTERNAL', 'bad entry count');
    await this.ctx.repo.db.transaction((tx) => this.ctx.audit(tx, actor, { action: 'audit.export', objectType: 'audit', newHash: sha256, audience: 'unblinded', details: { format, entries } }));
  }
}
