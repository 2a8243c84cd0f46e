/**
 * The intracranial gate against the Python reference (models/training/sdpm/intracranial.py), bit-exactly, on
 * real slices of the demo study (GE head) at S = 128: golden written by `python3 -m sdpm.intracranial_golden`
 * (test/fixtures/intracranial-gate/; models/training/tests/test_intracranial.py checks it is up to date).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { parsePreprocessing } from '../../electron/core/bundle/Preprocessing';
import { intracranialGate } from '../../electron/core/inference/intracranialGate';

const DIR = new URL('../fixtures/intracranial-gate/', import.meta.url).pathname;

interface Manifest {
  imageSize: number;
  huScale: number;
  config: Record<string, unknown>;
  files: { hu: string; gate: string };
  slices: { k: number; rule: string; interiorPx: number; pocketPx: number; gatePx: number }[];
}

test('intracranial gate equals the Python reference bit for bit on real GE head slices (every rule)', () => {
  const m = JSON.parse(readFileSync(`${DIR}manifest.json`, 'utf8')) as Manifest;
  const prep = parsePreprocessing({
    formatVersion: 1, imageSize: m.imageSize, huWindow: { lowerHu: 0, upperHu: 80 }, inPlane: { method: 'pad-square-then-area-or-bilinear', padHu: -1024 },
    mask: { rule: 'x0n > -1' }, labelEncoding: { background: -1, lesion: 1 }, threshold: 0.5, thresholdRule: 'p > threshold', intracranialGate: m.config,
  });
  const cfg = prep.intracranialGate;
  assert.ok(cfg !== undefined, 'the golden config parses as an enabled gate');
  const S = m.imageSize;
  const P = S * S;
  const huBuf = gunzipSync(readFileSync(DIR + m.files.hu));
  const hu4 = new Int16Array(huBuf.buffer.slice(huBuf.byteOffset, huBuf.byteOffset + huBuf.byteLength));
  const gates = new Uint8Array(gunzipSync(readFileSync(DIR + m.files.gate)));
  assert.equal(hu4.length, m.slices.length * P);
  assert.deepEqual(new Set(m.slices.map((s) => s.rule)), new Set(['enclosed', 'no-cavity', 'skull-hull']));
  m.slices.forEach((s, n) => {
    const hu = new Float64Array(P);
    for (let i = 0; i < P; i++) hu[i] = (hu4[n * P + i] ?? 0) / m.huScale;
    const got = intracranialGate(hu, S, cfg);
    assert.equal(got.rule, s.rule, `slice ${s.k} rule`);
    assert.equal(got.interiorPx, s.interiorPx, `slice ${s.k} interior`);
    assert.equal(got.pocketPx, s.pocketPx, `slice ${s.k} pocket`);
    let diff = 0;
    let kept = 0;
    for (let i = 0; i < P; i++) {
      if ((got.gate[i] ?? 0) !== (gates[n * P + i] ?? 0)) diff++;
      kept += got.gate[i] ?? 0;
    }
    assert.equal(diff, 0, `slice ${s.k}: ${diff} gate pixels differ`);
    assert.equal(kept, s.gatePx);
  });
});
