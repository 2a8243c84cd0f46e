interface Props {
  hasProbability: boolean;
  threshold: number;
  onThreshold: (t: number) => void;
  hasUncertainty: boolean;
  showUncertainty: boolean;
  onShowUncertainty: (on: boolean) => void;
  uncertaintyOpacity: number;
  onUncertaintyOpacity: (a: number) => void;
  edited: boolean;
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
      <label>
        <input type="checkbox" checked={p.showUncertainty} disabled={!p.hasUncertainty} onChange={(e) => p.onShowUncertainty(e.target.checked)} /> Uncertainty map
      </label>
      <label>
        Opacity
        <input type="range" aria-label="Uncertainty opacity" min={0} max={1} step={0.05} value={p.uncertaintyOpacity} onChange={(e) => p.onUncertaintyOpacity(Number(e.target.value))} />
      </label>
    </section>
  );
}
