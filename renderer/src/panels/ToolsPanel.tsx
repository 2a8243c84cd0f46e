import type { EditMode } from '../viewer/ViewerController';

export const MODE_KEYS: Record<string, EditMode> = { n: 'navigate', b: 'brush', e: 'eraser', t: 'threshold', f: 'fill', c: 'contour' };
const LABELS: Record<EditMode, string> = {
  navigate: 'Navigate (N)',
  brush: 'Brush (B)',
  eraser: 'Eraser (E)',
  threshold: 'Threshold brush (T)',
  fill: 'Fill (F)',
  contour: 'Edit outline (C)',
};

interface Props {
  enabled: boolean;
  mode: EditMode;
  onMode: (m: EditMode) => void;
  brush3d: boolean;
  onBrush3d: (on: boolean) => void;
  radiusMm: number;
  onRadius: (mm: number) => void;
  huRange: [number, number];
  onHuRange: (r: [number, number]) => void;
  onUndo: () => void;
  onRedo: () => void;
  onRemoveIslands: () => void;
  onInterpolate: () => void;
}

export function ToolsPanel(p: Props) {
  return (
    <section className="panel">
      <h2>Edit</h2>
      <div className="row wrap">
        {(Object.keys(LABELS) as EditMode[]).map((m) => (
          <button type="button" key={m} data-testid={`mode-${m}`} className={p.mode === m ? 'active' : ''} disabled={!p.enabled} onClick={() => p.onMode(m)}>
            {LABELS[m]}
          </button>
        ))}
      </div>
      <label>
        <input type="checkbox" checked={p.brush3d} onChange={(e) => p.onBrush3d(e.target.checked)} /> 3-D brush (sphere)
      </label>
      <label>
        Radius {p.radiusMm} mm
        <input type="range" aria-label="Brush radius" min={1} max={30} step={1} value={p.radiusMm} onChange={(e) => p.onRadius(Number(e.target.value))} />
      </label>
      <div className="row">
        HU range{' '}
        <input type="number" aria-label="Threshold low HU" value={p.huRange[0]} onChange={(e) => p.onHuRange([Number(e.target.value), p.huRange[1]])} style={{ width: '5em' }} />
        –
        <input type="number" aria-label="Threshold high HU" value={p.huRange[1]} onChange={(e) => p.onHuRange([p.huRange[0], Number(e.target.value)])} style={{ width: '5em' }} />
      </div>
      <div className="row wrap">
        <button type="button" disabled={!p.enabled} onClick={p.onUndo} title="Ctrl+Z">
          Undo
        </button>
        <button type="button" disabled={!p.enabled} onClick={p.onRedo} title="Ctrl+Y / Ctrl+Shift+Z">
          Redo
        </button>
        <button type="button" disabled={!p.enabled} onClick={p.onRemoveIslands} title="Remove lesion fragments smaller than 10 voxels">
          Remove islands
        </button>
        <button type="button" disabled={!p.enabled} onClick={p.onInterpolate} title="Fill empty axial slices between drawn slices (shape-based)">
          Interpolate slices
        </button>
      </div>
    </section>
  );
}
