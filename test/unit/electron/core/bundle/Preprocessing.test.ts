import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePreprocessing } from '../../../../../electron/core/bundle/Preprocessing';
import { isSdpmError } from '../../../../../electron/core/errors';

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
