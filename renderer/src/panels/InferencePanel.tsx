import { useState } from 'react';
import type { EventPayload, Request, Response } from '../../../electron/ipc/contract';
import { progressText } from '../run/progressText';

type Settings = Request<'inference:start'>['settings'];
type Mode = Settings['mode'];

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


export function InferencePanel(p: Props) {
  const defaults = p.options?.defaults;
  const [mode, setMode] = useState<Mode | null>(null);
  const [profile, setProfile] = useState<string | null>(null);
  const [nSamples, setNSamples] = useState<number | null>(null);
  const [seed, setSeed] = useState<number | null>(null);
  const modeNow: Mode = mode ?? defaults?.mode ?? 'sal';
  const profileNow = profile ?? defaults?.profile ?? null;
  const option = p.options?.options.find((o) => o.mode === modeNow);
  const profileInfo = p.options?.profiles.find((x) => x.name === profileNow);
  const samplesNow = nSamples ?? p.options?.defaultSamples ?? 1;
  const seedNow = seed ?? defaults?.seed ?? 0;
  const sampling = modeNow !== 'avg';
  return (
    <section className="panel">
      <h2>SDPM</h2>
      {p.unavailable !== null && <p className="warn">{p.unavailable}</p>}
      {p.options !== null && (
        <>
          <label>
            Output{' '}
            <select aria-label="SDPM mode" value={modeNow} onChange={(e) => setMode(e.target.value as Mode)} disabled={p.running}>
              {p.options.options.map((o) => (
                <option key={o.mode} value={o.mode} title={o.explanation}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
          {option !== undefined && (
            <p className="muted" title={option.explanation}>
              {option.explanation}
            </p>
          )}
          <label>
            Profile{' '}
            <select aria-label="Run profile" value={profileNow ?? ''} onChange={(e) => setProfile(e.target.value)} disabled={p.running}>
              {p.options.profiles.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.name}
                  {x.approximation ? ' (approximation)' : ''}
                </option>
              ))}
            </select>
          </label>
          {profileInfo !== undefined && profileInfo.notes !== '' && <p className="muted">{profileInfo.notes}</p>}
          <div className="row">
            <label title="More samples give a steadier mean and a better uncertainty map, and take proportionally longer.">
              Samples{' '}
              <input aria-label="Samples" type="number" min={1} max={200} value={samplesNow} disabled={p.running || !sampling} onChange={(e) => setNSamples(Number(e.target.value))} style={{ width: '4em' }} />
            </label>
            <label title="The same study, model, settings and seed give the same result.">
              Seed <input aria-label="Seed" type="number" min={0} value={seedNow} onChange={(e) => setSeed(Number(e.target.value))} disabled={p.running} style={{ width: '6em' }} />
            </label>
          </div>
          <div className="row">
            <button
              type="button"
              data-testid="run-sdpm"
              disabled={!p.canRun || p.running}
              onClick={() => p.onRun({ mode: modeNow, profile: profileNow, seed: seedNow, ...(sampling && nSamples !== null ? { nSamples } : {}) })}
            >
              Run SDPM
            </button>
            {p.running && (
              <button type="button" data-testid="cancel-sdpm" onClick={p.onCancel}>
                Cancel
              </button>
            )}
          </div>
        </>
      )}
      {p.progress !== null && p.running && (
        <div data-testid="inference-progress">
          <progress max={1} value={p.progress.fraction} style={{ width: '100%' }} />
          <div className="muted" data-testid="progress-text">
            {progressText(p.progress)}
          </div>
        </div>
      )}
      {p.finished !== null && !p.running && (
        <div className={p.finished.status === 'done' ? 'muted' : 'warn'} data-testid="inference-finished">
          {p.finished.status === 'done' && `Done in ${p.finished.elapsedS.toFixed(1)} s on ${p.finished.provider?.toUpperCase() ?? 'unknown provider'}.`}
          {p.finished.status === 'cancelled' && 'Cancelled.'}
          {p.finished.status === 'failed' && `Failed: ${p.finished.error?.message ?? 'unknown error'}`}
        </div>
      )}
    </section>
  );
}
