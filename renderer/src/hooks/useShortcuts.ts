/** Keyboard shortcuts (one concern): editing tools (segmentation/editShortcuts.ts) and the review queue. */
import { useEffect } from 'react';
import { editActionForKey } from '../segmentation/editShortcuts';
import type { ViewerController } from '../viewer/ViewerController';
import type { EditTools } from './useEditTools';

export interface ShortcutActions {
  fillHoles: () => void;
  removeIslands: () => void;
  interpolate: () => void;
  nextRegion: () => void;
  previousRegion: () => void;
  markReviewed: () => void;
}

/** Keys typed into a text or number field are the field's; checkboxes, sliders and buttons keep the shortcuts. */
export function isTyping(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (el === null || typeof el.tagName !== 'string') return false;
  return el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['checkbox', 'range', 'button', 'radio'].includes((el as HTMLInputElement).type));
}

export function useShortcuts(controller: ViewerController | null, editingAllowed: boolean, tools: EditTools, actions: ShortcutActions): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e.target)) return;
      if (e.key === ']') return actions.nextRegion();
      if (e.key === '[') return actions.previousRegion();
      if (e.key === 'r' && !e.ctrlKey && !e.metaKey) return actions.markReviewed();
      if (controller === null || !editingAllowed) return;
      const action = editActionForKey(e);
      if (action === null) return;
      e.preventDefault();
      switch (action.kind) {
        case 'undo':
          return controller.undo();
        case 'redo':
          return controller.redo();
        case 'mode':
          return tools.setMode(action.mode);
        case 'toggle3d':
          return tools.setBrush3d(!tools.brush3d);
        case 'radius':
          return tools.setRadiusMm(tools.radiusMm + action.deltaMm);
        case 'fillHoles':
          return actions.fillHoles();
        case 'removeIslands':
          return actions.removeIslands();
        case 'interpolate':
          return actions.interpolate();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });
}
