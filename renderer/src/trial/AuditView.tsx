/**
 * The audit trail as the signed-in user may see it (blinded users see only their own and public
 * entries); auditors and administrators also verify the chain and the signatures.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorText, list, text, trialCall } from './trialApi';

export function AuditView({ trialId, canVerify }: { trialId: string; canVerify: boolean }) {
  const [entries, setEntries] = useState<Record<string, unknown>[]>([]);
  const [verdict, setVerdict] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setEntries(list(await trialCall('trial:auditView', { trialId }), 'entries'));
    } catch (err) {
      setError(errorText(err));
    }
  }, [trialId]);
  useEffect(() => void load(), [load]);
  const verify = async () => {
    try {
      const v = await trialCall('trial:verifyAudit', {});
      const sigs = list(await trialCall('trial:verifySignatures', {}), 'signatures');
      const first = v.firstBreak as Record<string, unknown> | null;
      const bad = sigs.filter((s) => s.ok !== true).length;
      setVerdict(`${v.ok === true ? `Audit chain intact: ${text(v.entriesChecked)} entries verified.` : `CHAIN BROKEN at entry ${text(first?.seq)}: ${text(first?.reason)}`} Signatures: ${sigs.length - bad} of ${sigs.length} verify.`);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  /** Auditor / administrator export (recorded in the trail itself): CSV or PDF, saved as a file. */
  const exportAs = async (format: 'csv' | 'pdf') => {
    try {
      const r = await trialCall('trial:exportAudit', { format });
      const blob = format === 'csv' ? new Blob([text(r.csv)], { type: 'text/csv' }) : new Blob([r.pdf as Uint8Array<ArrayBuffer>], { type: 'application/pdf' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = `audit-trail.${format}`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="trial-card" data-testid="trial-audit">
      <h2>Audit trail</h2>
      {canVerify && <button onClick={() => void verify()}>Verify chain and signatures</button>}
      {canVerify && (
        <span>
          <button onClick={() => void exportAs('csv')}>Export CSV</button> <button onClick={() => void exportAs('pdf')}>Export PDF</button>
        </span>
      )}
      {verdict !== null && <p className="trial-verdict" data-testid="trial-verdict">{verdict}</p>}
      <table className="trial-table">
        <thead>
          <tr><th>#</th><th>UTC</th><th>user</th><th>action</th><th>object</th><th>study UID</th><th>reason</th><th>workstation</th><th>hash</th></tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={text(e.seq)}>
              <td>{text(e.seq)}</td>
              <td>{text(e.atUtc)}</td>
              <td>{text(e.username)}</td>
              <td>{text(e.action)}</td>
              <td>{text(e.objectType)}</td>
              <td>{text(e.studyUid)}</td>
              <td>{text(e.reason)}</td>
              <td>{text(e.workstation)}</td>
              <td className="trial-hash">{text(e.entryHash).slice(0, 12)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}
