import { test } from 'node:test';
import assert from 'node:assert/strict';
import { etaText, formatDuration, progressText } from '../../../../renderer/src/run/progressText';

test('durations are whole seconds and never read "9 min 60 s"', () => {
  assert.equal(formatDuration(599.4), '10 min');
  assert.equal(formatDuration(539.2), '9 min');
  assert.equal(formatDuration(540.5), '9 min 1 s');
  assert.equal(formatDuration(59.5), '1 min');
  assert.equal(formatDuration(12.1), '13 s');
});

test('no estimate until 5% of the run is done', () => {
  assert.equal(etaText(0.01, 1180), 'estimating time left…');
  assert.equal(etaText(0.2, 400), 'about 6 min 40 s left');
  assert.equal(etaText(0.5, null), 'estimating time left…');
});

test('the progress line shows the percentage and the slices done once there are any', () => {
  assert.equal(progressText({ stage: 'sampling', fraction: 0.42, etaS: 30, slicesDone: 0, slicesTotal: 56 }), 'sampling · 42% · 56 slices · about 30 s left');
  assert.equal(progressText({ stage: 'sampling', fraction: 0.5, etaS: 30, slicesDone: 28, slicesTotal: 56 }), 'sampling · 50% · 28/56 slices done · about 30 s left');
});
