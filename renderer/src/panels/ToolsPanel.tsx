import type { EditMode } from '../viewer/ViewerController';
import { shortcutLabel, type EditAction } from '../segmentation/editShortcuts';

const NAMES: Record<EditMode, string> = {
  navigate: 'Navigate',
  brush: 'Brush',
  eraser: 'Eraser',
  threshold: 'Threshold brush',
  fill: 'Fill',
  contour: 'Edit outline',
};

/** "Name (K)" with the key from the shortcut table, so labels and the key handler cannot disagree. */
function withKey(name: string, match: (a: EditAction) => boolean): string {
  const key = shortcutLabel(match);
  return key === null ? name : `${name} (${key})`;
}

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
  onFillHoles: () => void;
  onRemoveIslands: () => void;
  onInterpolate: () => void;
}

export function ToolsPanel(p: Props) {
  return (
    <section className="panel">
      <h2>Edit</h2>
      <div className="row wrap">
        {(Object.keys(NAMES) as EditMode[]).map((m) => (
          <button type="button" key={m} data-testid={`mode-${m}`} className={p.mode === m ? 'active' : ''} disabled={!p.enabled} onClick={() => p.onMode(m)}>
            {withKey(NAMES[m], (a) => a.kind === 'mode' && a.mode === m)}
          </button>
        ))}
      </div>
      <label>
        <input type="checkbox" aria-label="3-D brush" checked={p.brush3d} onChange={(e) => p.onBrush3d(e.target.checked)} /> {withKey('3-D brush (sphere)', (a) => a.kind === 'toggle3d')}
      </label>
      <label title="+ / - change the radius by 1 mm">
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
        <button type="button" data-testid="fill-holes" disabled={!p.enabled} onClick={p.onFillHoles} title="Fill background enclosed by lesion, slice by slice">
          {withKey('Fill holes', (a) => a.kind === 'fillHoles')}
        </button>
        <button type="button" data-testid="remove-islands" disabled={!p.enabled} onClick={p.onRemoveIslands} title="Remove lesion fragments smaller than 10 voxels">
          {withKey('Remove islands', (a) => a.kind === 'removeIslands')}
        </button>
        <button type="button" data-testid="interpolate" disabled={!p.enabled} onClick={p.onInterpolate} title="Fill empty axial slices between drawn slices (shape-based)">
          {withKey('Interpolate slices', (a) => a.kind === 'interpolate')}
        </button>
      </div>
    </section>
  );
}
