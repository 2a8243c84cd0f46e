/**
 * User story (desktop): the reader starts the Electron app, the hardened window opens the review page
 * over the app:// scheme, and the page reaches the services through the preload bridge only.
 * Needs the Electron binary (node_modules/electron/dist), which cannot be downloaded on machines without
 * internet: there the test reports itself skipped with that reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { _electron as electron } from 'playwright-core';
import { builtAppMissing, ROOT } from './harness/startAppServer';

const ELECTRON_DIST = join(ROOT, 'node_modules', 'electron', 'dist');

test('reader opens the desktop app and sees the review page served over app:// with the preload bridge', { timeout: 3 * 60_000 }, async (t) => {
  if (!existsSync(ELECTRON_DIST)) {
    t.skip(`no Electron binary (${ELECTRON_DIST} missing: the download needs internet; run \`npx install-electron\` or \`npm rebuild electron\` where it is reachable)`);
    return;
  }
  const missing = builtAppMissing();
  if (missing !== null) {
    t.skip(missing);
    return;
  }
  const app = await electron.launch({ args: [join(ROOT, 'dist', 'main', 'main.cjs')], cwd: ROOT, env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' } });
  try {
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    assert.match(page.url(), /^app:\/\/sdpm\//);
    const bridge = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      return { hasBridge: typeof w.sdpm === 'object', hasRequire: typeof w.require, hasProcess: typeof w.process };
    });
    assert.deepEqual(bridge, { hasBridge: true, hasRequire: 'undefined', hasProcess: 'undefined' });
    const info = await page.evaluate(async () => {
      const api = (window as unknown as { sdpm: Record<string, (r: unknown) => Promise<unknown>> }).sdpm;
      return api['app:info']!({});
    });
    assert.equal((info as { ok: boolean; value: { mode: string } }).value.mode, 'electron');
    // New windows and navigation away are denied.
    await page.evaluate(() => window.open('https://example.com'));
    assert.equal(app.windows().length, 1);
    await page.getByTestId('viewport-axial').waitFor();
  } finally {
    await app.close();
  }
});
