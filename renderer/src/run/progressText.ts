/**
 * What the progress line says. The engine's first estimates are poor (it starts before the slow sampling
 * phase), so no time is given until enough of the run is done to extrapolate; after that the estimate is
 * whole seconds, never "9 min 60 s".
 */
/** Below this fraction of the run, no estimate is shown. */
export const MIN_FRACTION_FOR_ETA = 0.05;

export function formatDuration(seconds: number): string {
  const t = Math.max(0, Math.ceil(seconds));
  if (t < 60) return `${t} s`;
  const m = Math.floor(t / 60);
  const s = t % 60;
  return s === 0 ? `${m} min` : `${m} min ${s} s`;
}

export function etaText(fraction: number, etaS: number | null): string {
  if (etaS === null || fraction < MIN_FRACTION_FOR_ETA) return 'estimating time left…';
  return `about ${formatDuration(etaS)} left`;
}

export interface ProgressLike {
  stage: string;
  fraction: number;
  etaS: number | null;
  slicesDone: number;
  slicesTotal: number;
}

/** Slices finished, or (before the first slice is complete) the share of the network calls done. */
export function progressText(p: ProgressLike): string {
  const pct = `${Math.floor(p.fraction * 100)}%`;
  // The engine counts a slice as done when all its network calls are; early on, the percentage moves first.
  const slices = p.slicesTotal > 0 && p.slicesDone > 0 ? ` · ${p.slicesDone}/${p.slicesTotal} slices done` : p.slicesTotal > 0 ? ` · ${p.slicesTotal} slices` : '';
  return `${p.stage} · ${pct}${slices} · ${etaText(p.fraction, p.etaS)}`;
}
