import { useState } from 'react';
import type { EventPayload, Request, Response } from '../../../electron/ipc/contract';

type Settings = Request<'inference:start'>['settings'];

interface Props {
  options: Response<'inference:options'> | null;
  unavailable: string | null;
  canRun: boolean;
  running: boolean;
  progress: EventPayload<'inference:progress'> | null;
  finished: EventPayload<'inference:finished'> | null;
  onRun: (settings: Settings) => void;
  onCancel: () => void;
}

function formatEta(s: number | null): string {
  if (s === null) return 'estimating…';
  if (s < 60) return `${Math.ceil(s)} s left`;
  return `${Math.floor(s / 60)} min ${Math.ceil(s % 60)} s left`;
}

export function InferencePanel(p: Props) {
  const defaults = p.options?.defaults;
  const [mode, setMode] = useState<string | null>(null);
  const [nSamples, setNSamples] = useState<number | null>(null);
  const [seed, setSeed] = useState<number | null>(null);
  const modeNow = mode ?? defaults?.mode ?? '';
  const option = p.options?.options.find((o) => o.mode === modeNow);
  const samplesNow = nSamples ?? option?.defaultSamples ?? defaults?.nSamples ?? 1;
  const seedNow = seed ?? defaults?.seed ?? 0;
  return (
    <section className="panel">
      <h2>SDPM</h2>
      {p.unavailable !== null && <p className="warn">{p.unavailable}</p>}
      {p.options !== null && (
        <>
          <label>
            Mode{' '}
            <select value={modeNow} onChange={(e) => setMode(e.target.value)} disabled={p.running}>
              {p.options.options.map((o) => (
                <option key={o.mode} value={o.mode}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          {option !== undefined && <p className="muted">{option.explanation}</p>}
          <label title="More samples give a steadier mean and a better uncertainty map, and take proportionally longer.">
            Samples <input type="number" min={1} max={64} value={samplesNow} onChange={(e) => setNSamples(Number(e.target.value))} disabled={p.running} style={{ width: '4em' }} />
          </label>{' '}
          <label title="The same study, model, settings and seed give the same result.">
            Seed <input type="number" min={0} value={seedNow} onChange={(e) => setSeed(Number(e.target.value))} disabled={p.running} style={{ width: '6em' }} />
          </label>
          <div className="row">
            <button type="button" data-testid="run-sdpm" disabled={!p.canRun || p.running} onClick={() => p.onRun({ mode: modeNow, nSamples: samplesNow, seed: seedNow })}>
              Run SDPM
            </button>
            {p.running && (
              <button type="button" onClick={p.onCancel}>
                Cancel
              </button>
            )}
          </div>
        </>
      )}
      {p.progress !== null && p.running && (
        <div data-testid="inference-progress">
          <progress max={1} value={p.progress.fraction} style={{ width: '100%' }} />
          <div className="muted">
            {p.progress.stage} · {Math.round(p.progress.fraction * 100)}% · {formatEta(p.progress.etaS)} · {p.progress.nSamplesDone} sample(s) done
            {p.progress.provider !== null && ` · ${p.progress.provider}`}
          </div>
        </div>
      )}
      {p.finished !== null && !p.running && (
        <div className={p.finished.status === 'done' ? 'muted' : 'warn'} data-testid="inference-finished">
          {p.finished.status === 'done' && `Done in ${p.finished.elapsedS.toFixed(1)} s on ${p.finished.provider ?? 'unknown provider'}.`}
          {p.finished.status === 'cancelled' && 'Cancelled.'}
          {p.finished.status === 'failed' && `Failed: ${p.finished.error?.message ?? 'unknown error'}`}
        </div>
      )}
    </section>
  );
}
