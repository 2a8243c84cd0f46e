import { useState } from 'react';
import type { Response } from '../../../electron/ipc/contract';

interface Props {
  enabled: boolean;
  sessions: Array<{ name: string; savedAtMs: number }>;
  onListSessions: () => void;
  onLoadSession: (name: string) => void;
  edited: boolean;
  journalStatus: string;
  exported: Response<'export:seg'> | null;
  onExport: (readerName: string) => void;
  onSaveSession: (name: string) => void;
}

export function ExportPanel(p: Props) {
  const [reader, setReader] = useState('');
  const [session, setSession] = useState('review-1');
  return (
    <section className="panel">
      <h2>Save and export</h2>
      <div className="muted" data-testid="journal-status">
        {p.journalStatus}
      </div>
      <div className="row">
        <input aria-label="Session name" value={session} onChange={(e) => setSession(e.target.value)} style={{ width: '9em' }} />
        <button type="button" disabled={!p.enabled} onClick={() => p.onSaveSession(session)}>
          Save session
        </button>
        <button type="button" disabled={!p.enabled} onClick={p.onListSessions}>
          Saved…
        </button>
      </div>
      {p.sessions.length > 0 && (
        <ul className="compact">
          {p.sessions.map((x) => (
            <li key={x.name}>
              <button type="button" disabled={!p.enabled} onClick={() => p.onLoadSession(x.name)} title="Replace the current review with this saved session">
                Load {x.name} ({new Date(x.savedAtMs).toLocaleString()})
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="row">
        <input aria-label="Reader name" placeholder="Reader name" value={reader} onChange={(e) => setReader(e.target.value)} />
        <button type="button" data-testid="export-seg" disabled={!p.enabled || reader.trim() === ''} onClick={() => p.onExport(reader.trim())}>
          Export SEG + report
        </button>
      </div>
      <div className="muted">{p.edited ? 'Edited by a reader: exported as SEMIAUTOMATIC.' : 'Unedited model output: exported as AUTOMATIC.'}</div>
      {p.exported !== null && (
        <div data-testid="export-result" data-seg-path={p.exported.segPath} data-seg-pixels={p.exported.segPixels} data-algorithm={p.exported.algorithmType}>
          SEG: <code>{p.exported.segPath}</code>
          {p.exported.reportPath !== null && (
            <>
              <br />
              Report: <code>{p.exported.reportPath}</code>
            </>
          )}
        </div>
      )}
    </section>
  );
}
