import { useEffect, useRef, useState } from 'react';
import type { Request, Response } from '../../../electron/ipc/contract';
import { ApiError, call, onEvent } from '../api/api';
import { formatDicomDate } from './formatDicom';

type PeerRow = Response<'pacs:peers'>['peers'][number];
type Study = Response<'pacs:find'>['studies'][number];
type Series = Response<'pacs:series'>['series'][number];
type Progress = { status: string; done: number; total: number; failed: number; message: string; folder: string | null };

interface Props {
  busy: boolean;
  /** The SEG the reader exported last (export:seg), or null. */
  segPath: string | null;
  /** Opens a retrieved series folder like a local one (discover + load). */
  onOpenFolder: (folder: string) => void;
}

function errText(e: unknown): string {
  return e instanceof ApiError ? `[${e.code}] ${e.message}` : e instanceof Error ? e.message : String(e);
}

/** Connect to an archive (DICOMweb or DIMSE), search, retrieve a picked series, send the exported SEG back. */
export function PacsPanel(p: Props) {
  const [peers, setPeers] = useState<PeerRow[]>([]);
  const [peer, setPeer] = useState('');
  const [form, setForm] = useState({ kind: 'dicomweb', name: '', baseUrl: '', user: '', secret: '', aeTitle: '', host: '', port: '104', callingAeTitle: 'SDPM' });
  const [q, setQ] = useState({ patientId: '', patientName: '', accessionNumber: '', dateFrom: '', dateTo: '', modality: '' });
  const [studies, setStudies] = useState<Study[] | null>(null);
  const [series, setSeries] = useState<{ study: string; list: Series[] } | null>(null);
  const [job, setJob] = useState<{ id: string; progress: Progress | null } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);

  const refresh = async (): Promise<void> => {
    const r = await call('pacs:peers', {});
    setPeers(r.peers);
    if (peer === '' && r.peers[0] !== undefined) setPeer(r.peers[0].peer.name);
  };
  useEffect(() => {
    refresh().catch((e: unknown) => setStatus(errText(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once at start
  }, []);
  const openFolder = useRef(p.onOpenFolder);
  openFolder.current = p.onOpenFolder;
  useEffect(
    () =>
      onEvent('pacs:progress', (e) => {
        setJob((j) => (j !== null && j.id === e.jobId ? { id: j.id, progress: e } : j));
        if (e.status === 'complete' && e.folder !== null) openFolder.current(e.folder);
      }),
    [],
  );

  const guard = (f: () => Promise<void>) => () => {
    setStatus(null);
    f().catch((e: unknown) => setStatus(errText(e)));
  };
  const save = guard(async () => {
    const t = { timeoutMs: 30_000 };
    const pr: Request<'pacs:savePeer'>['peer'] =
      form.kind === 'dicomweb'
        ? { kind: 'dicomweb', name: form.name, baseUrl: form.baseUrl, auth: form.user === '' ? { type: 'none' } : { type: 'basic', username: form.user }, ...t }
        : { kind: 'dimse', name: form.name, aeTitle: form.aeTitle, host: form.host, port: Number(form.port), callingAeTitle: form.callingAeTitle, ...t };
    const r = await call('pacs:savePeer', form.secret === '' ? { peer: pr } : { peer: pr, secret: form.secret });
    setForm({ ...form, secret: '' });
    setPeer(form.name);
    setStatus(`Saved ${r.label}`);
    await refresh();
  });
  const search = guard(async () => {
    const req: Request<'pacs:find'> = { peer, limit: 50 };
    for (const [k, v] of Object.entries(q)) if (v.trim() !== '') (req as Record<string, unknown>)[k] = v.trim();
    setSeries(null);
    setStudies((await call('pacs:find', req)).studies);
  });
  const field = (key: keyof typeof form, label: string, type = 'text') => (
    <label>
      {label} <input data-testid={`pacs-${key}`} type={type} value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </label>
  );
  const qField = (key: keyof typeof q, label: string) => (
    <label>
      {label} <input data-testid={`pacs-q-${key}`} value={q[key]} onChange={(e) => setQ({ ...q, [key]: e.target.value })} />
    </label>
  );

  return (
    <section className="panel" data-testid="pacs-panel">
      <h2>PACS</h2>
      <details>
        <summary>Connection</summary>
        <select data-testid="pacs-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value })}>
          <option value="dicomweb">DICOMweb</option>
          <option value="dimse">DIMSE</option>
        </select>
        {field('name', 'Name')}
        {form.kind === 'dicomweb' ? (
          <>
            {field('baseUrl', 'Base URL')}
            {field('user', 'User (basic auth)')}
            {field('secret', 'Password', 'password')}
          </>
        ) : (
          <>
            {field('aeTitle', 'Archive AE')}
            {field('host', 'Host')}
            {field('port', 'Port')}
            {field('callingAeTitle', 'Our AE')}
          </>
        )}
        <button type="button" data-testid="pacs-save" onClick={save}>
          Save connection
        </button>
      </details>
      <div className="row">
        <select data-testid="pacs-peer" value={peer} onChange={(e) => setPeer(e.target.value)}>
          {peers.map((r) => (
            <option key={r.peer.name} value={r.peer.name} title={r.label}>
              {r.peer.name}
              {r.hasSecret ? '' : ' (no password)'}
            </option>
          ))}
        </select>
      </div>
      {qField('patientId', 'Patient ID')}
      {qField('patientName', 'Name')}
      {qField('accessionNumber', 'Accession')}
      {qField('dateFrom', 'From (YYYYMMDD)')}
      {qField('dateTo', 'To')}
      {qField('modality', 'Modality')}
      <button type="button" data-testid="pacs-search" disabled={peer === '' || p.busy} onClick={search}>
        Search
      </button>
      {studies !== null && (
        <ul className="series-list" data-testid="pacs-studies">
          {studies.length === 0 && <li>No study found.</li>}
          {studies.map((s) => (
            <li key={s.studyInstanceUid}>
              <button type="button" data-testid="pacs-study" onClick={guard(async () => setSeries({ study: s.studyInstanceUid, list: (await call('pacs:series', { peer, studyInstanceUid: s.studyInstanceUid })).series }))}>
                {s.patientName || s.patientId} · {formatDicomDate(s.studyDate)} · {s.modalities.join('/')} · {s.seriesCount ?? '?'} series
              </button>
            </li>
          ))}
        </ul>
      )}
      {series !== null && (
        <ul className="series-list" data-testid="pacs-series">
          {series.list.map((s) => (
            <li key={s.seriesInstanceUid}>
              {s.modality} #{s.seriesNumber ?? '-'} {s.seriesDescription} ({s.instanceCount ?? '?'} images){' '}
              <button
                type="button"
                data-testid="pacs-retrieve"
                disabled={p.busy || (job !== null && job.progress?.status === 'running')}
                onClick={guard(async () => setJob({ id: (await call('pacs:retrieve', { peer, studyInstanceUid: series.study, seriesInstanceUid: s.seriesInstanceUid })).jobId, progress: null }))}
              >
                Retrieve
              </button>
            </li>
          ))}
        </ul>
      )}
      {job !== null && (
        <div data-testid="pacs-progress" data-status={job.progress?.status ?? 'starting'}>
          {job.progress === null ? 'Starting…' : job.progress.status === 'running' ? `Retrieving ${job.progress.done}/${job.progress.total}` : job.progress.message}
          {job.progress?.status === 'running' && (
            <button type="button" onClick={guard(async () => void (await call('pacs:cancel', { jobId: job.id })))}>
              Cancel
            </button>
          )}
        </div>
      )}
      <button type="button" data-testid="pacs-send" disabled={p.segPath === null || peer === '' || p.busy} onClick={guard(async () => setSent((await call('pacs:send', { peer, segPath: p.segPath ?? '' })).message))}>
        Send exported SEG to {peer || 'archive'}
      </button>
      {sent !== null && (
        <div role="status" data-testid="pacs-send-result">
          {sent}
        </div>
      )}
      {status !== null && (
        <div role="alert" data-testid="pacs-status">
          {status}
        </div>
      )}
    </section>
  );
}
