import { useState } from 'react';
import { WINDOW_PRESETS } from '../viewer/windowPresets';

export function WindowBar({ onWindow }: { onWindow: (levelHu: number, widthHu: number) => void }) {
  const [active, setActive] = useState('brain');
  const [level, setLevel] = useState(40);
  const [width, setWidth] = useState(80);
  return (
    <div className="row window-bar" role="toolbar" aria-label="Window presets">
      {WINDOW_PRESETS.map((p) => (
        <button
          type="button"
          key={p.id}
          className={active === p.id ? 'active' : ''}
          title={`Level ${p.levelHu} HU, width ${p.widthHu} HU`}
          onClick={() => {
            setActive(p.id);
            setLevel(p.levelHu);
            setWidth(p.widthHu);
            onWindow(p.levelHu, p.widthHu);
          }}
        >
          {p.label}
        </button>
      ))}
      <label>
        L <input type="number" value={level} onChange={(e) => setLevel(Number(e.target.value))} style={{ width: '5em' }} />
      </label>
      <label>
        W <input type="number" min={1} value={width} onChange={(e) => setWidth(Number(e.target.value))} style={{ width: '5em' }} />
      </label>
      <button
        type="button"
        className={active === 'custom' ? 'active' : ''}
        onClick={() => {
          setActive('custom');
          onWindow(level, Math.max(1, width));
        }}
      >
        Custom
      </button>
      <span className="muted">Shift+drag: window · wheel: scroll · right-drag: zoom · middle-drag: pan</span>
    </div>
  );
}
