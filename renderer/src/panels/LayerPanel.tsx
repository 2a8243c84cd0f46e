/** Two masks after a run with kept edits: the one shown as the lesion labelmap, and the kept one (green outline). */
import type { KeptLayer } from '../hooks/useRun';

interface Props {
  layer: KeptLayer;
  onSwap: () => void;
  onVisible: (on: boolean) => void;
}

export function LayerPanel({ layer, onSwap, onVisible }: Props) {
  return (
    <section className="panel" data-testid="layer-panel">
      <h2>Compare masks</h2>
      <div className="muted">
        Shown and measured (red): <strong data-testid="layer-shown">{layer.shownName}</strong>.
        <br />
        Kept (green outline): <span data-testid="layer-kept">{layer.keptName}</span>.
      </div>
      <label>
        <input type="checkbox" aria-label="Show kept mask" checked={layer.visible} onChange={(e) => onVisible(e.target.checked)} /> Show the kept mask as a green outline
      </label>
      <button type="button" data-testid="layer-swap" onClick={onSwap} title="Use the kept mask instead (undo with Ctrl+Z)">
        Use {layer.keptName} instead
      </button>
    </section>
  );
}
