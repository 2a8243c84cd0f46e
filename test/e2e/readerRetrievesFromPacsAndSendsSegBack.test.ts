/**
 * User story: a reader connects the app to the hospital archive (a real Orthanc, DICOMweb, password
 * auth), searches by patient ID, retrieves the CT series, runs SDPM (tiny model, fast settings), exports
 * the SEG and sends it back; the app says "stored and verified" only after reading it back from the
 * archive, and the archive indeed lists the SEG in the study. Production renderer build in Debian
 * Chromium against the real local API server; screenshots under test-results/e2e/pacs-story/ (and
 * /work/coord/screens/ when that folder exists).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DicomWebTransport } from '../../electron/core/pacs/DicomWebTransport';
import { DEMO, storySkipReason, TINY_BUNDLE, withStory } from './harness/story';
import { OrthancServer, orthancMissing } from '../integration/pacs/orthanc';
import { instanceRefOf } from '../../electron/core/pacs/sendAndVerify';
import { readFile } from 'node:fs/promises';

const SCREENS = '/work/coord/screens';

test('reader retrieves a study from the archive, runs SDPM, exports and sends the SEG back: "stored and verified"', { timeout: 15 * 60_000 }, async (t) => {
  const why = storySkipReason() ?? orthancMissing() ?? null;
  if (why !== null) {
    t.skip(why);
    return;
  }
  const orthanc = new OrthancServer();
  await orthanc.init();
  await orthanc.start();
  try {
    const archive = new DicomWebTransport({ kind: 'dicomweb', name: 'archive', baseUrl: orthanc.dicomWebUrl, auth: { type: 'basic', username: orthanc.user }, timeoutMs: 30_000 }, orthanc.password);
    let studyUid = '';
    for (const f of readdirSync(DEMO).filter((n) => n.endsWith('.dcm'))) {
      const bytes = new Uint8Array(await readFile(join(DEMO, f)));
      const ref = instanceRefOf(bytes, f);
      studyUid = ref.studyInstanceUid;
      await archive.storeInstance(bytes, ref);
    }
    await withStory(t, 'pacs-story', async (s) => {
      const page = s.page;
      const shot = async (name: string): Promise<void> => {
        const file = await s.shot(name);
        if (existsSync(SCREENS)) copyFileSync(file, join(SCREENS, `pacs-${name}.png`));
      };
      await page.goto(s.server.url);

      // Connect: a DICOMweb archive with a user and password (the password goes to the secret store).
      const panel = page.getByTestId('pacs-panel');
      await panel.locator('summary').click();
      await page.getByTestId('pacs-name').fill('hospital');
      await page.getByTestId('pacs-baseUrl').fill(orthanc.dicomWebUrl);
      await page.getByTestId('pacs-user').fill(orthanc.user);
      await page.getByTestId('pacs-secret').fill(orthanc.password);
      await page.getByTestId('pacs-save').click();
      await page.getByTestId('pacs-status').filter({ hasText: 'Saved DICOMweb peer "hospital"' }).waitFor({ timeout: 30_000 });
      await shot('1-connected');

      // Search by patient ID: one study with its series count; pick it, retrieve the CT series.
      await page.getByTestId('pacs-q-patientId').fill('SDPM-DEMO-001');
      await page.getByTestId('pacs-search').click();
      const study = page.getByTestId('pacs-study');
      await study.waitFor({ timeout: 30_000 });
      assert.equal(await study.count(), 1);
      assert.match(await study.innerText(), /CT · 1 series/);
      await study.click();
      await page.getByTestId('pacs-retrieve').click();
      await page.locator('[data-testid="pacs-progress"][data-status="complete"]').waitFor({ timeout: 120_000 });
      assert.match(await page.getByTestId('pacs-progress').innerText(), /complete: 28 instances/);
      await page.getByTestId('patient-banner').waitFor({ timeout: 120_000 });
      await shot('2-retrieved-and-open');

      // Run SDPM (tiny settings), export the SEG.
      await page.getByLabel('SDPM mode').selectOption('sal');
      await page.getByLabel('Samples').fill('2');
      await page.getByLabel('Seed').fill('7');
      await page.getByTestId('run-sdpm').click();
      await page.getByTestId('inference-finished').waitFor({ timeout: 12 * 60_000 });
      await page.getByLabel('Reader name').fill('Jane Reader');
      await page.getByTestId('export-seg').click();
      await page.getByTestId('export-result').waitFor({ timeout: 120_000 });
      await shot('3-exported');

      // Send it back: the message comes only after the read-back comparison.
      await page.getByTestId('pacs-send').click();
      const sent = page.getByTestId('pacs-send-result');
      await sent.waitFor({ timeout: 120_000 });
      assert.match(await sent.innerText(), /stored and verified \(byte for byte identical|stored and verified \(data set byte for byte identical/);
      await shot('4-stored-and-verified');

      // The archive lists the SEG in the study (independent of the app).
      const series = await archive.findSeries(studyUid);
      assert.ok(series.some((x) => x.modality === 'SEG'), `no SEG series in the archive: ${series.map((x) => x.modality).join(', ')}`);
      assert.deepEqual(s.errors, [], `page errors: ${s.errors.join('; ')}`);
    }, { bundle: TINY_BUNDLE });
  } finally {
    await orthanc.dispose();
  }
});
