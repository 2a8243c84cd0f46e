/**
 * User story: a reader corrects contours, the service process dies (SIGKILL, no chance to flush), and
 * after a restart the app offers to restore the review; restoring gives exactly the labelmap the reader
 * had (same voxel count and hash), from the append-only journal. No SDPM run is needed for this.
 * Runs in the shared story harness (harness/story.ts); the crash is `restartServer('SIGKILL')`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelmapState, openDemo, stroke, withStory } from './harness/story';

test('reader edits survive a crash of the service process and are restored exactly', { timeout: 5 * 60_000 }, async (t) => {
  await withStory(t, 'edits-survive-crash', async (s) => {
    let page = s.page;
    await openDemo(page, s.server.url);
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box !== null);
    const [cx, cy] = [box.width / 2, box.height / 2];
    await page.getByTestId('mode-brush').click();
    await stroke(page, cx - 40, cy - 20, 40, 13);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels')) > 0);
    await stroke(page, cx + 30, cy + 30, 30, 10);
    await page.getByTestId('mode-eraser').click();
    await stroke(page, cx - 30, cy - 18, 10, 3);
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 10_000 });
    const before = await labelmapState(page);
    assert.ok(before.voxels > 0 && before.hash !== '');
    await s.shot('1-before-crash');

    // Crash: SIGKILL, then a new server on the same data folder (new port, new token).
    await s.restartServer('SIGKILL');
    await page.close();
    page = s.page = await s.newPage();
    await page.goto(s.server.url);
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
    assert.deepEqual({ voxels: after.voxels, hash: after.hash }, { voxels: before.voxels, hash: before.hash });
    assert.equal(after.ml, before.ml, 'the restored total is the same number');
    await page.waitForTimeout(500);
    await s.shot('2-restored');
    assert.deepEqual(s.errors, []);
  });
});
