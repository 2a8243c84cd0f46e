/**
 * App latency benchmark (browser mode, production build, Debian Chromium, real local API server):
 *   1. Run -> first overlay: from clicking "Run SDPM" to the y_avg labelmap drawn (and to the final result).
 *   2. Brush stroke -> volume update: from releasing the mouse to the lesion voxel count/total updated
 *      (includes the 150 ms edit debounce and the journal diff), and to the server-side volumetry answer.
 * Usage: npm run build && npx tsx scripts/bench/app-latency.ts [--mode all|sal|infer|avg] [--samples N] [--strokes N]
 * Prints medians; compare runs on the same machine only (2 shared cores make absolute times noisy).
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { builtAppMissing, ROOT, startAppServer } from '../../test/e2e/harness/startAppServer';
import { chromiumMissing, launchChromium } from '../../test/e2e/harness/launchChromium';

const { values } = parseArgs({ options: { mode: { type: 'string', default: 'all' }, samples: { type: 'string', default: '2' }, strokes: { type: 'string', default: '7' }, demo: { type: 'string' } } });
const why = builtAppMissing() ?? chromiumMissing();
if (why !== null) {
  process.stderr.write(`app-latency: ${why}\n`);
  process.exit(2);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const demo = values.demo ?? join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom');
const server = await startAppServer({ demo, bundle: join(ROOT, 'models', 'bundles', 'sdpm-tiny-test') });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(server.url);
  const tOpen = Date.now();
  await page.getByTestId('open-demo').click();
  await page.getByTestId('slice-axial').waitFor({ timeout: 180_000 });
  const openMs = Date.now() - tOpen;

  // y_all: the engine runs y_avg first and streams it, then the samples.
  await page.getByLabel('SDPM mode').selectOption(values.mode);
  await page.getByLabel('Samples').fill(values.samples);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('run-sdpm').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="first-overlay-at"]')?.getAttribute('data-ms') ?? '') !== '', undefined, { timeout: 20 * 60_000, polling: 50 });
  const firstOverlay = Number(await page.getByTestId('first-overlay-at').getAttribute('data-ms')) - t0;
  await page.getByTestId('inference-finished').waitFor({ timeout: 20 * 60_000 });
  const done = (await page.evaluate(() => performance.now())) - t0;

  const box = await page.getByTestId('viewport-axial').boundingBox();
  if (box === null) throw new Error('no axial viewport');
  await page.getByTestId('mode-brush').click();
  const countMs: number[] = [];
  const measureMs: number[] = [];
  for (let s = 0; s < Number(values.strokes); s++) {
    const total = page.getByTestId('total-volume');
    const before = await total.getAttribute('data-voxels');
    const mlBefore = await total.getAttribute('data-ml');
    const x = box.x + box.width / 2 - 60 + s * 20;
    const y = box.y + box.height / 2 + (s % 2) * 25;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + 10, y + 4, { steps: 3 });
    const tUp = Date.now();
    await page.mouse.up();
    await page.waitForFunction((b) => document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels') !== b, before, { polling: 5 });
    countMs.push(Date.now() - tUp);
    await page.waitForFunction((b) => document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-ml') !== b, mlBefore, { polling: 5 }).catch(() => undefined);
    measureMs.push(Date.now() - tUp);
    await page.waitForTimeout(600);
  }
  process.stdout.write(
    [
      `app-latency (browser mode, ${server.origin}, demo ${demo}, mode ${values.mode}, ${values.samples} samples, tiny test bundle)`,
      `  open study (discover + load + first render): ${openMs} ms`,
      `  Run -> first overlay (y_avg): ${firstOverlay.toFixed(0)} ms; Run -> final result: ${done.toFixed(0)} ms (first overlay at ${((100 * firstOverlay) / done).toFixed(1)}% of the run)`,
      `  brush stroke -> voxel count/total updated: median ${median(countMs)} ms over ${countMs.length} strokes (includes the 150 ms debounce)`,
      `  brush stroke -> server volumetry (per-lesion mL): median ${median(measureMs)} ms (includes the 400 ms debounce)`,
      '',
    ].join('\n'),
  );
} finally {
  await browser.close();
  await server.stop();
}
