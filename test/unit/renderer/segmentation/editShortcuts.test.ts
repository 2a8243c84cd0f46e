import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EDIT_KEYS, editActionForKey, RESERVED_KEYS, shortcutLabel, type EditAction, type KeyLike } from '../../../../renderer/src/segmentation/editShortcuts';
import type { EditMode } from '../../../../renderer/src/viewer/ViewerController';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

// A Record over EditMode: adding a mode without listing it here is a type error.
const MODES: Record<EditMode, true> = { navigate: true, brush: true, eraser: true, threshold: true, fill: true, contour: true };

test('every editing mode and every whole-labelmap tool has a shortcut', () => {
  for (const mode of Object.keys(MODES) as EditMode[]) {
    const label = shortcutLabel((a) => a.kind === 'mode' && a.mode === mode);
    assert.ok(label !== null, `no key for ${mode}`);
    assert.deepEqual(editActionForKey(key(label.toLowerCase())), { kind: 'mode', mode });
  }
  const kinds: Array<EditAction['kind']> = ['toggle3d', 'radius', 'fillHoles', 'removeIslands', 'interpolate'];
  for (const kind of kinds) assert.ok(shortcutLabel((a) => a.kind === kind) !== null, `no key for ${kind}`);
});

test('the expected keys: B brush, E eraser, T threshold, F fill, C outline, N navigate, 3 3-D, H holes, X islands, I interpolate', () => {
  assert.deepEqual(editActionForKey(key('b')), { kind: 'mode', mode: 'brush' });
  assert.deepEqual(editActionForKey(key('B', { shiftKey: true })), { kind: 'mode', mode: 'brush' }, 'case-insensitive');
  assert.deepEqual(editActionForKey(key('e')), { kind: 'mode', mode: 'eraser' });
  assert.deepEqual(editActionForKey(key('t')), { kind: 'mode', mode: 'threshold' });
  assert.deepEqual(editActionForKey(key('f')), { kind: 'mode', mode: 'fill' });
  assert.deepEqual(editActionForKey(key('c')), { kind: 'mode', mode: 'contour' });
  assert.deepEqual(editActionForKey(key('n')), { kind: 'mode', mode: 'navigate' });
  assert.deepEqual(editActionForKey(key('3')), { kind: 'toggle3d' });
  assert.deepEqual(editActionForKey(key('h')), { kind: 'fillHoles' });
  assert.deepEqual(editActionForKey(key('x')), { kind: 'removeIslands' });
  assert.deepEqual(editActionForKey(key('i')), { kind: 'interpolate' });
  assert.deepEqual(editActionForKey(key('+')), { kind: 'radius', deltaMm: 1 });
  assert.deepEqual(editActionForKey(key('-')), { kind: 'radius', deltaMm: -1 });
});

test('undo is Ctrl/Cmd+Z, redo Ctrl/Cmd+Y or Ctrl/Cmd+Shift+Z', () => {
  assert.deepEqual(editActionForKey(key('z', { ctrlKey: true })), { kind: 'undo' });
  assert.deepEqual(editActionForKey(key('z', { metaKey: true })), { kind: 'undo' });
  assert.deepEqual(editActionForKey(key('Z', { ctrlKey: true, shiftKey: true })), { kind: 'redo' });
  assert.deepEqual(editActionForKey(key('y', { ctrlKey: true })), { kind: 'redo' });
  assert.deepEqual(editActionForKey(key('y', { metaKey: true })), { kind: 'redo' });
  assert.equal(editActionForKey(key('z')), null, 'plain z does nothing');
});

test('modified keys do not trigger tools (Ctrl+B, Alt+E, Ctrl+Alt+Z stay the browser\'s)', () => {
  assert.equal(editActionForKey(key('b', { ctrlKey: true })), null);
  assert.equal(editActionForKey(key('e', { altKey: true })), null);
  assert.equal(editActionForKey(key('z', { ctrlKey: true, altKey: true })), null);
  assert.equal(editActionForKey(key('q')), null);
});

test('no editing key collides with the review queue keys', () => {
  for (const k of RESERVED_KEYS) {
    assert.equal(EDIT_KEYS[k], undefined, `${k} is reserved for the review queue`);
    assert.equal(editActionForKey(key(k)), null);
  }
  for (const k of Object.keys(EDIT_KEYS)) assert.equal(k, k.toLowerCase(), `table keys are lower case (${k})`);
});
