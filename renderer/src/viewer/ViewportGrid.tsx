import { useEffect, useRef } from 'react';
import { ViewerController, VIEWPORTS, type SliceInfo, type ViewportName } from './ViewerController';

interface Props {
  onReady: (controller: ViewerController | null) => void;
  sliceInfo: Partial<Record<ViewportName, SliceInfo>>;
}

const TITLES: Record<ViewportName, string> = { axial: 'Axial', coronal: 'Coronal', sagittal: 'Sagittal' };

/** The three orthogonal viewports; creates the ViewerController once its elements exist. */
export function ViewportGrid({ onReady, sliceInfo }: Props) {
  const refs = useRef<Partial<Record<ViewportName, HTMLDivElement | null>>>({});
  useEffect(() => {
    const els = refs.current;
    const axial = els.axial;
    const coronal = els.coronal;
    const sagittal = els.sagittal;
    if (!axial || !coronal || !sagittal) return undefined;
    const controller = new ViewerController({ axial, coronal, sagittal });
    const observer = new ResizeObserver(() => controller.resize());
    for (const el of [axial, coronal, sagittal]) observer.observe(el);
    onReady(controller);
    return () => {
      observer.disconnect();
      onReady(null);
      controller.destroy();
    };
  }, [onReady]);
  return (
    <div className="viewports">
      {VIEWPORTS.map((name) => {
        const s = sliceInfo[name];
        return (
          <div className="viewport-frame" key={name}>
            <div
              className="viewport"
              data-testid={`viewport-${name}`}
              ref={(el) => {
                refs.current[name] = el;
              }}
              onContextMenu={(e) => e.preventDefault()}
            />
            <div className="viewport-label">
              {TITLES[name]}
              {s !== undefined && (
                <span data-testid={`slice-${name}`} data-position-mm={s.positionMm.toFixed(2)}>
                  {' '}
                  · slice {s.slice}/{s.nSlices} · {s.positionMm.toFixed(1)} mm
                </span>
              )}
            </div>
            {s !== undefined && (
              <div className="markers" data-testid={`markers-${name}`} aria-label={`${TITLES[name]} orientation`}>
                <span className="marker top">{s.markers.top}</span>
                <span className="marker bottom">{s.markers.bottom}</span>
                <span className="marker left">{s.markers.left}</span>
                <span className="marker right">{s.markers.right}</span>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}
