import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../../../../electron/core/bundle/loadBundle';
import { resolveSettings } from '../../../../../electron/core/sdpm/resolveSettings';
import { isSdpmError } from '../../../../../electron/core/errors';

const b = loadBundle(new URL('../../../../../models/bundles/sdpm-tiny-test', import.meta.url).pathname);

test('a preset is exact: nothing changed, not an approximation', () => {
  const r = resolveSettings(b.sampler, { preset: 'paper' });
  assert.deepEqual(r.changed, {});
  assert.equal(r.approximation, false);
  assert.deepEqual(r.settings, b.sampler.presets.paper);
});

test('a profile records every changed parameter and the approximation flag; explicit overrides apply last', () => {
  const r = resolveSettings(b.sampler, { profile: 'cpu-fast', overrides: { 'ySal.nSamples': 7 } });
  assert.equal(r.preset, 'paper');
  assert.equal(r.profile, 'cpu-fast');
  assert.equal(r.approximation, true);
  assert.equal(r.settings.ySal.nSamples, 7);
  assert.deepEqual(r.changed['ySal.nSamples'], { preset: 100, used: 7 });
  assert.ok('yInfer.nSteps' in r.changed);
  const y = resolveSettings(b.sampler, { preset: 'code', overrides: { 'ySal.cumsumBug': false } });
  assert.equal(y.approximation, true);
  assert.equal(y.settings.ySal.cumsumBug, false);
});

test('unknown names and wrong types are INVALID_ARGUMENT', () => {
  assert.throws(() => resolveSettings(b.sampler, { profile: 'nope' }), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT') && /unknown profile "nope"/.test((e as Error).message));
  assert.throws(() => resolveSettings(b.sampler, { preset: 'nope' }), (e: unknown) => isSdpmError(e, 'INVALID_ARGUMENT'));
  assert.throws(() => resolveSettings(b.sampler, { overrides: { 'ySal.bogus': 1 } }), /unknown sampler parameter "ySal.bogus"/);
  assert.throws(() => resolveSettings(b.sampler, { overrides: { 'ySal.nSamples': 'x' } }), /must be a number/);
  assert.throws(() => resolveSettings(b.sampler, { overrides: { 'ySal.nSamples': 0 } }), /nSamples must be an integer >= 1/);
});
