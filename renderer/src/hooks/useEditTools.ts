/** Editing tool settings (one concern): the active tool, 2-D/3-D, brush radius and the threshold brush's HU range. */
import { useCallback, useState } from 'react';
import type { EditMode, ViewerController } from '../viewer/ViewerController';
import { clampRadiusMm, orderedRange } from './toolSettings';

export function useEditTools(controller: ViewerController | null) {
  const [mode, setModeState] = useState<EditMode>('navigate');
  const [brush3d, setBrush3dState] = useState(false);
  const [radiusMm, setRadiusState] = useState(5);
  const [huRange, setHuRangeState] = useState<[number, number]>([45, 90]);

  const setMode = useCallback(
    (m: EditMode) => {
      controller?.setMode(m);
      setModeState(m);
    },
    [controller],
  );
  const setBrush3d = useCallback(
    (on: boolean) => {
      controller?.set3dBrush(on);
      setBrush3dState(on);
    },
    [controller],
  );
  const setRadiusMm = useCallback(
    (mm: number) => {
      const r = clampRadiusMm(mm);
      controller?.setBrushRadiusMm(r);
      setRadiusState(r);
    },
    [controller],
  );
  const setHuRange = useCallback(
    (r: [number, number]) => {
      const [lo, hi] = orderedRange(r);
      controller?.setThresholdRangeHu(lo, hi);
      setHuRangeState(r);
    },
    [controller],
  );
  return { mode, setMode, brush3d, setBrush3d, radiusMm, setRadiusMm, huRange, setHuRange };
}

export type EditTools = ReturnType<typeof useEditTools>;
