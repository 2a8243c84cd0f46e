import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveDefaultBundle } from '../../../../../electron/core/bundle/resolveDefaultBundle';
import { isSdpmError } from '../../../../../electron/core/errors';

test('the default bundle is the folder named on the first non-comment line of DEFAULT', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-bundles-'));
  assert.throws(() => resolveDefaultBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_NOT_FOUND') && /DEFAULT does not exist/.test((e as Error).message));
  writeFileSync(join(dir, 'DEFAULT'), '# default bundle\nsdpm-x\n');
  assert.throws(() => resolveDefaultBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_NOT_FOUND') && /"sdpm-x"/.test((e as Error).message));
  mkdirSync(join(dir, 'sdpm-x'));
  assert.equal(resolveDefaultBundle(dir), join(dir, 'sdpm-x'));
  writeFileSync(join(dir, 'DEFAULT'), '../elsewhere\n');
  assert.throws(() => resolveDefaultBundle(dir), (e: unknown) => isSdpmError(e, 'BUNDLE_INVALID'));
});
