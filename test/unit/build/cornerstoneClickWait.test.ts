// The build edits one line of Cornerstone's mouse-down listener (no 400 ms double-click wait before a click reaches
// the brush); it must find that line in the installed Cornerstone, and fail loudly where it is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CLICK_WAIT_FILE, patchClickWait } from '../../../build/cornerstoneClickWait';

const toolsDir = dirname(createRequire(import.meta.url).resolve('@cornerstonejs/tools/package.json'));
const LISTENER = join(toolsDir, 'dist', 'esm', 'eventListeners', 'mouse', 'mouseDownListener.js');

test('the installed Cornerstone listener is the file the plugin edits, and its double-click wait becomes 0', () => {
  assert.match(LISTENER, CLICK_WAIT_FILE);
  const src = readFileSync(LISTENER, 'utf8');
  assert.match(src, /DOUBLE_CLICK_TOLERANCE_MS = 400;/);
  const out = patchClickWait(src, LISTENER);
  assert.doesNotMatch(out, /DOUBLE_CLICK_TOLERANCE_MS = 400;/);
  assert.match(out, /const DOUBLE_CLICK_TOLERANCE_MS = 0;/);
  // nothing else changes
  assert.equal(out.replace(/ \/\* sdpm: [^*]+\*\//, '').replace('= 0;', '= 400;'), src);
});

test('a listener without the line (another Cornerstone version) fails the build with the file named', () => {
  assert.throws(() => patchClickWait('const DOUBLE_CLICK_TOLERANCE_MS = 300;', '/x/mouseDownListener.js'), /\/x\/mouseDownListener\.js: .*not found/);
});
