/**
 * A reader's (or adjudicator's) own tasks, in the order the server gives (randomised per reader),
 * with status; a read task opens its versions, signatures and the sign / reopen actions.
 */
import { useCallback, useEffect, useState } from 'react';
import { AdjudicationView } from './AdjudicationView';
import { SignDialog } from './SignDialog';
import { errorText, list, text, trialCall } from './trialApi';
import { TRIAL_BRIDGE_GLOBAL } from '../../../electron/ipc/trialChannel';

/** The signed-read report of one version, as an HTML page and as a PDF (both carry the signature manifestation). */
function SignedReportLink({ taskId, version }: { taskId: string; version: string }) {
  const [hrefs, setHrefs] = useState<{ html: string; pdf: string | null } | null>(null);
  useEffect(() => {
    const urls: string[] = [];
    trialCall('trial:signatureReport', { taskId, version: Number(version) })
      .then((r) => {
        const html = URL.createObjectURL(new Blob([text(r.html)], { type: 'text/html' }));
        urls.push(html);
        const pdf = r.pdf instanceof Uint8Array ? URL.createObjectURL(new Blob([r.pdf as Uint8Array<ArrayBuffer>], { type: 'application/pdf' })) : null;
        if (pdf !== null) urls.push(pdf);
        setHrefs({ html, pdf });
      })
      .catch(() => setHrefs(null));
    return () => urls.forEach((u) => URL.revokeObjectURL(u));
  }, [taskId, version]);
  return hrefs === null ? null : (
    <>
      <a href={hrefs.html} download={`signed-read-v${version}.html`} data-testid="trial-signed-report">
        signed report
      </a>
      {hrefs.pdf !== null && (
        <>
          {' '}
          <a href={hrefs.pdf} download={`signed-read-v${version}.pdf`} data-testid="trial-signed-report-pdf">
            PDF
          </a>
        </>
      )}
    </>
  );
}

/** Browser mode (not the Electron window, which opens no second window): the review app opens in a new tab. */
const inBrowser = typeof window !== 'undefined' && !(TRIAL_BRIDGE_GLOBAL in window);

function ReadTask({ taskId, printedName, openSource }: { taskId: string; printedName: string; openSource?: string }) {
  const [versions, setVersions] = useState<Record<string, unknown>[]>([]);
  const [status, setStatus] = useState('');
  const [signing, setSigning] = useState(false);
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const r = await trialCall('trial:readVersions', { taskId });
      setVersions(list(r, 'versions'));
      setStatus(text((r.task as Record<string, unknown> | undefined)?.status));
    } catch (err) {
      setError(errorText(err));
    }
  }, [taskId]);
  useEffect(() => void load(), [load]);
  const attach = async (file: File | undefined) => {
    if (file === undefined) return;
    setError(null);
    try {
      // The server checks the SEG belongs to this study's series and measures it on the study's images.
      await trialCall('trial:saveRead', { taskId, segBytes: new Uint8Array(await file.arrayBuffer()) });
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const reopen = async () => {
    try {
      await trialCall('trial:reopenRead', { taskId, reason, password });
      setPassword('');
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="trial-card" data-testid="trial-read">
      <h3>Read ({status})</h3>
      <table className="trial-table">
        <thead>
          <tr><th>version</th><th>volume (mL)</th><th>SEG UID</th><th>signature</th></tr>
        </thead>
        <tbody>
          {versions.map((v) => {
            const sig = v.signature as Record<string, unknown> | null;
            return (
              <tr key={text(v.readId)}>
                <td>{text(v.version)}</td>
                <td title={v.volumeSource === 'seg' ? 'measured from the SEG on the study images' : 'as sent by the app'}>{text(v.volumeMl)}{v.volumeSource === 'seg' ? ' (SEG)' : ''}</td>
                <td>{text(v.segUid)}</td>
                <td>
                  {sig === null ? 'not signed' : `${text(sig.printedName)} — ${text(sig.meaning)} — ${text(sig.signedAtUtc)} UTC / ${text(sig.signedAtLocal)} `}
                  {sig !== null && <SignedReportLink taskId={taskId} version={text(v.version)} />}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {status !== 'signed' && !signing && openSource !== undefined && (
        <p>
          {inBrowser ? (
            <>
              <a href={`/?open=${encodeURIComponent(openSource)}&task=${encodeURIComponent(taskId)}`} target="_blank" rel="noreferrer" data-testid="trial-open-study">
                Open this study in the review app
              </a>{' '}
              (new tab)
            </>
          ) : (
            <>Open the folder {openSource} in the review window</>
          )}
          : run SDPM, correct, export the SEG, then save it here.
        </p>
      )}
      {status !== 'signed' && !signing && (
        <label>
          Save a read: the SEG exported from the review app <input type="file" aria-label="SEG file" accept=".dcm,application/dicom" onChange={(e) => void attach(e.target.files?.[0])} />
        </label>
      )}
      {(status === 'draft' || status === 'reopened') && versions.length > 0 && !signing && <button onClick={() => setSigning(true)}>Sign latest version</button>}
      {signing && <SignDialog taskId={taskId} printedName={printedName} onDone={() => { setSigning(false); void load(); }} />}
      {status === 'signed' && (
        <div>
          <input aria-label="reopen reason" placeholder="reason for reopening" value={reason} onChange={(e) => setReason(e.target.value)} />
          <input aria-label="reopen password" type="password" placeholder="password" value={password} onChange={(e) => setPassword(e.target.value)} />
          <button onClick={() => void reopen()}>Reopen</button>
        </div>
      )}
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}

export function TaskList({ trialId, printedName }: { trialId: string; printedName: string }) {
  const [tasks, setTasks] = useState<Record<string, unknown>[]>([]);
  const [open, setOpen] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setTasks(list(await trialCall('trial:myTasks', { trialId }), 'tasks'));
    } catch (err) {
      setError(errorText(err));
    }
  }, [trialId]);
  useEffect(() => void load(), [load]);
  return (
    <div className="trial-columns">
      <div className="trial-card" data-testid="trial-tasks">
        <h2>My tasks — {trialId}</h2>
        <button onClick={() => void load()}>Refresh</button>
        <table className="trial-table">
          <thead>
            <tr><th>#</th><th>study</th><th>task</th><th>status</th><th>images</th></tr>
          </thead>
          <tbody>
            {tasks.map((t, i) => (
              <tr key={text(t.taskId)} className={open?.taskId === t.taskId ? 'trial-selected' : ''} onClick={() => setOpen(t)}>
                <td>{i + 1}</td>
                <td>{text(t.studyCode)}</td>
                <td>{text(t.kind)}</td>
                <td>{text(t.status)}</td>
                <td title={text(t.source)}>{text(t.source)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {error !== null && <p className="trial-error" role="alert">{error}</p>}
      </div>
      {open !== null && (open.kind === 'adjudication' ? <AdjudicationView key={text(open.taskId)} taskId={text(open.taskId)} printedName={printedName} /> : <ReadTask key={text(open.taskId)} taskId={text(open.taskId)} printedName={printedName} {...(typeof open.source === 'string' && open.source !== '' ? { openSource: open.source } : {})} />)}
    </div>
  );
}
