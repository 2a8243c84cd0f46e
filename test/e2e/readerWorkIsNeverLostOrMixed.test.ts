/**
 * User stories (issue 11 "the reader's work is never lost or mixed"), one after another on the demo study
 * with the tiny test model, in Debian Chromium against the production build and the real local server:
 * 1. reject a lesion that is not the largest: exactly its voxels leave the total, the other lesions keep
 *    their IDs and voxels, and it disappears from the view (pixels);
 * 2. edit, run, cancel: the app is in exactly the state it was in before the run (mask, total, lesion table,
 *    review queue, threshold, uncertainty map, export paths, the pixels drawn, nothing new in the journal);
 * 3. edit, re-run, keep the edits: the run asks first (keeping is the default), the new result is shown and
 *    the edited mask stays as a green outline (pixels); one click brings back exactly the edited mask;
 * 4. reload, restore: mask, threshold, probability (threshold slider), uncertainty map, review queue, lesion
 *    intervals, the kept layer (same side shown) and the pixels drawn are all back.
 * Expected values are read independently where it matters: the journal on disk (harness/readJournal.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clickRun, labelmapState, openDemo, runFinished, settled, stroke, visibleState, withStory } from './harness/story';
import { countChanged, sampleElement } from './harness/pixels';
import { journalFiles, readJournal } from './harness/readJournal';

interface LesionDatum {
  id: number;
  voxels: number;
  ml: number;
  interval: [number, number] | null;
  decision: string | null;
}

const RUN = { mode: 'sal', samples: 2, seed: 7 };

async function lesionData(page: Page): Promise<{ version: string; lesions: LesionDatum[] }> {
  const el = page.getByTestId('lesion-data');
  return { version: (await el.getAttribute('data-version')) ?? '', lesions: JSON.parse((await el.getAttribute('data-json')) ?? '[]') as LesionDatum[] };
}

/** Waits until the lesion table measures the labelmap shown now (same voxel total) and stops changing. */
async function tableSettled(page: Page): Promise<LesionDatum[]> {
  let last = '';
  for (let waited = 0; ; waited += 300) {
    const measuring = (await page.getByTestId('lesion-scroll').getAttribute('data-measuring')) === 'yes';
    const d = await lesionData(page);
    const total = (await labelmapState(page)).voxels;
    const sum = d.lesions.reduce((a, l) => a + l.voxels, 0);
    const key = `${d.version}:${sum}`;
    if (!measuring && sum === total && key === last) return d.lesions;
    assert.ok(waited < 120_000, `lesion table never matched the total (${sum} vs ${total} voxels)`);
    last = key;
    await page.waitForTimeout(300);
  }
}

function journalLength(dataDir: string): number {
  return readJournal(journalFiles(dataDir)[0]!).length;
}

test('the reader’s work is never lost or mixed: reject, cancel, keep edits, reload and restore', { timeout: 40 * 60_000 }, async (t) => {
  await withStory(t, 'reader-work-never-lost', async (s) => {
    const { page, server } = s;
    await openDemo(page, server.url);
    await clickRun(page, RUN);
    assert.match(await runFinished(page), /Done in/);
    await page.getByLabel('Probability threshold').fill('0.45');
    await page.getByText('Probability threshold 0.45').waitFor();
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
    let lesions = await tableSettled(page);
    assert.ok(lesions.length >= 2, `need at least two lesions, the model found ${lesions.length}`);
    await s.shot('1-run');

    await t.test('reject a lesion that is not the largest: exactly its voxels leave the total', async () => {
      const before = await labelmapState(page);
      const target = lesions.find((l) => l.id === 2)!;
      assert.ok(target.voxels < Math.max(...lesions.map((l) => l.voxels)), 'lesion 2 is not the largest');
      const row = page.locator('table.lesions tbody tr', { has: page.locator('button', { hasText: /^2$/ }) });
      await row.locator('button', { hasText: /^2$/ }).click();
      await page.waitForTimeout(800);
      const shown = await sampleElement(page, 'viewport-axial');
      const entriesBefore = journalLength(server.dataDir);
      await row.getByTitle(/^Reject/).click();
      const after = await settled(page, before.hash);
      assert.equal(after.voxels, before.voxels - target.voxels, 'the total lost exactly the rejected lesion’s voxels');
      const diff = readJournal(journalFiles(server.dataDir)[0]!).slice(entriesBefore).find((e) => e.kind === 'diff');
      assert.equal(diff?.tool, 'reject-lesion');
      const runs = diff?.runs ?? [];
      assert.equal(runs.reduce((a, x, i) => a + (i % 2 === 1 ? x : 0), 0), target.voxels);
      assert.ok((diff?.values ?? []).every((v) => v === 0));
      const left = await tableSettled(page);
      assert.equal(left.find((l) => l.id === 2), undefined, 'lesion 2 is gone from the table');
      assert.deepEqual(
        left.map((l) => [l.id, l.voxels]),
        lesions.filter((l) => l.id !== 2).map((l) => [l.id, l.voxels]),
        'every other lesion keeps its ID and voxels',
      );
      await page.waitForTimeout(800);
      const gone = await sampleElement(page, 'viewport-axial');
      assert.ok(gone.reddish < shown.reddish, `the rejected lesion is still drawn (${shown.reddish} -> ${gone.reddish} red pixels)`);
      lesions = left;
      await s.shot('2-rejected');
    });

    // The reader's own edit: paint where the rejected lesion was (the view is centred there).
    await page.getByTestId('mode-brush').click();
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box !== null);
    const beforeEdit = await labelmapState(page);
    await stroke(page, box.width / 2 - 5, box.height / 2, 10, 3);
    const edited = await settled(page, beforeEdit.hash);
    await page.getByTestId('mode-navigate').click();
    const editedTable = await tableSettled(page);

    await t.test('edit, run, cancel: the state is exactly what it was before the run', async () => {
      const state = await visibleState(page);
      const pixels = await sampleElement(page, 'viewport-axial');
      const entries = journalLength(server.dataDir);
      await clickRun(page, RUN);
      await page.getByTestId('run-dialog').waitFor();
      await page.getByTestId('run-keep-edits').click();
      await page.getByTestId('inference-progress').waitFor({ timeout: 120_000 });
      await page.getByTestId('cancel-sdpm').click();
      assert.match(await runFinished(page), /Cancelled/);
      await page.waitForTimeout(1500);
      assert.deepEqual(await tableSettled(page), editedTable);
      assert.deepEqual(await visibleState(page), state);
      assert.equal(journalLength(server.dataDir), entries, 'a cancelled run writes nothing to the journal');
      const again = await sampleElement(page, 'viewport-axial');
      const changed = countChanged(pixels.rgba, again.rgba);
      assert.ok(changed <= 20, `${changed} pixels differ from before the run`);
      await s.shot('3-cancelled');
    });

    await t.test('edit, re-run, keep the edits: they stay as a layer and come back exactly', async () => {
      await clickRun(page, RUN);
      await page.getByTestId('run-dialog').waitFor();
      await s.shot('4-run-dialog');
      await page.keyboard.press('Enter'); // keeping the edits is the default
      assert.match(await runFinished(page), /Done in/);
      await page.getByTestId('layer-panel').waitFor();
      const fresh = await settled(page, edited.hash);
      assert.notEqual(fresh.hash, edited.hash, 'the new result is shown');
      await page.waitForTimeout(1000);
      const withLayer = await sampleElement(page, 'viewport-axial');
      assert.ok(withLayer.greenish > 20, `the kept edits are not drawn (${withLayer.greenish} green pixels)`);
      await page.getByLabel('Show kept mask').uncheck();
      await page.waitForTimeout(800);
      const noLayer = await sampleElement(page, 'viewport-axial');
      assert.ok(noLayer.greenish < withLayer.greenish / 4, 'hiding the kept layer removes the green outline');
      await page.getByLabel('Show kept mask').check();
      await s.shot('5-kept-layer');
      await page.getByTestId('layer-swap').click();
      const back = await settled(page, fresh.hash);
      assert.deepEqual([back.voxels, back.hash], [edited.voxels, edited.hash], 'the edited mask is back exactly');
      // The same lesions (voxels, mL). Model lesions keep their engine IDs; a lesion the reader drew takes,
      // by the core's overlap rule, the ID of the new run's lesion it overlaps (here the rejected lesion 2's).
      const now = await tableSettled(page);
      const shape = (ls: LesionDatum[]) => ls.map((l) => `${l.voxels}:${l.ml}`).sort();
      assert.deepEqual(shape(now), shape(editedTable));
      const modelIds = (ls: LesionDatum[]) => ls.filter((l) => l.interval !== null).map((l) => [l.id, l.voxels, l.interval]);
      assert.deepEqual(modelIds(now), modelIds(editedTable));
    });

    await t.test('reload, restore: mask, maps, queue, threshold and intervals are all back', async () => {
      await page.getByLabel('Uncertainty map').check();
      await page.locator('table.lesions tbody tr').first().locator('button').first().click();
      await page.waitForTimeout(1200);
      const state = await visibleState(page);
      const table = await tableSettled(page);
      const pixels = await sampleElement(page, 'viewport-axial');
      assert.ok(table.some((l) => l.interval !== null), 'some lesions have sample intervals before the reload');
      const layerBefore = [await page.getByTestId('layer-shown').innerText(), await page.getByTestId('layer-kept').innerText()];
      assert.deepEqual(layerBefore, ['your edits from before this run', 'the new SDPM result'], 'after the swap the edits are shown, the run kept');
      await s.shot('6-before-reload');
      await page.reload();
      await page.getByTestId('open-demo').click();
      await page.getByTestId('restore-offer').waitFor({ timeout: 180_000 });
      await page.getByTestId('restore-accept').click();
      await page.waitForFunction((h) => document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-hash') === h, state.hash, { timeout: 60_000 });
      await page.getByLabel('Uncertainty map').waitFor();
      await page.waitForFunction(() => !(document.querySelector('input[aria-label="Uncertainty map"]') as HTMLInputElement | null)?.disabled, undefined, { timeout: 60_000 });
      // The run's lesion IDs and intervals arrive from the services after the maps.
      await page.waitForFunction(() => (document.querySelector('[data-testid="lesion-data"]')?.getAttribute('data-json') ?? '').includes('"interval":['), undefined, { timeout: 120_000 });
      assert.deepEqual(await tableSettled(page), table, 'lesion IDs, voxels and intervals are back');
      assert.equal(await page.getByTestId('notice').count(), 0, 'no "maps not available" notice');
      await page.getByTestId('layer-panel').waitFor({ timeout: 30_000 });
      assert.deepEqual([await page.getByTestId('layer-shown').innerText(), await page.getByTestId('layer-kept').innerText()], layerBefore, 'the kept layer is back, same side shown');
      await page.getByLabel('Uncertainty map').check();
      await page.locator('table.lesions tbody tr').first().locator('button').first().click();
      await page.waitForTimeout(1200);
      assert.deepEqual(await visibleState(page), state);
      const again = await sampleElement(page, 'viewport-axial');
      const changed = countChanged(pixels.rgba, again.rgba);
      assert.ok(changed <= 50, `${changed} pixels differ from before the reload`);
      await s.shot('7-restored');
    });
    assert.deepEqual(s.errors, [], `page errors: ${s.errors.join('; ')}`);
    const floods = s.consoleWarnings.filter((w) => /No imageId found/.test(w));
    assert.equal(floods.length, 0, `${floods.length} "No imageId found" warnings`);
  });
});
