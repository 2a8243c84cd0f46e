/**
 * User story: a reader corrects contours, the service process dies (SIGKILL, no chance to flush), and
 * after a restart the app offers to restore the review; restoring gives exactly the labelmap the reader
 * had (same voxel count and hash), from the append-only journal. No SDPM run is needed for this.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { builtAppMissing, ROOT, startAppServer } from './harness/startAppServer';
import { chromiumMissing, launchChromium } from './harness/launchChromium';

const DEMO = join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom');
const ARTIFACTS = join(ROOT, 'test-results', 'e2e', 'edits-survive-crash');

async function stroke(page: Page, testId: string, dx: number, dy: number, length: number): Promise<void> {
  const box = await page.getByTestId(testId).boundingBox();
  assert.ok(box !== null);
  const x = box.x + box.width / 2 + dx;
  const y = box.y + box.height / 2 + dy;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let s = 2; s <= length; s += 2) await page.mouse.move(x + s, y + s / 3);
  await page.mouse.up();
}

async function labelmapState(page: Page): Promise<{ voxels: number; hash: string }> {
  const el = page.getByTestId('total-volume');
  return { voxels: Number(await el.getAttribute('data-voxels')), hash: (await el.getAttribute('data-hash')) ?? '' };
}

test('reader edits survive a crash of the service process and are restored exactly', { timeout: 5 * 60_000 }, async (t) => {
  const why = builtAppMissing() ?? chromiumMissing() ?? (existsSync(DEMO) ? null : `no demo study at ${DEMO}`);
  if (why !== null) {
    t.skip(why);
    return;
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const first = await startAppServer({ demo: DEMO });
  const browser = await launchChromium();
  try {
    let page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.goto(first.url);
    await page.getByTestId('open-demo').click();
    await page.getByTestId('slice-axial').waitFor({ timeout: 120_000 });
    await page.getByTestId('mode-brush').click();
    await stroke(page, 'viewport-axial', -40, -20, 40);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels')) > 0);
    await stroke(page, 'viewport-axial', 30, 30, 30);
    await page.getByTestId('mode-eraser').click();
    await stroke(page, 'viewport-axial', -30, -18, 10);
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 10_000 });
    const before = await labelmapState(page);
    assert.ok(before.voxels > 0 && before.hash !== '');
    await page.screenshot({ path: join(ARTIFACTS, '1-before-crash.png') });

    // Crash: SIGKILL, then a new server on the same data folder (new port, new token).
    await first.stop('SIGKILL');
    await page.close();
    const second = await startAppServer({ dataDir: first.dataDir, demo: DEMO });
    try {
      page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
      await page.goto(second.url);
      await page.getByTestId('open-demo').click();
      const offer = page.getByTestId('restore-offer');
      await offer.waitFor({ timeout: 120_000 });
      // Edits are journaled while a stroke is drawn (debounced), so three strokes give at least three changes.
      const changes = Number(/(\d+) journaled change/.exec(await offer.innerText())?.[1] ?? 0);
      assert.ok(changes >= 3, `expected at least 3 journaled changes, the offer says ${changes}`);
      assert.equal((await labelmapState(page)).voxels, 0, 'nothing is restored before the reader accepts');
      await page.getByTestId('restore-accept').click();
      await page.waitForFunction((n) => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels')) === n, before.voxels, { timeout: 10_000 });
      const after = await labelmapState(page);
      assert.deepEqual(after, before);
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(ARTIFACTS, '2-restored.png') });
    } finally {
      await second.stop();
    }
  } finally {
    await browser.close();
    await first.stop();
  }
});
