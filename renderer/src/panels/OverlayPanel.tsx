import { UNCERTAINTY_COLOURS, UNCERTAINTY_MIN_FRACTION } from '../viewer/uncertaintyScale';

interface Props {
  hasProbability: boolean;
  threshold: number;
  onThreshold: (t: number) => void;
  hasUncertainty: boolean;
  showUncertainty: boolean;
  onShowUncertainty: (on: boolean) => void;
  uncertaintyOpacity: number;
  onUncertaintyOpacity: (a: number) => void;
  /** Largest uncertainty of the run (top of the colour bar); 0 before the map is shown. */
  uncertaintyMax: number;
  edited: boolean;
}

const rgb = (c: readonly [number, number, number]) => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

/** Colour bar and legend of the uncertainty map: what the colours mean, in the run's own numbers. */
export function UncertaintyLegend({ max }: { max: number }) {
  const gradient = `linear-gradient(to right, ${UNCERTAINTY_COLOURS.map(rgb).join(', ')})`;
  return (
    <div className="legend" data-testid="uncertainty-legend">
      <div className="legend-scale">
        <div className="colour-bar" style={{ background: gradient }} />
        <div className="row legend-ticks">
          <span>{(UNCERTAINTY_MIN_FRACTION * max).toFixed(2)}</span>
          <span>{(max / 2).toFixed(2)}</span>
          <span>{max.toFixed(2)}</span>
        </div>
      </div>
      <div className="muted">
        Where the SDPM samples disagree about lesion or not (0 = all agree). Deep blue: some disagreement; light cyan: the most in this run. Below{' '}
        {(UNCERTAINTY_MIN_FRACTION * max).toFixed(2)} nothing is drawn. Blue shades are never the lesion: the lesion contour is the red line.
      </div>
    </div>
  );
}

export function OverlayPanel(p: Props) {
  return (
    <section className="panel">
      <h2>Overlays</h2>
      <label title="The lesion mask is every voxel whose mean probability over the SDPM samples reaches this threshold.">
        Probability threshold {p.threshold.toFixed(2)}
        <input
          type="range"
          aria-label="Probability threshold"
          min={0.05}
          max={0.95}
          step={0.05}
          value={p.threshold}
          disabled={!p.hasProbability}
          onChange={(e) => p.onThreshold(Number(e.target.value))}
        />
      </label>
      {p.edited && p.hasProbability && <p className="muted">Moving the threshold re-derives the mask and replaces manual edits (undo restores them).</p>}
      <label title="Off by default: turn it on to see where the model was unsure.">
        <input type="checkbox" aria-label="Uncertainty map" checked={p.showUncertainty} disabled={!p.hasUncertainty} onChange={(e) => p.onShowUncertainty(e.target.checked)} /> Uncertainty map
      </label>
      {p.showUncertainty && p.hasUncertainty && (
        <>
          <label>
            Opacity
            <input type="range" aria-label="Uncertainty opacity" min={0} max={1} step={0.05} value={p.uncertaintyOpacity} onChange={(e) => p.onUncertaintyOpacity(Number(e.target.value))} />
          </label>
        </>
      )}
    </section>
  );
}
