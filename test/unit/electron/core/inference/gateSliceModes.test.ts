import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gateModeMaps, gateSliceModes } from '../../../../../electron/core/inference/gateSliceModes';
import type { SliceModes } from '../../../../../electron/core/sdpm/sampleSlices';

test('gateSliceModes: masks ANDed, p and every sample multiplied by the gate, inputs untouched; null gate = identity', () => {
  const gate = Uint8Array.from([1, 0, 1, 0]);
  const mm = (): { p: Float32Array; mask: Uint8Array } => ({ p: Float32Array.from([0.9, 0.8, 0.2, 0.7]), mask: Uint8Array.from([1, 1, 0, 1]) });
  const r: SliceModes = { sliceIndex: 3, avg: mm(), sal: mm(), infer: mm(), all: mm(), salSamples: [Float32Array.from([0.6, 0.6, 0.6, 0.6])], inferSamples: [Float32Array.from([0.1, 0.9, 0.1, 0.9])] };
  const g = gateSliceModes(r, gate);
  for (const k of ['avg', 'sal', 'infer', 'all'] as const) {
    assert.deepEqual(Array.from(g[k]?.mask ?? []), [1, 0, 0, 0]);
    assert.deepEqual(Array.from(g[k]?.p ?? []), [Math.fround(0.9), 0, Math.fround(0.2), 0]);
  }
  assert.deepEqual(Array.from(g.salSamples[0] ?? []), [Math.fround(0.6), 0, Math.fround(0.6), 0]);
  assert.deepEqual(Array.from(g.inferSamples[0] ?? []), [Math.fround(0.1), 0, Math.fround(0.1), 0]);
  assert.equal(g.sliceIndex, 3);
  assert.deepEqual(Array.from(r.avg?.mask ?? []), [1, 1, 0, 1], 'input not modified');
  assert.equal(gateSliceModes(r, null), r);
  const a = mm();
  assert.equal(gateModeMaps(a, null), a);
});
