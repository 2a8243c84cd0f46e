/**
 * App latency benchmark (browser mode, production build, Debian Chromium, real local API server, demo study):
 *   1. Run -> first overlay: from clicking "Run SDPM" to the y_avg labelmap drawn (the engine streams y_avg
 *      before the samples). By default the run is then cancelled (the first overlay is what is measured);
 *      --full waits for the final result too.
 *   2. Brush stroke -> total: from the brush's mouse-down (the stroke paints a disc) to the lesion voxel
 *      count / total shown in the panel, measured inside the page (event time -> DOM mutation time), over
 *      N strokes at different places; prints the median and p95. The lesion table (worker) is reported too.
 * Usage: npm run build && npx tsx scripts/bench/app-latency.ts [--bundle DIR] [--mode avg|all|...] [--strokes 20] [--settle S] [--full]
 *   --settle S: click Run S seconds after the study opened (the engine prepares its sessions when a study opens)
 * Default bundle: the shipped one (models/bundles/DEFAULT). Prints what it measured; compare runs on one machine.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { builtAppMissing, ROOT, startAppServer } from '../../test/e2e/harness/startAppServer';
import { chromiumMissing, launchChromium } from '../../test/e2e/harness/launchChromium';
import { DEFAULT_MODE } from '../../electron/core/index';

const { values } = parseArgs({
  options: { mode: { type: 'string', default: DEFAULT_MODE }, samples: { type: 'string', default: '2' }, strokes: { type: 'string', default: '20' }, bundle: { type: 'string' }, demo: { type: 'string' }, full: { type: 'boolean', default: false }, settle: { type: 'string', default: '0' } },
});
const why = builtAppMissing() ?? chromiumMissing();
if (why !== null) {
  process.stderr.write(`app-latency: ${why}\n`);
  process.exit(2);
}
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] ?? NaN;
};
const demo = values.demo ?? join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom');
const server = await startAppServer({ demo, ...(values.bundle !== undefined ? { bundle: values.bundle } : {}) });
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(server.url);
  const tOpen = Date.now();
  await page.getByTestId('open-demo').click();
  await page.getByTestId('slice-axial').waitFor({ timeout: 180_000 });
  const openMs = Date.now() - tOpen;
  const bundleName = values.bundle ?? 'the shipped default bundle';

  // a reader looks at the study before running SDPM; meanwhile the engine prepares its sessions (study:load)
  const settleS = Number(values.settle);
  if (settleS > 0) await page.waitForTimeout(settleS * 1000);
  await page.getByLabel('SDPM mode').selectOption(values.mode);
  const samples = page.getByLabel('Samples');
  if (await samples.isEnabled()) await samples.fill(values.samples);
  const t0 = await page.evaluate(() => performance.now());
  await page.getByTestId('run-sdpm').click();
  await page.waitForFunction(() => (document.querySelector('[data-testid="first-overlay-at"]')?.getAttribute('data-ms') ?? '') !== '', undefined, { timeout: 20 * 60_000, polling: 50 });
  const firstOverlay = Number(await page.getByTestId('first-overlay-at').getAttribute('data-ms')) - t0;
  let doneText = 'cancelled after the first overlay (use --full for the whole run)';
  if (values.full) {
    await page.getByTestId('inference-finished').waitFor({ timeout: 30 * 60_000 });
    doneText = `final result after ${(((await page.evaluate(() => performance.now())) - t0) / 1000).toFixed(1)} s`;
  } else if ((await page.getByTestId('inference-finished').count()) > 0) {
    doneText = 'the first overlay was the final result';
  } else {
    // The run may finish between the overlay and this click (mode avg: y_avg is the result).
    await Promise.race([page.getByTestId('cancel-sdpm').click().catch(() => undefined), page.getByTestId('inference-finished').waitFor({ timeout: 120_000 })]);
    await page.getByTestId('inference-finished').waitFor({ timeout: 120_000 });
  }
  const nVoxels = await page.getByTestId('total-volume').getAttribute('data-voxels');

  // Brush strokes: each a click (mouse-down paints the disc), on a grid of places inside the head.
  const box = await page.getByTestId('viewport-axial').boundingBox();
  if (box === null) throw new Error('no axial viewport');
  await page.getByTestId('mode-brush').click();
  await page.evaluate(() => {
    const w = window as unknown as { __lat: { down: number[]; count: number[]; total: number[]; table: number[]; painted: number[] } };
    w.__lat = { down: [], count: [], total: [], table: [], painted: [] };
    window.addEventListener('mousedown', (e) => w.__lat.down.push(e.timeStamp), true);
    const total = document.querySelector('[data-testid="total-volume"]')!;
    new MutationObserver(() => w.__lat.count.push(performance.now())).observe(total, { attributes: true, attributeFilter: ['data-voxels'] });
    new MutationObserver(() => {
      w.__lat.total.push(performance.now());
      // the frame that shows the new total: rAF runs before that frame's paint, the task after it once it is done
      requestAnimationFrame(() => setTimeout(() => w.__lat.painted.push(performance.now()), 0));
    }).observe(total, { attributes: true, attributeFilter: ['data-ml'] });
    const table = document.querySelector('[data-testid="lesion-data"]')!;
    new MutationObserver(() => w.__lat.table.push(performance.now())).observe(table, { attributes: true, attributeFilter: ['data-json'] });
  });
  const n = Number(values.strokes);
  const strokeMs: number[] = [];
  const countMs: number[] = [];
  const modifiedMs: number[] = [];
  const countStartMs: number[] = [];
  const tableMs: number[] = [];
  const paintedMs: number[] = [];
  for (let s = 0; s < n; s++) {
    const before = await page.getByTestId('total-volume').getAttribute('data-voxels');
    const x = box.x + box.width * (0.3 + 0.1 * (s % 5));
    const y = box.y + box.height * (0.3 + 0.1 * Math.floor(s / 5));
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.up();
    await page.waitForFunction((b) => document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-voxels') !== b, before, { timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="lesion-scroll"]')?.getAttribute('data-measuring') === 'no', undefined, { timeout: 60_000 });
    await page.waitForTimeout(100);
    const lat = await page.evaluate(() => {
      const w = window as unknown as { __lat: { down: number[]; count: number[]; total: number[]; table: number[]; painted: number[] } };
      const down = w.__lat.down[w.__lat.down.length - 1] ?? NaN;
      const count = w.__lat.count.find((t) => t > down) ?? NaN;
      const total = w.__lat.total.filter((t) => t > down).pop() ?? NaN;
      const table = w.__lat.table.filter((t) => t > down).pop() ?? NaN;
      const painted = w.__lat.painted.find((t) => t > down) ?? NaN;
      const modified = performance.getEntriesByName('sdpm:labelmap-modified').map((e) => e.startTime).find((t) => t > down) ?? NaN;
      const countStart = performance.getEntriesByName('sdpm:count-start').map((e) => e.startTime).find((t) => t > down) ?? NaN;
      return { count: count - down, total: total - down, table: table - down, modified: modified - down, countStart: countStart - down, painted: painted - down };
    });
    countMs.push(lat.count);
    modifiedMs.push(lat.modified);
    countStartMs.push(lat.countStart);
    if (Number.isFinite(lat.total)) strokeMs.push(lat.total);
    if (Number.isFinite(lat.table)) tableMs.push(lat.table);
    if (Number.isFinite(lat.painted)) paintedMs.push(lat.painted);
  }
  const f = (x: number) => x.toFixed(0);
  process.stdout.write(
    [
      `app-latency (browser mode, Debian Chromium, demo ${demo}, ${bundleName}, mode ${values.mode}, ${values.samples} samples; labelmap ${nVoxels} lesion voxels before the strokes)`,
      `  open study (discover + load + first render): ${openMs} ms`,
      `  Run (clicked ${settleS} s after the study opened) -> first overlay (y_avg drawn): ${(firstOverlay / 1000).toFixed(2)} s; ${doneText}`,
      `  of which: mouse-down -> Cornerstone's labelmap-modified event (brush paint, in Cornerstone): median ${f(quantile(modifiedMs, 0.5))} ms; -> our count starts: median ${f(quantile(countStartMs, 0.5))} ms`,
      `  brush stroke (mouse-down) -> lesion voxel count updated (incremental, page): median ${f(quantile(countMs, 0.5))} ms, p95 ${f(quantile(countMs, 0.95))} ms over ${countMs.length} strokes`,
      `  brush stroke (mouse-down) -> total mL updated in the panel (core LiveTotal on the source slices, page; last change of the value): median ${f(quantile(strokeMs, 0.5))} ms, p95 ${f(quantile(strokeMs, 0.95))} ms over ${strokeMs.length} strokes`,
      `  brush stroke (mouse-down) -> the frame showing the new total painted (includes Cornerstone's viewport render): median ${f(quantile(paintedMs, 0.5))} ms, p95 ${f(quantile(paintedMs, 0.95))} ms over ${paintedMs.length} strokes`,
      `  brush stroke -> lesion table updated (lesion worker): median ${f(quantile(tableMs, 0.5))} ms, p95 ${f(quantile(tableMs, 0.95))} ms over ${tableMs.length} strokes`,
      '',
    ].join('\n'),
  );
} finally {
  await browser.close();
  await server.stop();
}
