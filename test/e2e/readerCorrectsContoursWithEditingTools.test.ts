/**
 * User story: a reader corrects lesion contours with every editing tool, through the real UI (mouse and
 * keyboard shortcuts), on the bundled demo study, and each tool does exactly what it says:
 * - 2-D brush paints one disc in one slice; the 3-D brush paints a ball across slices;
 * - the threshold brush (default 45-90 HU) paints exactly the brush's voxels whose HU is in range;
 * - the eraser removes only inside its disc;
 * - fill (click into a hole) and hole fill (H) fill exactly the enclosed background;
 * - island removal (X) removes the small fragment and nothing else; interpolation (I) fills the slice
 *   between two drawn slices;
 * - undo/redo (Ctrl+Z / Ctrl+Y) walk back and forth through several different tools exactly;
 * - after SDPM, the probability-threshold slider re-derives the mask live: voxel counts fall as the
 *   threshold rises and equal a direct count on the probability map the server returns;
 * - the AI labelmap's outline is edited freehand: a closed outline drawn from inside the lesion adds area.
 * Expected voxels are computed here independently: the labelmap is replayed from the server's journal
 * on disk, and HU come from the core DICOM loader, not from the renderer. Screenshots are kept.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { AppServer } from './harness/startAppServer';
import { DEMO, withStory } from './harness/story';
import { journalFiles, readJournal } from './harness/readJournal';
import { discoverSeries } from '../../electron/core/dicom/discoverSeries';
import { loadSeries } from '../../electron/core/dicom/loadSeries';
import type { Volume } from '../../electron/core/dicom/Volume';
import { decodeWire, encodeWire } from '../../electron/ipc/wireCodec';

/** The labelmap as the server's journal holds it now: last snapshot plus the diffs after it. */
function journaledLabelmap(server: AppServer, nVoxels: number): Uint8Array {
  const files = journalFiles(server.dataDir);
  assert.equal(files.length, 1, 'one journal for the one study');
  const lm = new Uint8Array(nVoxels);
  for (const e of readJournal(files[0]!)) {
    if (e.kind === 'snapshot') lm.fill(0);
    if (e.kind !== 'snapshot' && e.kind !== 'diff') continue;
    const runs = e.runs ?? [];
    const values = e.values ?? [];
    for (let n = 0; n < values.length; n++) lm.fill(values[n]!, runs[2 * n]!, runs[2 * n]! + runs[2 * n + 1]!);
  }
  return lm;
}

interface Change {
  added: number[];
  removed: number[];
}
function changeBetween(before: Uint8Array, after: Uint8Array): Change {
  const added: number[] = [];
  const removed: number[] = [];
  for (let v = 0; v < after.length; v++) {
    if (before[v] === 0 && after[v] !== 0) added.push(v);
    else if (before[v] !== 0 && after[v] === 0) removed.push(v);
  }
  return { added, removed };
}

async function labelmapHash(page: Page): Promise<{ voxels: number; hash: string }> {
  const el = page.getByTestId('total-volume');
  return { voxels: Number(await el.getAttribute('data-voxels')), hash: (await el.getAttribute('data-hash')) ?? '' };
}

/** Waits until the labelmap hash differs from `previous` and the journal has written everything. */
async function settled(page: Page, previous: string): Promise<{ voxels: number; hash: string }> {
  await page.waitForFunction((h) => (document.querySelector('[data-testid="total-volume"]')?.getAttribute('data-hash') ?? '') !== h, previous, { timeout: 60_000 });
  await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
  // A stroke may flush more than once (debounced while drawing): wait until the hash stops moving.
  let last = await labelmapHash(page);
  for (;;) {
    await page.waitForTimeout(400);
    const now = await labelmapHash(page);
    if (now.hash === last.hash) break;
    last = now;
  }
  await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
  return last;
}

/** Background pixels of slice k 4-connected to (i, j) when they do not reach the slice border; [] otherwise. */
function enclosedBackground(lm: Uint8Array, dims: readonly [number, number, number], k: number, i0: number, j0: number): number[] {
  const [nx, ny] = dims;
  const base = k * nx * ny;
  const start = base + i0 + nx * j0;
  if (lm[start] !== 0) return [];
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    const v = stack.pop()!;
    const i = (v - base) % nx;
    const j = Math.floor((v - base) / nx);
    if (i === 0 || j === 0 || i === nx - 1 || j === ny - 1) return [];
    for (const w of [v - 1, v + 1, v - nx, v + nx]) {
      if (lm[w] === 0 && !seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return [...seen];
}

function lastSnapshotRunId(server: AppServer): string | null {
  const entries = readJournal(journalFiles(server.dataDir)[0]!) as Array<{ kind: string; runId?: string | null }>;
  const snap = entries.filter((e) => e.kind === 'snapshot').pop();
  return snap?.runId ?? null;
}

/** The run's mean probability map, straight from the local API server (not through the renderer). */
async function fetchProbability(server: AppServer, runId: string): Promise<Float32Array> {
  const token = new URL(server.url).searchParams.get('token') ?? '';
  const res = await fetch(`${server.origin}/api/inference:map`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-sdpm-token': token },
    body: encodeWire({ runId, map: 'probability' }) as Uint8Array<ArrayBuffer>,
  });
  const envelope = decodeWire(new Uint8Array(await res.arrayBuffer())) as { ok: boolean; value?: { data: Uint8Array }; error?: { message: string } };
  assert.ok(envelope.ok && envelope.value !== undefined, `inference:map failed: ${envelope.error?.message ?? res.status}`);
  const bytes = envelope.value.data.slice();
  return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
}

/** Even-odd rule for the point (x, y) and a closed polygon. */
function pointInPolygon(x: number, y: number, pts: ReadonlyArray<readonly [number, number]>): boolean {
  let inside = false;
  for (let a = 0, b = pts.length - 1; a < pts.length; b = a++) {
    const [xa, ya] = pts[a]!;
    const [xb, yb] = pts[b]!;
    if (ya > y !== yb > y && x < ((xb - xa) * (y - ya)) / (yb - ya) + xa) inside = !inside;
  }
  return inside;
}

/** Distance from (x, y) to the nearest edge of a closed polygon. */
function distanceToPolygon(x: number, y: number, pts: ReadonlyArray<readonly [number, number]>): number {
  let best = Infinity;
  for (let a = 0, b = pts.length - 1; a < pts.length; b = a++) {
    const [xa, ya] = pts[a]!;
    const [xb, yb] = pts[b]!;
    const len2 = (xb - xa) ** 2 + (yb - ya) ** 2;
    const u = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - xa) * (xb - xa) + (y - ya) * (yb - ya)) / len2));
    best = Math.min(best, Math.hypot(x - (xa + u * (xb - xa)), y - (ya + u * (yb - ya))));
  }
  return best;
}

async function loadHu(): Promise<Volume> {
  const scan = await discoverSeries(DEMO);
  const series = scan.series.filter((s) => s.segmentable);
  assert.equal(series.length, 1, 'the demo has one segmentable series');
  return loadSeries(series[0]!);
}

test('reader corrects contours with the editing tools and each tool changes exactly the expected voxels', { timeout: 30 * 60_000 }, async (t) => {
  await withStory(t, 'reader-corrects-contours', async (s) => {
    const { page, server, errors, shot } = s;
    const volume = await loadHu();
    const [nx, ny, nz] = volume.dimensions;
    const nVoxels = nx * ny * nz;
    const ijk = (v: number) => [v % nx, Math.floor(v / nx) % ny, Math.floor(v / (nx * ny))] as const;
    await page.goto(server.url);
    await page.getByTestId('open-demo').click();
    await page.getByTestId('slice-axial').waitFor({ timeout: 600_000 });
    const box = await page.getByTestId('viewport-axial').boundingBox();
    assert.ok(box !== null);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    let state = await labelmapHash(page);
    let lm: Uint8Array = new Uint8Array(nVoxels);
    /** Runs a UI action, waits for the journal, returns what changed on disk. */
    const act = async (what: string, action: () => Promise<void>): Promise<Change> => {
      await action();
      state = await settled(page, state.hash);
      const next = journaledLabelmap(server, nVoxels);
      const c = changeBetween(lm, next);
      lm = next;
      let nonZero = 0;
      for (const x of lm) if (x !== 0) nonZero++;
      assert.equal(state.voxels, nonZero, `${what}: the displayed voxel count is the journaled one`);
      const ks = new Set([...c.added, ...c.removed].map((v) => ijk(v)[2]));
      t.diagnostic(`${what}: +${c.added.length} -${c.removed.length} voxels, slices ${[...ks].sort((a, b) => a - b).join(',')}`);
      return c;
    };
    const click = async (x: number, y: number) => {
      await page.mouse.move(x, y);
      await page.mouse.down();
      await page.mouse.up();
    };

    const hu = volume.voxels;
    const [dx, dy, dz] = volume.spacingMm;
    const sliceOf = (c: Change) => new Set([...c.added, ...c.removed].map((v) => ijk(v)[2]));
    const sameSet = (a: readonly number[], b: readonly number[], what: string) => {
      const sa = [...a].sort((x, y) => x - y);
      const sb = [...b].sort((x, y) => x - y);
      assert.equal(sa.length, sb.length, `${what}: ${sa.length} voxels, expected ${sb.length}`);
      assert.deepEqual(sa, sb, what);
    };
    const centroid = (vs: readonly number[]) => {
      const c = [0, 0, 0];
      for (const v of vs) ijk(v).forEach((x, a) => (c[a] = c[a]! + x / vs.length));
      return c as [number, number, number];
    };
    /** Every voxel of a painted disc/ball lies within radius (mm) of its centre, every voxel clearly inside is painted. */
    const assertBall = (vs: readonly number[], centre: readonly number[], radiusMm: number, what: string) => {
      const inside = new Set(vs);
      const slack = 0.75 * Math.hypot(dx, dy);
      for (const v of vs) {
        const [i, j, k] = ijk(v);
        const d = Math.hypot((i - centre[0]!) * dx, (j - centre[1]!) * dy, (k - centre[2]!) * dz);
        assert.ok(d <= radiusMm + slack, `${what}: voxel ${i},${j},${k} is ${d.toFixed(2)} mm from the centre`);
      }
      const ks = [...new Set(vs.map((v) => ijk(v)[2]))];
      for (const k of ks) {
        for (let j = Math.floor(centre[1]! - radiusMm / dy) - 1; j <= centre[1]! + radiusMm / dy + 1; j++) {
          for (let i = Math.floor(centre[0]! - radiusMm / dx) - 1; i <= centre[0]! + radiusMm / dx + 1; i++) {
            const d = Math.hypot((i - centre[0]!) * dx, (j - centre[1]!) * dy, (k - centre[2]!) * dz);
            if (d < radiusMm - slack) assert.ok(inside.has(i + nx * (j + ny * k)), `${what}: voxel ${i},${j},${k} (${d.toFixed(2)} mm) missing`);
          }
        }
      }
    };
    const keys = async (...ks: string[]) => {
      for (const k of ks) await page.keyboard.press(k);
    };
    const activeMode = async () => (await page.locator('[data-testid^="mode-"].active').getAttribute('data-testid')) ?? '';

    // Defaults the issue asks for: threshold brush 45-90 HU (haemorrhage), radius 5 mm.
    assert.equal(await page.getByLabel('Threshold low HU').inputValue(), '45');
    assert.equal(await page.getByLabel('Threshold high HU').inputValue(), '90');
    assert.equal(await page.getByLabel('Brush radius').inputValue(), '5');

    // 1. 2-D brush (B), twice: one disc of radius 5 mm in one slice each; the two centres calibrate
    //    canvas pixels -> voxel indices for the rest of the story.
    await keys('b');
    assert.equal(await activeMode(), 'mode-brush');
    const disc0 = await act('2-D brush at the centre', () => click(cx, cy));
    assert.equal(disc0.removed.length, 0);
    assert.equal(sliceOf(disc0).size, 1, '2-D brush paints one slice');
    const k0 = [...sliceOf(disc0)][0]!;
    const c0 = centroid(disc0.added);
    assertBall(disc0.added, c0, 5, '2-D brush');
    const discArea = Math.PI * 25 / (dx * dy);
    assert.ok(Math.abs(disc0.added.length - discArea) < 0.1 * discArea, `2-D brush: ${disc0.added.length} voxels, a 5 mm disc is ${discArea.toFixed(1)}`);
    const disc1 = await act('2-D brush off centre', () => click(cx + 60, cy + 40));
    const c1 = centroid(disc1.added);
    assert.deepEqual([...sliceOf(disc1)], [k0]);
    const pxPerI = 60 / (c1[0] - c0[0]);
    const pxPerJ = 40 / (c1[1] - c0[1]);
    t.diagnostic(`calibration: ${pxPerI.toFixed(3)} px per i, ${pxPerJ.toFixed(3)} px per j, slice k=${k0}`);
    const canvasOf = (i: number, j: number) => ({ x: cx + (i - c0[0]) * pxPerI, y: cy + (j - c0[1]) * pxPerJ });
    await shot('1-brush-2d');

    // 2. Undo (Ctrl+Z) and redo (Ctrl+Y, Ctrl+Shift+Z) walk the strokes back and forth exactly.
    sameSet((await act('undo', () => keys('Control+z'))).removed, disc1.added, 'undo removes the last stroke');
    sameSet((await act('undo', () => keys('Control+z'))).removed, disc0.added, 'undo removes the first stroke');
    assert.equal(state.voxels, 0);
    sameSet((await act('redo', () => keys('Control+y'))).added, disc0.added, 'redo (Ctrl+Y) brings the first stroke back');
    sameSet((await act('redo', () => keys('Control+Shift+z'))).added, disc1.added, 'redo (Ctrl+Shift+Z) brings the second back');
    await act('undo', () => keys('Control+z'));
    await act('undo', () => keys('Control+z'));
    assert.equal(state.voxels, 0);

    // 3. Threshold brush (T): on slice k0, the spot whose 5 mm disc mixes in-range and out-of-range HU
    //    most evenly (found here from the loader's HU, near the haemorrhage), painted once with the plain
    //    brush and once with the threshold brush: the threshold brush paints exactly the brush voxels in range.
    const inRange = (v: number, lo: number, hi: number) => hu[v]! >= lo && hu[v]! <= hi;
    let best = { i: 0, j: 0, score: -1 };
    const rI = Math.ceil(5 / dx);
    for (let j = Math.round(c0[1]) - 60; j <= Math.round(c0[1]) + 60; j += 2) {
      for (let i = Math.round(c0[0]) - 60; i <= Math.round(c0[0]) + 60; i += 2) {
        let inside = 0;
        let outside = 0;
        for (let b = -rI; b <= rI; b++) {
          for (let a = -rI; a <= rI; a++) {
            if (Math.hypot(a * dx, b * dy) > 5) continue;
            if (inRange(i + a + nx * (j + b + ny * k0), 45, 90)) inside++;
            else outside++;
          }
        }
        const score = Math.min(inside, outside);
        if (score > best.score) best = { i, j, score };
      }
    }
    t.diagnostic(`threshold test spot: voxel ${best.i},${best.j},${k0} (${best.score} voxels on the smaller side)`);
    assert.ok(best.score >= 10, 'no spot mixes HU in and out of 45-90 on this slice');
    const spot = canvasOf(best.i, best.j);
    const plain = await act('brush at the threshold spot', () => click(spot.x, spot.y));
    await act('undo', () => keys('Control+z'));
    await keys('t');
    assert.equal(await activeMode(), 'mode-threshold');
    const thr = await act('threshold brush 45-90 HU', () => click(spot.x, spot.y));
    const expectThr = plain.added.filter((v) => inRange(v, 45, 90));
    assert.ok(expectThr.length > 0 && expectThr.length < plain.added.length);
    sameSet(thr.added, expectThr, 'threshold brush paints exactly the brush voxels with 45 <= HU <= 90');
    await shot('2-threshold-brush');
    await act('undo', () => keys('Control+z'));
    // A different range from the fields: 20-44 HU (brain parenchyma, no haemorrhage).
    await page.getByLabel('Threshold low HU').fill('20');
    await page.getByLabel('Threshold high HU').fill('44');
    await page.getByLabel('Threshold high HU').blur();
    const thr2 = await act('threshold brush 20-44 HU', () => click(spot.x, spot.y));
    sameSet(thr2.added, plain.added.filter((v) => inRange(v, 20, 44)), 'threshold brush follows the HU range fields');
    await act('undo', () => keys('Control+z'));
    await page.getByLabel('Threshold low HU').fill('45');
    await page.getByLabel('Threshold high HU').fill('90');
    // Keys typed in a number field belong to the field; leave it before using shortcuts again.
    await page.getByLabel('Threshold high HU').blur();

    // 4. 3-D brush (key 3): a 5 mm ball across slices whose middle slice is the 2-D disc.
    await page.getByTestId('viewport-axial').hover();
    await keys('3', 'b');
    assert.equal(await page.getByLabel('3-D brush').isChecked(), true);
    const ball = await act('3-D brush at the centre', () => click(cx, cy));
    const ballKs = [...sliceOf(ball)].sort((a, b) => a - b);
    t.diagnostic(`3-D brush per slice: ${ballKs.map((k) => `${k}:${ball.added.filter((v) => ijk(v)[2] === k).length}`).join(' ')}`);
    // Cornerstone paints a voxel when the ball reaches any depth of the voxel's slab ('overlapping' depth
    // coverage), so slice k is painted when |k - k0|*dz - dz/2 < r, with an in-plane radius of
    // sqrt(r^2 - (|k - k0|*dz - dz/2)^2) there. (At 2.62 mm slices a 5 mm ball covers 5 slices.)
    const nearestDepth = (k: number) => Math.max(0, Math.abs(k - k0) * dz - dz / 2);
    const expectKs: number[] = [];
    for (let k = k0 - 10; k <= k0 + 10; k++) if (nearestDepth(k) < 5) expectKs.push(k);
    assert.deepEqual(ballKs, expectKs, `the ball spans the slices whose slab it reaches (${dz.toFixed(2)} mm spacing)`);
    sameSet(ball.added.filter((v) => ijk(v)[2] === k0), disc0.added, "the ball's middle slice is the 2-D disc");
    for (const k of ballKs) {
      const rK = Math.sqrt(25 - nearestDepth(k) ** 2);
      const vs = ball.added.filter((v) => ijk(v)[2] === k);
      assertBall(vs, [c0[0], c0[1], k], rK, `3-D brush, slice ${k} (in-plane radius ${rK.toFixed(2)} mm)`);
      if (k !== k0) assert.ok(vs.length < disc0.added.length, `slice ${k} of the ball is smaller than its middle`);
    }
    const ballVolume = (4 / 3) * Math.PI * 125 / (dx * dy * dz);
    t.diagnostic(`3-D brush: ${ball.added.length} voxels (continuous 5 mm ball: ${ballVolume.toFixed(0)} voxels), 2-D brush: ${disc0.added.length}`);
    await shot('3-brush-3d');
    await act('undo', () => keys('Control+z'));
    await keys('3');
    assert.equal(await page.getByLabel('3-D brush').isChecked(), false);

    // 5. Eraser (E) inside a bigger disc leaves a ring; fill (F) clicked in the hole and hole fill (H)
    //    both fill exactly the erased disc, which this test finds by flood fill on the journaled labelmap.
    await keys('+', '+', '+');
    assert.equal(await page.getByLabel('Brush radius').inputValue(), '8');
    await keys('b');
    const big = await act('brush, radius 8 mm', () => click(cx, cy));
    assertBall(big.added, c0, 8, 'radius 8 brush');
    await keys('-', '-', '-', 'e');
    assert.equal(await page.getByLabel('Brush radius').inputValue(), '5');
    assert.equal(await activeMode(), 'mode-eraser');
    const erased = await act('eraser, radius 5 mm', () => click(cx, cy));
    assert.equal(erased.added.length, 0);
    sameSet(erased.removed, disc0.added, 'the eraser removes exactly a 5 mm disc');
    const hole = enclosedBackground(lm, [nx, ny, nz], k0, Math.round(c0[0]), Math.round(c0[1]));
    sameSet(hole, disc0.added, 'the ring encloses the erased disc');
    await shot('4-ring');
    await keys('f');
    assert.equal(await activeMode(), 'mode-fill');
    // Clicked beside the ring (open background): nothing is painted, the reader is told why.
    await click(cx + 100, cy - 80);
    await page.getByTestId('error').filter({ hasText: 'not enclosed' }).waitFor({ timeout: 30_000 });
    assert.equal((await labelmapHash(page)).hash, state.hash, 'a fill click in open background changes nothing');
    await page.getByTestId('error').getByRole('button').click();
    const filled = await act('fill clicked in the hole', () => click(cx, cy));
    sameSet(filled.added, hole, 'fill (F) fills exactly the hole');
    sameSet((await act('undo fill', () => keys('Control+z'))).removed, hole, 'undo takes the fill back');
    const holeFilled = await act('fill holes (H)', () => keys('h'));
    sameSet(holeFilled.added, hole, 'hole fill (H) fills exactly the hole');

    // 6. Island removal (X): a 1 mm dot far from the disc is removed, nothing else.
    await page.getByLabel('Brush radius').fill('1');
    await page.getByTestId('viewport-axial').hover();
    await keys('b');
    const dot = await act('brush, radius 1 mm', () => click(cx - 70, cy - 50));
    assert.ok(dot.added.length > 0 && dot.added.length < 10, `a 1 mm dot is ${dot.added.length} voxels`);
    const islands = await act('remove islands (X)', () => keys('x'));
    assert.equal(islands.added.length, 0);
    sameSet(islands.removed, dot.added, 'island removal removes exactly the dot');

    // 7. Interpolation (I): a disc two slices further, then the slice between is filled with a disc.
    const sliceText = async () => (await page.getByTestId('slice-axial').innerText()).match(/slice (\d+)\//)?.[1];
    const sliceBefore = Number(await sliceText());
    await page.getByTestId('viewport-axial').hover();
    await page.mouse.wheel(0, 100);
    await page.waitForFunction((s) => !new RegExp(`slice ${s}/`).test(document.querySelector('[data-testid="slice-axial"]')?.textContent ?? ''), sliceBefore);
    await page.mouse.wheel(0, 100);
    await page.waitForTimeout(300);
    const sliceAfter = Number(await sliceText());
    assert.equal(Math.abs(sliceAfter - sliceBefore), 2, `two wheel steps move two slices (${sliceBefore} -> ${sliceAfter})`);
    await page.getByLabel('Brush radius').fill('8');
    await page.getByTestId('viewport-axial').hover();
    const far = await act('brush radius 8 two slices away', () => click(cx, cy));
    const k2 = [...sliceOf(far)][0]!;
    assert.equal(sliceOf(far).size, 1);
    assert.equal(Math.abs(k2 - k0), 2);
    const kMid = (k0 + k2) / 2;
    const interp = await act('interpolate (I)', () => keys('i'));
    assert.deepEqual([...sliceOf(interp)], [kMid], 'interpolation fills only the slice between');
    const discK0 = lm.subarray(k0 * nx * ny, (k0 + 1) * nx * ny).reduce((a, b) => a + b, 0);
    const footprint = new Set([...big.added, ...far.added].map((v) => v % (nx * ny)));
    assert.ok(interp.added.every((v) => footprint.has(v % (nx * ny))), 'interpolated voxels lie within the footprint of the two drawn discs');
    assert.ok(Math.abs(interp.added.length - discK0) <= 0.15 * discK0, `interpolated slice: ${interp.added.length} voxels between discs of ${discK0} and ${far.added.length}`);
    await shot('5-interpolated');

    // 8. Undo through several different tools (interpolate, brush, island removal, brush, hole fill),
    //    then redo them all: every step lands on exactly the journaled state it should.
    const history: Uint8Array[] = [];
    const steps = ['interpolate', 'brush', 'remove islands', 'brush', 'fill holes'];
    for (const name of steps) {
      history.push(lm.slice());
      await act(`undo ${name}`, () => keys('Control+z'));
    }
    history.push(lm.slice());
    const undone = history.slice().reverse();
    for (let n = 1; n < undone.length; n++) {
      await act(`redo ${steps[steps.length - n]}`, () => keys('Control+y'));
      assert.ok(lm.every((x, v) => x === undone[n]![v]), `redo ${n} does not restore the state before its undo`);
    }
    // Going back once more must land on the state after island removal (the states really differ).
    assert.notDeepEqual(history[0]!.reduce((a, b) => a + b, 0), history[5]!.reduce((a, b) => a + b, 0));
    await shot('6-after-undo-redo');

    // 9. SDPM (y_avg, one network call per slice, tiny test model), then the probability-threshold
    //    slider: each position re-derives the mask from the mean probability map the server returns
    //    (fetched here over the API): voxel counts equal a direct count and fall as the threshold rises.
    // Navigate mode and the pointer off the images while the model runs (no stroke can start meanwhile).
    await keys('n');
    await page.getByTestId('journal-status').hover();
    const entriesBeforeRun = readJournal(journalFiles(server.dataDir)[0]!).length;
    await page.getByLabel('SDPM mode').selectOption('avg');
    await page.getByLabel('Seed').fill('7');
    await page.getByTestId('run-sdpm').click();
    // The mask has the reader's edits: the app asks first; this story replaces them with the model's mask.
    await page.getByTestId('run-replace-edits').click({ timeout: 10_000 });
    const finished = page.getByTestId('inference-finished');
    await finished.waitFor({ timeout: 20 * 60_000 });
    assert.match(await finished.innerText(), /Done in/);
    // The result arrives as a journaled snapshot of the run (an edit journaled during the run would keep it out).
    for (let waited = 0; lastSnapshotRunId(server) === null; waited += 500) {
      const since = readJournal(journalFiles(server.dataDir)[0]!).slice(entriesBeforeRun);
      const bar = (await page.getByTestId('error').count()) > 0 ? await page.getByTestId('error').innerText() : 'none';
      assert.ok(waited < 120_000, `no model snapshot journaled; entries since the run: ${JSON.stringify(since.map((e) => [e.kind, e.tool ?? '']))}; error bar: ${bar}`);
      await page.waitForTimeout(500);
    }
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(1500);
    state = await labelmapHash(page);
    lm = journaledLabelmap(server, nVoxels);
    const runId = lastSnapshotRunId(server);
    assert.ok(runId !== null, 'the model result is journaled as a snapshot with its run id');
    const probability = await fetchProbability(server, runId);
    assert.equal(probability.length, nVoxels);
    // the core rule (electron/core/lesions probabilityMask): float32 p > threshold
    const directCount = (th: number) => probability.reduce((n, p) => n + (p > Math.fround(th) ? 1 : 0), 0);
    assert.equal(state.voxels, directCount(0.5), 'the first mask is the probability map at 0.50');
    await shot('7-sdpm-result');
    const slider = page.getByLabel('Probability threshold');
    const counts: Array<[number, number]> = [];
    for (const th of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
      await slider.fill(String(th));
      await page.getByText(`Probability threshold ${th.toFixed(2)}`).waitFor();
      await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      state = await labelmapHash(page);
      lm = journaledLabelmap(server, nVoxels);
      const expected = directCount(th);
      counts.push([th, state.voxels]);
      assert.equal(state.voxels, expected, `threshold ${th}: ${state.voxels} voxels shown, ${expected} with p > ${th} in the probability map`);
      assert.ok(lm.every((x, v) => x === (probability[v]! > Math.fround(th) ? 1 : 0)), `threshold ${th}: the journaled mask is not exactly p > ${th}`);
    }
    t.diagnostic(`threshold -> voxels: ${counts.map(([th, n]) => `${th}:${n}`).join(' ')}`);
    for (let n = 1; n < counts.length; n++) assert.ok(counts[n]![1] <= counts[n - 1]![1], 'voxel counts fall as the threshold rises');
    assert.ok(counts[0]![1] > counts[counts.length - 1]![1], 'the slider changes the mask');
    await slider.fill('0.5');
    await page.getByText('Probability threshold 0.50').waitFor();
    await page.getByTestId('journal-status').filter({ hasText: 'All changes saved' }).waitFor({ timeout: 60_000 });
    await page.waitForTimeout(300);
    state = await labelmapHash(page);
    lm = journaledLabelmap(server, nVoxels);
    await shot('8-threshold-0.50');

    // 10. Contour editing of the AI labelmap (C): on the slice where the model's mask is largest, an
    //     outline drawn from inside the lesion out and back adds the enclosed area; one drawn from outside
    //     into the lesion and back removes it. Expected voxels: centres inside the drawn polygon (mapped to
    //     voxel indices by the calibration above), judged only farther than one voxel from its edges.
    const plane = nx * ny;
    let kAi = -1;
    let bestArea = 0;
    for (let k = 0; k < nz; k++) {
      const area = lm.subarray(k * plane, (k + 1) * plane).reduce((a, b) => a + b, 0);
      if (area > bestArea) {
        bestArea = area;
        kAi = k;
      }
    }
    assert.ok(bestArea >= 20, `the model's mask is too small to edit (largest slice: ${bestArea} voxels)`);
    const kPerWheel = (k2 - k0) / 2;
    const sliceNow = Number(await sliceText());
    const kNow = k2;
    assert.equal(sliceNow, sliceAfter);
    const wheelSteps = (kAi - kNow) / kPerWheel;
    await page.getByTestId('viewport-axial').hover();
    for (let n = 0; n < Math.abs(wheelSteps); n++) {
      const before = await sliceText();
      await page.mouse.wheel(0, 100 * Math.sign(wheelSteps));
      await page.waitForFunction((s) => !new RegExp(`slice ${s}/`).test(document.querySelector('[data-testid="slice-axial"]')?.textContent ?? ''), before);
    }
    // The row through the mask's centre on that slice; the lesion's right and left edges on it.
    const onSlice: number[] = [];
    for (let p = 0; p < plane; p++) if (lm[kAi * plane + p] !== 0) onSlice.push(p);
    const jc = Math.round(onSlice.reduce((a, p) => a + Math.floor(p / nx), 0) / onSlice.length);
    const row = onSlice.filter((p) => Math.floor(p / nx) === jc).map((p) => p % nx);
    assert.ok(row.length >= 4, `no lesion run on row ${jc} of slice ${kAi}`);
    const iRight = Math.max(...row);
    const iLeft = Math.min(...row);
    const at = (i: number, j: number) => i + nx * (j + ny * kAi);
    assert.ok(lm[at(iRight - 1, jc)] !== 0 && lm[at(iLeft - 4, jc)] === 0);
    const drawOutline = async (pts: ReadonlyArray<readonly [number, number]>) => {
      const first = canvasOf(pts[0]![0], pts[0]![1]);
      await page.mouse.move(first.x, first.y);
      await page.mouse.down();
      for (const [i, j] of [...pts.slice(1), pts[0]!]) {
        const c = canvasOf(i, j);
        await page.mouse.move(c.x, c.y, { steps: 12 });
      }
      await page.mouse.up();
    };
    const judge = (pts: ReadonlyArray<readonly [number, number]>, c: Change, expectAdd: boolean, what: string) => {
      const all = [...c.added, ...c.removed];
      assert.ok(all.every((v) => ijk(v)[2] === kAi), `${what}: changes only slice ${kAi}`);
      assert.equal((expectAdd ? c.removed : c.added).length, 0, `${what}: nothing ${expectAdd ? 'removed' : 'added'}`);
      const changed = new Set(expectAdd ? c.added : c.removed);
      let mustChange = 0;
      let changedInside = 0;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const inside = pointInPolygon(i, j, pts);
          const margin = distanceToPolygon(i, j, pts);
          const wasLesion = before10[at(i, j)]! !== 0;
          if (margin <= 1.5) continue;
          if (inside && wasLesion !== expectAdd) {
            mustChange++;
            if (changed.has(at(i, j))) changedInside++;
            else assert.fail(`${what}: voxel ${i},${j},${kAi} inside the outline was not ${expectAdd ? 'added' : 'removed'}`);
          }
          if (!inside) assert.ok(!changed.has(at(i, j)), `${what}: voxel ${i},${j},${kAi} outside the outline changed`);
        }
      }
      assert.ok(mustChange >= 10, `${what}: the outline must enclose some voxels to change (${mustChange})`);
      t.diagnostic(`${what}: ${changed.size} voxels changed, ${changedInside} of them clearly inside the outline`);
    };
    await keys('c');
    assert.equal(await activeMode(), 'mode-contour');
    const grow: Array<[number, number]> = [[iRight - 1, jc], [iRight + 8, jc - 8], [iRight + 14, jc], [iRight + 8, jc + 8]];
    let before10 = lm.slice();
    const grown = await act('outline from inside the lesion outwards (add)', () => drawOutline(grow));
    judge(grow, grown, true, 'outline add');
    await shot('9-outline-added');
    const cut: Array<[number, number]> = [[iLeft - 4, jc], [iLeft + 4, jc - 5], [iLeft + 6, jc], [iLeft + 4, jc + 5]];
    before10 = lm.slice();
    const trimmed = await act('outline from outside into the lesion (remove)', () => drawOutline(cut));
    judge(cut, trimmed, false, 'outline remove');
    await shot('10-outline-removed');
    // Outline edits are on the undo stack like the brush strokes.
    sameSet((await act('undo outline remove', () => keys('Control+z'))).added, trimmed.removed, 'undo restores the trimmed voxels');
    sameSet((await act('redo outline remove', () => keys('Control+y'))).removed, trimmed.removed, 'redo trims them again');

    // 11. Moving the threshold after editing replaces the mask; Ctrl+Z brings the edited mask back exactly
    //     (the overlay panel tells the reader so).
    const editedMask = lm.slice();
    const moved = await act('threshold to 0.65 after edits', async () => {
      await slider.fill('0.65');
      await page.getByText('Probability threshold 0.65').waitFor();
    });
    assert.equal(state.voxels, directCount(0.65));
    assert.ok(moved.removed.length > 0);
    await page.getByTestId('viewport-axial').hover();
    await act('undo the threshold change', () => keys('Control+z'));
    assert.ok(lm.every((x, v) => x === editedMask[v]), 'undo after a threshold change restores the edited mask exactly');
    await shot('11-threshold-undone');
    assert.deepEqual(errors, [], `page errors: ${errors.join('; ')}`);
  });
});
