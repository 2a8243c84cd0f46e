/**
 * The one harness every end-to-end story runs in: skip reasons (no build, no Chromium, no bundle or demo
 * study), the real local API server (production build) with a fresh data folder, Debian Chromium at
 * 1600x1000, page errors and console warnings collected, screenshots kept under test-results/e2e/<story>,
 * and the reader's common steps (open the demo study, run SDPM, read the labelmap state, draw a stroke).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { builtAppMissing, ROOT, startAppServer, type AppServer } from './startAppServer';
import { chromiumMissing, launchChromium } from './launchChromium';

/** The tiny test model: fast enough for stories on a 2-core machine. */
export const TINY_BUNDLE = join(ROOT, 'models', 'bundles', 'sdpm-tiny-test');
/** The bundled demo study: a real GE head CT (18.5° tilt, uneven gaps) with a synthetic haemorrhage. */
export const DEMO = join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom');
export const VIEWPORT = { width: 1600, height: 1000 };

export interface Story {
  page: Page;
  browser: Browser;
  server: AppServer;
  artifacts: string;
  /** Saves a screenshot of the whole window under the story's artifacts folder; returns its path. */
  shot: (name: string) => Promise<string>;
  /** Page errors so far (uncaught exceptions). */
  errors: string[];
  /** Console warnings and errors so far. */
  consoleWarnings: string[];
  /** Starts a new page on the same server (a reload in a fresh tab). */
  newPage: () => Promise<Page>;
  /**
   * Stops the server (SIGKILL: a crash, no chance to flush) and starts a new one on the same data folder (new
   * port, new token); `server` is the new one afterwards. Pages of the old server are left to the caller.
   */
  restartServer: (signal?: NodeJS.Signals) => Promise<AppServer>;
}

export function storySkipReason(bundle = TINY_BUNDLE): string | null {
  return builtAppMissing() ?? chromiumMissing() ?? (existsSync(join(bundle, 'sdpm_net.onnx')) ? null : `no model bundle at ${bundle}`) ?? (existsSync(DEMO) ? null : `no demo study at ${DEMO}`);
}

export async function withStory(t: TestContext, name: string, body: (s: Story) => Promise<void>, opts: { bundle?: string; dataDir?: string } = {}): Promise<void> {
  const why = storySkipReason(opts.bundle);
  if (why !== null) {
    t.skip(why);
    return;
  }
  const artifacts = join(ROOT, 'test-results', 'e2e', name);
  mkdirSync(artifacts, { recursive: true });
  const serverOptions = { demo: DEMO, bundle: opts.bundle ?? TINY_BUNDLE };
  let server = await startAppServer({ ...serverOptions, ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}) });
  const browser = await launchChromium();
  const errors: string[] = [];
  const consoleWarnings: string[] = [];
  const newPage = async () => {
    const p = await browser.newPage({ viewport: VIEWPORT });
    p.on('pageerror', (e) => errors.push(e.message));
    p.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error') consoleWarnings.push(m.text());
    });
    return p;
  };
  try {
    const page = await newPage();
    const story: Story = {
      page,
      browser,
      server,
      artifacts,
      errors,
      consoleWarnings,
      newPage,
      restartServer: async (signal = 'SIGKILL') => {
        await server.stop(signal);
        server = await startAppServer({ ...serverOptions, dataDir: server.dataDir });
        story.server = server;
        return server;
      },
      shot: async (n) => {
        const path = join(artifacts, `${n}.png`);
        await story.page.screenshot({ path });
        return path;
      },
    };
    try {
      await body(story);
    } catch (err) {
      await story.page.screenshot({ path: join(artifacts, 'failure.png') }).catch(() => undefined);
      throw err;
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

export async function openDemo(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('open-demo').click();
  await page.getByTestId('patient-banner').waitFor({ timeout: 180_000 });
  await page.getByTestId('slice-axial').waitFor({ timeout: 60_000 });
}

export interface LabelmapState {
  voxels: number;
  hash: string;
  ml: number;
}

export async function labelmapState(page: Page): Promise<LabelmapState> {
  const el = page.getByTestId('total-volume');
  return { voxels: Number(await el.getAttribute('data-voxels')), hash: (await el.getAttribute('data-hash')) ?? '', ml: Number(await el.getAttribute('data-ml')) };
}

/** Waits until the labelmap differs from `previousHash`, stops changing, and the journal has it on disk. */
export async function settled(page: Page, previousHash: string): Promise<LabelmapState> {
  await page.waitForFunction((h) => (document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-hash') ?? '') !== h, previousHash, { timeout: 60_000 });
  let last = await labelmapState(page);
  for (;;) {
    await page.waitForTimeout(300);
    const now = await labelmapState(page);
    if (now.hash === last.hash) break;
    last = now;
  }
  await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
  return last;
}

export interface RunSettings {
  mode: string;
  samples: number;
  seed: number;
}

/** Sets the SDPM settings and clicks Run (the run-while-edited dialog, if any, is the caller's). */
export async function clickRun(page: Page, s: RunSettings): Promise<void> {
  await page.getByLabel('SDPM mode').selectOption(s.mode);
  const samples = page.getByLabel('Samples');
  if (await samples.isEnabled()) await samples.fill(String(s.samples));
  await page.getByLabel('Seed').fill(String(s.seed));
  await page.getByTestId('run-sdpm').click();
}

/** Waits for the run to finish; returns the finished line. */
export async function runFinished(page: Page): Promise<string> {
  const finished = page.getByTestId('inference-finished');
  await finished.waitFor({ timeout: 15 * 60_000 });
  return finished.innerText();
}

/** A short brush/eraser drag in the axial view, from (x, y) relative to its top-left corner. */
export async function stroke(page: Page, x: number, y: number, dx = 12, dy = 4): Promise<void> {
  const box = await page.getByTestId('viewport-axial').boundingBox();
  assert.ok(box !== null, 'no axial viewport');
  await page.mouse.move(box.x + x, box.y + y);
  await page.mouse.down();
  await page.mouse.move(box.x + x + dx, box.y + y + dy, { steps: 3 });
  await page.mouse.up();
}

/** Visible state of the app that a cancel must leave exactly as it was. */
export async function visibleState(page: Page): Promise<Record<string, string | null>> {
  const attr = (id: string, a: string) => page.getByTestId(id).getAttribute(a).catch(() => null);
  const text = async (id: string) => ((await page.getByTestId(id).count()) > 0 ? page.getByTestId(id).innerText() : null);
  return {
    hash: await attr('total-volume', 'data-hash'),
    voxels: await attr('total-volume', 'data-voxels'),
    ml: await attr('total-volume', 'data-ml'),
    lesionTable: await page.locator('table.lesions').innerText(),
    reviewQueue: await page.locator('section.panel', { hasText: 'Review queue' }).first().innerText(),
    threshold: await page.getByLabel('Probability threshold').inputValue(),
    uncertaintyEnabled: String(await page.getByLabel('Uncertainty map').isEnabled()),
    exportResult: await text('export-result'),
  };
}
