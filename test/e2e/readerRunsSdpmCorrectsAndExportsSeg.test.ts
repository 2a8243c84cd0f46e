/**
 * User story: a reader opens the demo study, runs SDPM (tiny model, fast settings), sees the lesion
 * overlay and the uncertainty map, steps to the most uncertain region, adds with the brush there and
 * erases elsewhere, sees the total volume change by exactly the edited voxels, and exports a DICOM SEG
 * that dciodvfy accepts and pydicom reads back with the edited pixel count and SEMIAUTOMATIC.
 * Runs in the shared story harness (harness/story.ts): production build, Debian Chromium, real local API server.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO, withStory } from './harness/story';
import { countChanged, findReddish, sampleElement } from './harness/pixels';
import { journalFiles, readJournal, voxelCountsAfterEach } from './harness/readJournal';
import { discoverSeries, loadSeries, measureLesions } from '../../electron/core/index';

test('reader runs SDPM on the demo study, reviews the most uncertain region, corrects it and exports a valid SEG', { timeout: 15 * 60_000 }, async (t) => {
  await withStory(t, 'reader-runs-sdpm', async (s) => {
    const { page, server, errors, shot } = s;
    await page.goto(server.url);

    // Open the demo study.
    await page.getByTestId('open-demo').click();
    await page.getByTestId('patient-banner').waitFor({ timeout: 120_000 });
    await page.getByTestId('slice-axial').waitFor();
    const before = await sampleElement(page, 'viewport-axial');
    await shot('1-study-open');

    // Run SDPM with tiny settings: y_sal, 2 samples, fixed seed.
    await page.getByLabel('SDPM mode').selectOption('sal');
    await page.getByLabel('Samples').fill('2');
    await page.getByLabel('Seed').fill('7');
    await page.getByTestId('run-sdpm').click();
    await page.getByTestId('inference-progress').waitFor({ timeout: 60_000 });
    const finished = page.getByTestId('inference-finished');
    await finished.waitFor({ timeout: 12 * 60_000 });
    assert.match(await finished.innerText(), /Done in .* on CPU/);
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels') ?? 0) > 0);
    await page.waitForTimeout(1500);
    await shot('2-sdpm-result');
    // The lesion panel says what its interval means, or why there is none (this test bundle has no calibration.json).
    await page.getByTestId('interval-note').waitFor({ timeout: 30_000 });
    assert.match(await page.getByTestId('interval-note').innerText(), /^No calibrated interval: .*not a confidence interval\.$/);

    // The overlay is visible: red labelmap pixels appear where there were none.
    const withOverlay = await sampleElement(page, 'viewport-axial');
    assert.ok(withOverlay.reddish > before.reddish + 200, `labelmap overlay not visible: ${before.reddish} -> ${withOverlay.reddish} red pixels`);
    // The uncertainty map is a separate overlay: switching it off changes what is drawn.
    await page.getByLabel('Uncertainty map').uncheck();
    await page.waitForTimeout(800);
    const noUnc = await sampleElement(page, 'viewport-axial');
    await page.getByLabel('Uncertainty map').check();
    await page.waitForTimeout(800);
    const withUnc = await sampleElement(page, 'viewport-axial');
    const uncPixels = countChanged(noUnc.rgba, withUnc.rgba);
    assert.ok(uncPixels > 100, `uncertainty map not visible: only ${uncPixels} pixels change when it is toggled`);
    await shot('3-uncertainty');

    // Step to the most uncertain region.
    await page.locator('ol.compact li').first().getByRole('button').click();
    assert.match(await page.getByTestId('review-position').innerText(), /^1 \//);
    await page.waitForTimeout(800);
    const total = page.getByTestId('total-volume');
    const voxels = async () => Number(await total.getAttribute('data-voxels'));
    const voxelsBeforeEdit = await voxels();
    const mlBeforeEdit = Number(await total.getAttribute('data-ml'));
    const voxelMl = Number(await total.getAttribute('data-voxel-ml'));
    assert.ok(voxelMl > 0);

    // Brush: add at the region (the viewport centre after the jump).
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box !== null);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.getByTestId('mode-brush').click();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let dx = 2; dx <= 30; dx += 2) await page.mouse.move(cx + dx, cy, { steps: 1 });
    await page.mouse.up();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels')) !== n, voxelsBeforeEdit, { timeout: 10_000 });
    const afterBrush = await voxels();
    assert.ok(afterBrush > voxelsBeforeEdit, `brush added nothing (${voxelsBeforeEdit} -> ${afterBrush})`);

    // Eraser: remove model output elsewhere (a lesion pixel away from the brushed spot). The uncertainty
    // map is hidden first so that only the lesion labelmap is red.
    await page.getByLabel('Uncertainty map').uncheck();
    await page.waitForTimeout(800);
    const shotNow = await sampleElement(page, 'viewport-axial');
    const target = findReddish(shotNow, { x: box.width / 2 + 15, y: box.height / 2, radius: 60 });
    assert.ok(target !== null, 'no lesion pixels left to erase');
    await page.getByTestId('mode-eraser').click();
    await page.mouse.move(box.x + target.x, box.y + target.y);
    await page.mouse.down();
    await page.mouse.move(box.x + target.x + 4, box.y + target.y + 2, { steps: 2 });
    await page.mouse.up();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels')) !== n, afterBrush, { timeout: 10_000 });
    const afterErase = await voxels();
    assert.ok(afterErase < afterBrush, `eraser removed nothing (${afterBrush} -> ${afterErase})`);
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 10_000 });
    // The core volumetry (server side) answers after a short debounce.
    await page.waitForTimeout(1500);
    await shot('4-edited');

    // The journal on disk, replayed independently, holds exactly these edits.
    const files = journalFiles(server.dataDir);
    assert.equal(files.length, 1);
    const entries = readJournal(files[0]!);
    const counts = voxelCountsAfterEach(entries);
    const diffs = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === 'diff');
    assert.ok(diffs.length >= 2, `expected a brush and an eraser diff, got ${diffs.length}`);
    assert.equal(counts[counts.length - 1], afterErase);
    const lastSnapshot = entries.map((e) => e.kind).lastIndexOf('snapshot');
    assert.equal(counts[lastSnapshot], voxelsBeforeEdit);
    // The displayed total is the core's measure of the journaled labelmap (on the source slices, as the
    // report and the SEG count it), recomputed here from the journal and the core loader.
    await page.waitForFunction(() => document.querySelector('[data-testid="lesion-scroll"]')?.getAttribute('data-measuring') === 'no', undefined, { timeout: 60_000 });
    const mlAfter = Number(await total.getAttribute('data-ml'));
    const scan = await discoverSeries(DEMO);
    const volume = await loadSeries(scan.series[0]!);
    const lm = new Uint8Array(volume.voxels.length);
    for (const e of entries.slice(entries.map((x) => x.kind).lastIndexOf('snapshot'))) {
      const runs = e.runs ?? [];
      const values = e.values ?? [];
      for (let n = 0; n < values.length; n++) lm.fill(values[n]!, runs[2 * n]!, runs[2 * n]! + runs[2 * n + 1]!);
    }
    const expectedMl = measureLesions(lm, volume).totalVolumeMl;
    assert.equal(mlAfter, expectedMl, `panel total ${mlAfter} mL, core measure of the journaled labelmap ${expectedMl} mL`);
    // (A 2-D edit on a grid slice that no source slice samples changes no source-slice volume: the total may stay.)
    assert.ok(voxelMl > 0 && Number.isFinite(mlBeforeEdit));

    // Export SEG + report.
    await page.getByLabel('Reader name').fill('Jane Reader');
    await page.getByTestId('export-seg').click();
    const result = page.getByTestId('export-result');
    await result.waitFor({ timeout: 120_000 });
    const segPath = (await result.getAttribute('data-seg-path')) ?? '';
    const segPixels = Number(await result.getAttribute('data-seg-pixels'));
    assert.equal(await result.getAttribute('data-algorithm'), 'SEMIAUTOMATIC');
    await shot('5-exported');

    const v = spawnSync('dciodvfy', [segPath], { encoding: 'utf8' });
    const validatorOut = `${v.stdout}${v.stderr}`;
    writeFileSync(join(s.artifacts, 'dciodvfy.txt'), validatorOut);
    const errorLines = validatorOut.split('\n').filter((l) => /^Error/.test(l));
    assert.deepEqual(errorLines, [], `dciodvfy reported errors:\n${validatorOut}`);

    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        [
          'import sys, pydicom, numpy as np',
          'ds = pydicom.dcmread(sys.argv[1])',
          'px = ds.pixel_array',
          'seg = ds.SegmentSequence[0]',
          'print(int(np.count_nonzero(px)), seg.SegmentAlgorithmType, str(ds.ContentCreatorName))',
        ].join('\n'),
        segPath,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(py.status, 0, py.stderr);
    const [count, algo, reader] = py.stdout.trim().split(' ');
    assert.equal(Number(count), segPixels, 'pydicom reads back a different number of lesion pixels than were written');
    assert.ok(segPixels > 0);
    assert.equal(algo, 'SEMIAUTOMATIC');
    assert.equal(reader, 'Reader^Jane');
    assert.deepEqual(errors, [], `page errors: ${errors.join('; ')}`);
  });
});
