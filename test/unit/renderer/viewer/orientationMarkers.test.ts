import { test } from 'node:test';
import assert from 'node:assert/strict';
import { directionLetters, orientationMarkers } from '../../../../renderer/src/viewer/orientationMarkers';

test('axial view (Cornerstone default camera): anterior up, patient left on screen right', () => {
  assert.deepEqual(orientationMarkers([0, -1, 0], [0, 0, -1]), { top: 'A', bottom: 'P', left: 'R', right: 'L' });
});

test('coronal and sagittal views: superior up', () => {
  assert.deepEqual(orientationMarkers([0, 0, 1], [0, -1, 0]), { top: 'S', bottom: 'I', left: 'R', right: 'L' });
  assert.deepEqual(orientationMarkers([0, 0, 1], [1, 0, 0]), { top: 'S', bottom: 'I', left: 'A', right: 'P' });
});

test('an oblique direction names its second axis when it is far enough off', () => {
  const t = (18.5 * Math.PI) / 180;
  assert.equal(directionLetters([0, -Math.cos(t), Math.sin(t)]), 'A');
  const t2 = (30 * Math.PI) / 180;
  assert.equal(directionLetters([0, -Math.cos(t2), Math.sin(t2)]), 'AS');
});
