import { useState, type DragEvent } from 'react';
import type { Response } from '../../../electron/ipc/contract';
import { formatDicomDate } from './formatDicom';

type Series = Response<'study:discover'>['series'][number];

interface Props {
  electron: boolean;
  demoFolder: string | null;
  busy: boolean;
  discovered: Response<'study:discover'> | null;
  loadedSeriesId: string | null;
  onOpenFolder: (folder: string) => void;
  onChooseFolder: () => void;
  onLoadSeries: (series: Series) => void;
}

/** Dropped folders arrive as file:// URIs (text/uri-list) from file managers, in Electron and browsers. */
function folderFromDrop(e: DragEvent): string | null {
  const uri = e.dataTransfer.getData('text/uri-list').split('\n').find((l) => l.startsWith('file://'));
  if (uri !== undefined) return decodeURIComponent(new URL(uri.trim()).pathname);
  const text = e.dataTransfer.getData('text/plain').trim();
  return text.startsWith('/') || /^[A-Za-z]:\\/.test(text) ? text : null;
}

export function StudyPanel(p: Props) {
  const [path, setPath] = useState('');
  const [dropHint, setDropHint] = useState<string | null>(null);
  return (
    <section
      className="panel"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        const folder = folderFromDrop(e);
        if (folder === null) setDropHint('Could not read a folder path from what was dropped; type the path instead.');
        else {
          setDropHint(null);
          p.onOpenFolder(folder);
        }
      }}
    >
      <h2>Study</h2>
      <div className="row">
        {p.electron && (
          <button type="button" disabled={p.busy} onClick={p.onChooseFolder}>
            Open folder…
          </button>
        )}
        {p.demoFolder !== null && (
          <button type="button" data-testid="open-demo" disabled={p.busy} onClick={() => p.onOpenFolder(p.demoFolder!)}>
            Demo study
          </button>
        )}
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim() !== '') p.onOpenFolder(path.trim());
        }}
      >
        <input aria-label="Study folder path" placeholder="/path/to/dicom/folder (or drop it here)" value={path} onChange={(e) => setPath(e.target.value)} />
        <button type="submit" disabled={p.busy || path.trim() === ''}>
          Open
        </button>
      </form>
      {dropHint !== null && <p className="warn">{dropHint}</p>}
      {p.discovered !== null && (
        <ul className="series-list" data-testid="series-list">
          {p.discovered.series.map((s) => (
            <li key={s.seriesId} className={s.seriesId === p.loadedSeriesId ? 'selected' : ''}>
              <button type="button" disabled={p.busy || s.refusedReason !== null} onClick={() => p.onLoadSeries(s)} title={s.seriesInstanceUid}>
                #{s.seriesNumber ?? '?'} {s.seriesDescription || '(no description)'} — {s.modality}, {s.nSlices} slices, {s.columns}×{s.rows}
              </button>
              <div className="muted">
                {s.patientName && `${s.patientName} · `}
                {formatDicomDate(s.studyDate)}
              </div>
              {s.refusedReason !== null && <div className="error">Refused: {s.refusedReason}</div>}
              {s.notes.map((n) => (
                <div key={n} className="warn">
                  {n}
                </div>
              ))}
            </li>
          ))}
          {p.discovered.series.length === 0 && <li className="warn">No image series in this folder.</li>}
          {p.discovered.skipped.length > 0 && <li className="muted">{p.discovered.skipped.length} file(s) skipped (not DICOM images).</li>}
        </ul>
      )}
    </section>
  );
}
