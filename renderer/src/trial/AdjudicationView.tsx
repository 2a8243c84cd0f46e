/**
 * The adjudicator's view: both signed reads side by side (volumes, lesions, signatures; readers shown
 * as A and B), both contours on the same slices of the study (drawn by the server from the signed SEGs:
 * A red, B cyan), the rule's explanation, and the decision (A, B, or the adjudicator's own signed read)
 * with a mandatory reason.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorText, list, text, trialCall } from './trialApi';

/** The comparison images as object URLs, revoked when the view changes. */
function useImageUrls(view: Record<string, unknown> | null): { title: string; caption: string; url: string }[] {
  const images = useMemo(() => {
    if (view === null || !Array.isArray(view.comparison)) return [];
    return (view.comparison as Record<string, unknown>[]).flatMap((c) => (c.png instanceof Uint8Array ? [{ title: text(c.title), caption: text(c.caption), url: URL.createObjectURL(new Blob([c.png as Uint8Array<ArrayBuffer>], { type: 'image/png' })) }] : []));
  }, [view]);
  useEffect(() => () => images.forEach((i) => URL.revokeObjectURL(i.url)), [images]);
  return images;
}

export function AdjudicationView({ taskId }: { taskId: string; printedName: string }) {
  const [view, setView] = useState<Record<string, unknown> | null>(null);
  const [choice, setChoice] = useState<'A' | 'B' | 'own'>('A');
  const [reason, setReason] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setView(await trialCall('trial:adjudicationView', { taskId }));
    } catch (err) {
      setError(errorText(err));
    }
  }, [taskId]);
  useEffect(() => void load(), [load]);
  const decide = async () => {
    setError(null);
    try {
      const r = await trialCall('trial:decide', { taskId, choice, reason });
      setResult(`final volume ${text(r.finalVolumeMl)} mL (read ${choice})`);
    } catch (err) {
      setError(errorText(err));
    }
  };
  const reads = view === null ? [] : list(view, 'reads');
  const images = useImageUrls(view);
  return (
    <div className="trial-card" data-testid="trial-adjudication">
      <h2>Adjudication — {text(view?.studyCode)}</h2>
      <p>{text(view?.explanation)}</p>
      <div className="trial-columns">
        {reads.map((r) => {
          const m = r.measurements as Record<string, unknown> | undefined;
          const sig = r.signature as Record<string, unknown> | null;
          return (
            <div key={text(r.label)} className="trial-card" data-testid={`trial-read-${text(r.label)}`}>
              <h3>Read {text(r.label)}</h3>
              <p className="trial-big">{text(r.volumeMl)} mL</p>
              <p>{r.volumeSource === 'seg' ? 'measured from the SEG on the study images' : 'volume as sent by the app'}</p>
              <p>{Array.isArray(m?.lesions) ? `${m.lesions.length} lesion(s)` : ''} · SEG {text(r.segUid)}</p>
              <p>{sig === null ? 'not signed' : `signed: ${text(sig.meaning)}, ${text(sig.signedAtUtc)} UTC`}</p>
            </div>
          );
        })}
      </div>
      <div className="trial-columns" data-testid="trial-contours">
        {images.map((im) => (
          <figure key={im.url} className="trial-figure">
            <img src={im.url} alt={im.title} />
            <figcaption>
              <strong>{im.title}</strong>
              <br />
              {im.caption}
            </figcaption>
          </figure>
        ))}
        {view !== null && typeof view.comparisonNote === 'string' && <p className="muted">{view.comparisonNote}</p>}
      </div>
      <label>
        Final read{' '}
        <select aria-label="final read" value={choice} onChange={(e) => setChoice(e.target.value as 'A' | 'B' | 'own')}>
          <option value="A">Read A</option>
          <option value="B">Read B</option>
          <option value="own">My own signed read</option>
        </select>
      </label>
      <input aria-label="decision reason" placeholder="reason (required)" value={reason} onChange={(e) => setReason(e.target.value)} />
      <button onClick={() => void decide()}>Decide</button>
      {result !== null && <p data-testid="trial-decided">{result}</p>}
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}
