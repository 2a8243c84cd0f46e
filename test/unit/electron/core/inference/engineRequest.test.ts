import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEngineRequest } from '../../../../../electron/core/inference/engineRequest';
import { requestFromOptions } from '../../../../../electron/cli/commands/segment';

test('nSamples sets the sample count of exactly the streams the mode runs', () => {
  assert.deepEqual(buildEngineRequest({ mode: 'sal', seed: 0, nSamples: 3 }).overrides, { 'ySal.nSamples': 3 });
  assert.deepEqual(buildEngineRequest({ mode: 'infer', seed: 0, nSamples: 3 }).overrides, { 'yInfer.nSamples': 3 });
  assert.deepEqual(buildEngineRequest({ mode: 'all', seed: 0, nSamples: 3 }).overrides, { 'ySal.nSamples': 3, 'yInfer.nSamples': 3 });
  assert.equal(buildEngineRequest({ mode: 'avg', seed: 0, nSamples: 3 }).overrides, undefined);
  assert.throws(() => buildEngineRequest({ mode: 'sal', seed: 0, nSamples: 0 }), /samples/);
  assert.throws(() => buildEngineRequest({ mode: 'sal', seed: -1 }), /seed/);
});

test('the CLI builds its request with the same function: --mode sal --samples 3 gives the same overrides as the app', () => {
  const cli = requestFromOptions({ mode: 'sal', samples: '3', bundle: 'models/bundles/sdpm-tiny-test' });
  const app = buildEngineRequest({ mode: 'sal', seed: 0, nSamples: 3, provider: 'auto' });
  assert.deepEqual(cli.overrides, app.overrides);
  assert.equal(cli.mode, app.mode);
  assert.equal(cli.seed, app.seed);
});
