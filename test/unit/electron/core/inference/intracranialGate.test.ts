import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IntracranialGateSettings } from '../../../../../electron/core/bundle/Preprocessing';
import { intracranialGate } from '../../../../../electron/core/inference/intracranialGate';

const S = 64;
const cfg: IntracranialGateSettings = { boneHu: 150, minInteriorFraction: 0.1, softTissueHu: 0, maxPocketFraction: 0.1, growPixels: 1, hullFallback: true };
const r = (i: number): number => Math.hypot(Math.floor(i / S) - 31.5, (i % S) - 31.5);

/** Air, scalp (r 24..28, 40 HU), skull (r 20..24, 1000 HU; optional wedge gap on the right), brain (35 HU). */
function head(gapDeg = 0): Float64Array {
  const hu = new Float64Array(S * S);
  for (let i = 0; i < S * S; i++) {
    const ri = r(i);
    const ang = (Math.atan2(Math.floor(i / S) - 31.5, (i % S) - 31.5) * 180) / Math.PI;
    hu[i] = ri < 20 ? 35 : ri < 24 ? (gapDeg > 0 && Math.abs(ang) < gapDeg / 2 ? 40 : 1000) : ri < 28 ? 40 : -1000;
  }
  return hu;
}

test('intracranialGate: a closed skull keeps every brain pixel and no scalp pixel', () => {
  const g = intracranialGate(head(), S, cfg);
  assert.equal(g.rule, 'enclosed');
  let brainOut = 0;
  let scalpIn = 0;
  let boneIn = 0;
  let brain = 0;
  for (let i = 0; i < S * S; i++) {
    if (r(i) < 20) {
      brain++;
      if (g.gate[i] !== 1) brainOut++;
    }
    if (r(i) >= 24.5 && g.gate[i] === 1) scalpIn++;
    if (r(i) >= 20 && r(i) < 24 && g.gate[i] === 1) boneIn++;
  }
  assert.equal(brainOut, 0);
  assert.equal(scalpIn, 0);
  assert.ok(boneIn > 0, 'grown one pixel into the inner table');
  assert.equal(g.interiorPx, brain);
});

test('intracranialGate: an open ring (craniectomy-like) falls back to no gating', () => {
  const g = intracranialGate(head(60), S, cfg);
  assert.equal(g.rule, 'no-cavity');
  assert.ok(g.gate.every((v) => v === 1));
});

test('intracranialGate: brain beside an enclosed half (gap in its wall) is gated by the skull hull, or not at all', () => {
  const hu = head();
  for (let y = 0; y < S; y++) for (const x of [31, 32]) if (r(y * S + x) < 22) hu[y * S + x] = 1000;
  for (const y of [31, 32]) for (let x = 51; x < 56; x++) hu[y * S + x] = 40;
  const h = intracranialGate(hu, S, cfg);
  assert.equal(h.rule, 'skull-hull');
  for (let i = 0; i < S * S; i++) {
    if (r(i) < 20) assert.equal(h.gate[i], 1, 'brain kept');
    if (r(i) >= 24.5) assert.equal(h.gate[i], 0, 'scalp removed');
  }
  const g = intracranialGate(hu, S, { ...cfg, hullFallback: false });
  assert.equal(g.rule, 'tissue-outside-ring');
  assert.ok(g.pocketPx > 0 && g.gate.every((v) => v === 1));
  const g0 = intracranialGate(hu, S, { ...cfg, maxPocketFraction: 10 });
  assert.equal(g0.rule, 'enclosed');
  assert.equal(g0.gate[31 * S + 45], 0);
  assert.equal(g0.gate[31 * S + 18], 1);
});

test('intracranialGate: a separate head holder does not change the gate; HU equal to boneHu is not bone', () => {
  const plain = intracranialGate(head(), S, cfg);
  const hu = head();
  for (let y = 2; y < 62; y++) {
    hu[y * S + 1] = 900;
    hu[y * S + 62] = 900;
  }
  assert.deepEqual(intracranialGate(hu, S, cfg).gate, plain.gate);
  const at = head().map((v) => (v === 1000 ? 150 : v));
  assert.equal(intracranialGate(at, S, cfg).rule, 'no-cavity');
  assert.equal(intracranialGate(at, S, { ...cfg, boneHu: 149 }).rule, 'enclosed');
});

test('intracranialGate: a ring of diagonal steps is closed (bone 8-connected, background 4-connected)', () => {
  const hu = new Float64Array(S * S).fill(30);
  for (let i = 0; i < 10; i++) for (const [y, x] of [[20 - i, 20 + i], [20 + i, 20 + i], [20 - i, 38 - i], [20 + i, 38 - i]] as const) hu[y * S + x] = 800;
  const g = intracranialGate(hu, S, cfg);
  assert.equal(g.rule, 'enclosed');
  assert.equal(g.gate[20 * S + 29], 1);
  assert.equal(g.gate[0], 0);
  assert.throws(() => intracranialGate(new Float64Array(10), S, cfg), RangeError);
});
