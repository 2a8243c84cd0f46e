/**
 * User story (issue 12): a study administrator creates a trial of 3 studies with 2 readers and an
 * adjudicator (`sdpm trial` commands on the embedded database); both readers sign their reads in the
 * browser (password again, manifestation shown); the readers' volumes differ on one study by more
 * than the charter's "5 mL or 20 %", which triggers adjudication; the adjudicator sees both reads side
 * by side and picks one with a reason; the administrator exports the final table; the auditor verifies
 * the audit chain and every signature. Chromium against the real local server (production build).
 *
 * The three studies are small synthetic CT series written into a temp folder and imported with
 * `sdpm trial import`. Not through the viewer: each reader's SEG file is written by the core SEG writer
 * from a mask that differs between the readers (standing in for the review app's export); the reader
 * attaches it to the task in the browser, and the server measures it on the study's images.
 * Screenshots go to SDPM_E2E_SCREENS (default test-results/e2e/core-lab).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { trial } from '../../electron/cli/commands/trial';
import { silentLogger } from '../../electron/core/logger';
import { builtAppMissing, ROOT, startAppServer } from './harness/startAppServer';
import { chromiumMissing, launchChromium } from './harness/launchChromium';
import { PASSWORD, TRIAL_ID, charterText } from '../unit/electron/services/trial/trialFixture';
import { writeSyntheticSeries } from '../fixtures/dicom-generated/syntheticCt';
import { loadVolumeFromFolder } from '../../electron/core/dicom/loadVolumeFromFolder';
import { writeSeg } from '../../electron/core/seg/writeSeg';
import { sourceMaskVolumeMl } from '../../electron/core/volumetry/maskVolume';

const SCREENS = process.env.SDPM_E2E_SCREENS ?? join(ROOT, 'test-results', 'e2e', 'core-lab');

async function sdpmTrial(dataDir: string, ...argv: string[]): Promise<void> {
  const out: string[] = [];
  const code = await trial.run([...argv, '--data-dir', dataDir], { log: silentLogger, stdout: (s) => out.push(s), stderr: (s) => out.push(s) });
  assert.equal(code, 0, `sdpm trial ${argv.join(' ')}: ${out.join('')}`);
}

async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/#trial=${TRIAL_ID}`);
  await page.reload();
  await page.getByLabel('user name').fill(username);
  await page.getByLabel('password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('trial-user').waitFor();
}

test('core lab: double read, charter rule, adjudication, final table, verified audit trail', { timeout: 6 * 60_000 }, async (t) => {
  const why = builtAppMissing() ?? chromiumMissing();
  if (why !== null) {
    t.skip(why);
    return;
  }
  mkdirSync(SCREENS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'sdpm-e2e-trial-'));
  const saved = { p: process.env.SDPM_PASSWORD, n: process.env.SDPM_NEW_PASSWORD };
  process.env.SDPM_PASSWORD = PASSWORD;
  process.env.SDPM_NEW_PASSWORD = PASSWORD;
  // the administrator sets the trial up with the CLI
  await sdpmTrial(dataDir, 'init-admin', '--user', 'admin', '--name', 'Dana Admin');
  for (const [u, n, r] of [['ana', 'Ana Reader', 'reader'], ['ben', 'Ben Reader', 'reader'], ['cho', 'Cho Adjudicator', 'adjudicator'], ['aud', 'Ari Auditor', 'auditor']] as const) {
    await sdpmTrial(dataDir, 'add-user', '--as', 'admin', '--user', u, '--name', n, '--role', r);
  }
  const charter = join(dataDir, 'charter.json');
  writeFileSync(charter, charterText);
  await sdpmTrial(dataDir, 'create', '--as', 'admin', charter);
  const images = join(dataDir, 'images');
  for (const i of [1, 2, 3]) {
    mkdirSync(join(images, `case${i}`), { recursive: true });
    await writeSyntheticSeries(join(images, `case${i}`), { seriesUid: `1.2.826.0.77.${i}.1`, count: 12, extra: { studyUid: `1.2.826.0.77.${i}` } });
  }
  await sdpmTrial(dataDir, 'import', '--as', 'admin', '--trial', TRIAL_ID, images);
  await sdpmTrial(dataDir, 'assign', '--as', 'admin', '--trial', TRIAL_ID);
  const server = await startAppServer({ dataDir });
  const browser = await launchChromium();
  try {
    // each reader's SEG of each study (what the app saves after the SEG export): the contours differ;
    // on case 2 the readers differ by 50 % of the voxels, beyond the charter's 20 %
    const voxels: Record<string, number[]> = { ana: [100, 100, 200], ben: [104, 150, 205] };
    const ml: Record<string, number[]> = { ana: [], ben: [] };
    const shown = (v: number): string => String(Math.round(v * 100) / 100); // as the screens print it
    const segFiles = join(dataDir, 'exports');
    mkdirSync(segFiles, { recursive: true });
    for (const who of ['ana', 'ben']) {
      for (const i of [0, 1, 2]) {
        const vol = await loadVolumeFromFolder(join(images, `case${i + 1}`), { log: silentLogger });
        const mask = new Uint8Array(vol.voxels.length);
        const from = who === 'ana' ? 256 * 3 : 256 * 3 + 7;
        mask.fill(1, from, from + voxels[who]![i]!);
        const seg = writeSeg({ volume: vol, segments: [{ label: 'infarct', kind: 'infarct', mask, algorithmType: 'SEMIAUTOMATIC' }], algorithm: { name: 'sdpm', version: 'test' }, reader: who });
        ml[who]![i] = sourceMaskVolumeMl(seg.sourceMasks[0]!, vol.source);
        writeFileSync(join(segFiles, `${who}-case${i + 1}.dcm`), seg.bytes);
      }
    }
    const [a2, b2] = [ml.ana![1]!, ml.ben![1]!];

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(server.url); // sets the app token cookie
    for (const who of ['ana', 'ben']) {
      await signIn(page, server.origin, who);
      if (who === 'ana') await page.screenshot({ path: join(SCREENS, '01-reader-task-list.png') });
      const rows = page.getByTestId('trial-tasks').locator('tbody tr');
      assert.equal(await rows.count(), 3);
      for (let r = 0; r < 3; r++) {
        await rows.nth(r).click();
        const source = (await rows.nth(r).locator('td').nth(4).textContent()) ?? '';
        if (who === 'ana' && r === 0) {
          // the task opens its study in the review app (new tab), where the reader runs SDPM and corrects
          const [review] = await Promise.all([page.context().waitForEvent('page'), page.getByTestId('trial-open-study').click()]);
          await review.getByTestId('patient-banner').waitFor({ timeout: 120_000 });
          assert.match((await review.getByTestId('patient-banner').textContent()) ?? '', /\S/);
          await review.close();
        }
        await page.getByLabel('SEG file').setInputFiles(join(segFiles, `${who}-${source.split('/').pop()}.dcm`));
        await page.getByTestId('trial-read').locator('tbody tr').first().waitFor();
        if (who === 'ana' && r === 0) await page.screenshot({ path: join(SCREENS, '01b-reader-read-saved.png') });
        await page.getByRole('button', { name: 'Sign latest version' }).click();
        await page.getByLabel('signature password').fill(PASSWORD);
        await page.getByRole('button', { name: 'Sign', exact: true }).click();
        await page.getByTestId('trial-signature').waitFor();
        if (who === 'ana' && r === 0) await page.screenshot({ path: join(SCREENS, '02-reader-signed-manifestation.png') });
        await page.getByRole('button', { name: 'Close' }).click();
        await page.getByTestId('trial-read').getByText('Initial read per protocol').waitFor();
        if (who === 'ana' && r === 0) {
          // the printable signed-read report (print to PDF): the manifestation with the SEG's UID and hash
          const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trial-signed-report').click()]);
          const report = readFileSync(await download.path(), 'utf8');
          assert.match(report, /Electronically signed by Ana Reader/);
          assert.match(report, /Meaning: Initial read per protocol/);
          assert.match(report, /Signed SEG: SOP Instance UID [0-9.]+, SHA-256 [0-9a-f]{64}/);
        }
      }
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.getByTestId('trial-tasks').locator('tbody tr', { hasText: 'signed' }).nth(2).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
    }

    await signIn(page, server.origin, 'cho');
    const adjRows = page.getByTestId('trial-tasks').locator('tbody tr');
    assert.equal(await adjRows.count(), 1);
    await adjRows.first().click();
    await page.getByTestId('trial-read-B').waitFor();
    const aText = await page.getByTestId('trial-read-A').textContent();
    const bText = await page.getByTestId('trial-read-B').textContent();
    assert.ok(`${aText} ${bText}`.includes(`${shown(a2)} mL`), `${aText} ${bText}`);
    assert.ok(`${aText} ${bText}`.includes(`${shown(b2)} mL`), `${aText} ${bText}`);
    assert.match(`${aText}`, /measured from the SEG on the study images/);
    // both contours on the same slices, drawn from the two signed SEGs: red (A) and cyan (B) pixels
    const figure = page.getByTestId('trial-contours').locator('img').first();
    await figure.waitFor();
    await page.waitForFunction(() => (document.querySelector('[data-testid="trial-contours"] img') as HTMLImageElement | null)?.complete === true);
    const colours = await figure.evaluate((img: HTMLImageElement) => {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let red = 0;
      let cyan = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] === 255 && d[i + 1] === 40 && d[i + 2] === 40) red++;
        if (d[i] === 0 && d[i + 1] === 220 && d[i + 2] === 255) cyan++;
      }
      return { red, cyan, w: c.width };
    });
    assert.ok(colours.w > 0 && colours.red > 0 && colours.cyan > 0, `both reads' contours are drawn: ${JSON.stringify(colours)}`);
    await page.screenshot({ path: join(SCREENS, '03-adjudicator-side-by-side.png') });
    const pick = aText?.includes(`${shown(b2)} mL`) === true ? 'A' : 'B'; // ben's larger contour
    await page.getByLabel('final read').selectOption(pick);
    await page.getByLabel('decision reason').fill('includes the insular cortex the other read missed');
    await page.getByRole('button', { name: 'Decide' }).click();
    await page.getByTestId('trial-decided').filter({ hasText: `final volume ${shown(b2)} mL` }).waitFor();
    await page.screenshot({ path: join(SCREENS, '04-adjudication-decided.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, server.origin, 'admin');
    await page.getByRole('button', { name: 'Export final table' }).click();
    const csv = (await page.getByTestId('trial-final-csv').textContent()) ?? '';
    const lines = csv.trim().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines.filter((l) => l.includes(',agreed,')).length, 2);
    assert.match(csv, /,adjudicated,[0-9.]+,cho,"?read [AB]: includes the insular cortex/);
    assert.ok(csv.includes(`,adjudicated,${Math.round(b2 * 1000) / 1000},cho,`), csv);
    await page.screenshot({ path: join(SCREENS, '05-admin-final-table.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();

    await signIn(page, server.origin, 'aud');
    await page.getByRole('button', { name: 'Verify chain and signatures' }).click();
    const verdict = (await page.getByTestId('trial-verdict').textContent()) ?? '';
    assert.match(verdict, /Audit chain intact: \d+ entries verified\. Signatures: 6 of 6 verify\./);
    await page.screenshot({ path: join(SCREENS, '06-auditor-chain-verified.png') });
    await page.getByRole('button', { name: 'Sign out' }).click();

    // a reader's audit view shows none of the other reader's entries
    await signIn(page, server.origin, 'ana');
    await page.getByRole('button', { name: 'Audit trail' }).click();
    await page.getByTestId('trial-audit').locator('tbody tr').first().waitFor();
    const readerAudit = (await page.getByTestId('trial-audit').textContent()) ?? '';
    assert.doesNotMatch(readerAudit, /\bben\b|\bcho\b/);
    await page.screenshot({ path: join(SCREENS, '07-reader-blinded-audit-view.png') });
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
    process.env.SDPM_PASSWORD = saved.p;
    process.env.SDPM_NEW_PASSWORD = saved.n;
    if (saved.p === undefined) delete process.env.SDPM_PASSWORD;
    if (saved.n === undefined) delete process.env.SDPM_NEW_PASSWORD;
  }
});
