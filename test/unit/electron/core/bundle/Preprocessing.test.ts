import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePreprocessing } from '../../../../../electron/core/bundle/Preprocessing';
import { isSdpmError } from '../../../../../electron/core/errors';
import { windowValue } from '../../../../../electron/core/inference/sliceResampling';

const base = {
  formatVersion: 1, imageSize: 128, huWindow: { lowerHu: 0, upperHu: 80 }, inPlane: { method: 'pad-square-then-area-or-bilinear', padHu: -1024 },
  mask: { rule: 'x0n > -1' }, labelEncoding: { background: -1, lesion: 1 }, threshold: 0.5, thresholdRule: 'p > threshold',
};
const gate = { enabled: true, boneHu: 150, minInteriorFraction: 0.1, softTissueHu: 0, maxPocketFraction: 0.1, growPixels: 1, hullFallback: true, fallback: 'none', note: 'x' };

test('preprocessing.json intracranialGate: absent or disabled = no gate; enabled = every parameter parsed', () => {
  assert.equal(parsePreprocessing(base).intracranialGate, undefined);
  assert.equal(parsePreprocessing({ ...base, intracranialGate: { enabled: false } }).intracranialGate, undefined);
  assert.deepEqual(parsePreprocessing({ ...base, intracranialGate: gate }).intracranialGate, { boneHu: 150, minInteriorFraction: 0.1, softTissueHu: 0, maxPocketFraction: 0.1, growPixels: 1, hullFallback: true });
});

test('preprocessing.json intracranialGate: bad values are BUNDLE_INVALID naming the field', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ ...gate, boneHu: undefined }, /intracranialGate\.boneHu must be a number/],
    [{ ...gate, growPixels: 1.5 }, /intracranialGate\.growPixels must be an integer/],
    [{ ...gate, minInteriorFraction: 2 }, /intracranialGate\.minInteriorFraction must be a number >= 0 <= 1/],
    [{ ...gate, softTissueHu: 200 }, /intracranialGate\.softTissueHu must be below boneHu/],
    [{ ...gate, fallback: 'convex-hull' }, /intracranialGate\.fallback must be one of none/],
    [{ ...gate, enabled: 'yes' }, /intracranialGate\.enabled must be true or false/],
    [{ ...gate, hullFallback: undefined }, /intracranialGate\.hullFallback must be true or false/],
  ];
  for (const [g, re] of bad) assert.throws(() => parsePreprocessing({ ...base, intracranialGate: g }), (e: unknown) => isSdpmError(e, 'BUNDLE_INVALID') && re.test((e as Error).message));
});

test('preprocessing.json huWindow.extension: absent = the plain clip; present = parsed and used by windowValue', () => {
  const plain = parsePreprocessing(base);
  assert.equal(plain.windowExtension, undefined);
  assert.deepEqual([-10, 40, 80, 125, 1000].map((h) => windowValue(h, plain)), [0, 0.5, 1, 1, 1]);
  const ext = parsePreprocessing({ ...base, huWindow: { lowerHu: 0, upperHu: 80, extension: { upperValue: 0.85, ceilingHu: 160 } } });
  assert.deepEqual(ext.windowExtension, { upperValue: 0.85, ceilingHu: 160, ceilingValue: 1 });
  const close = (got: number[], want: number[]): void => got.forEach((v, i) => assert.ok(Math.abs(v - (want[i] ?? NaN)) < 1e-12, `${v} vs ${want[i]}`));
  close([-10, 40, 80, 100, 125, 160, 1000].map((h) => windowValue(h, ext)), [0, 0.425, 0.85, 0.8875, 0.934375, 1, 1]);
  // above 1: every input up to 80 HU as the plain window gives it, calcification and bone above 1
  const over = parsePreprocessing({ ...base, huWindow: { lowerHu: 0, upperHu: 80, extension: { upperValue: 1, ceilingHu: 160, ceilingValue: 1.25 } } });
  close([-10, 40, 80, 100, 125, 160, 1000].map((h) => windowValue(h, over)), [0, 0.5, 1, 1.0625, 1.140625, 1.25, 1.25]);
});

test('preprocessing.json huWindow.extension: bad values are BUNDLE_INVALID naming the field', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ upperValue: 1, ceilingHu: 160 }, /huWindow\.extension\.ceilingValue must be above upperValue \(1\)/],
    [{ upperValue: 0, ceilingHu: 160 }, /huWindow\.extension\.upperValue must be above 0/],
    [{ upperValue: 1.2, ceilingHu: 160, ceilingValue: 1.5 }, /huWindow\.extension\.upperValue must be a number >= 0 <= 1/],
    [{ upperValue: 0.5, ceilingHu: 160, ceilingValue: 0.9 }, /huWindow\.extension\.ceilingValue must be a number >= 1/],
    [{ upperValue: 0.85, ceilingHu: 80 }, /huWindow\.extension\.ceilingHu must be above upperHu \(80\)/],
    [{ upperValue: 0.85 }, /huWindow\.extension\.ceilingHu must be a number/],
    [{ upperValue: '0.85', ceilingHu: 160 }, /huWindow\.extension\.upperValue must be a number/],
  ];
  for (const [extension, re] of bad) {
    assert.throws(() => parsePreprocessing({ ...base, huWindow: { lowerHu: 0, upperHu: 80, extension } }), (e: unknown) => isSdpmError(e, 'BUNDLE_INVALID') && re.test((e as Error).message));
  }
});
