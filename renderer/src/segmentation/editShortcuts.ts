/**
 * Keyboard shortcuts of the editing tools, as one pure table: the key handler, the tool buttons' titles
 * and the tests read the same map, so a tool cannot lose its shortcut silently. Keys are case-insensitive
 * single characters; `[`, `]` and `r` belong to the review queue (App) and are never used here.
 */
import type { EditMode } from '../viewer/ViewerController';

export type EditAction =
  | { kind: 'mode'; mode: EditMode }
  | { kind: 'undo' }
  | { kind: 'redo' }
  | { kind: 'toggle3d' }
  | { kind: 'radius'; deltaMm: number }
  | { kind: 'fillHoles' }
  | { kind: 'removeIslands' }
  | { kind: 'interpolate' };

/** Plain keys (no Ctrl/Meta/Alt). */
export const EDIT_KEYS: Readonly<Record<string, EditAction>> = {
  n: { kind: 'mode', mode: 'navigate' },
  b: { kind: 'mode', mode: 'brush' },
  e: { kind: 'mode', mode: 'eraser' },
  t: { kind: 'mode', mode: 'threshold' },
  f: { kind: 'mode', mode: 'fill' },
  c: { kind: 'mode', mode: 'contour' },
  '3': { kind: 'toggle3d' },
  '+': { kind: 'radius', deltaMm: 1 },
  '=': { kind: 'radius', deltaMm: 1 },
  '-': { kind: 'radius', deltaMm: -1 },
  h: { kind: 'fillHoles' },
  x: { kind: 'removeIslands' },
  i: { kind: 'interpolate' },
};

/** Keys the review queue owns (App.tsx); the editing table must not use them. */
export const RESERVED_KEYS: readonly string[] = ['[', ']', 'r'];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The editing action for a key press, or null. Undo: Ctrl/Cmd+Z; redo: Ctrl/Cmd+Y or Ctrl/Cmd+Shift+Z. */
export function editActionForKey(e: KeyLike): EditAction | null {
  const key = e.key.toLowerCase();
  if (e.ctrlKey || e.metaKey) {
    if (e.altKey) return null;
    if (key === 'z') return e.shiftKey ? { kind: 'redo' } : { kind: 'undo' };
    if (key === 'y' && !e.shiftKey) return { kind: 'redo' };
    return null;
  }
  if (e.altKey) return null;
  return EDIT_KEYS[key] ?? null;
}

/** The key that triggers an action (first in table order), upper-cased for display, or null. */
export function shortcutLabel(match: (a: EditAction) => boolean): string | null {
  const hit = Object.entries(EDIT_KEYS).find(([, a]) => match(a));
  return hit === undefined ? null : hit[0].toUpperCase();
}
