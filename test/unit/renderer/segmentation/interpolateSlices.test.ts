import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateSlices } from '../../../../renderer/src/segmentation/interpolateSlices';

function disc(m: Uint8Array, nx: number, k: number, cx: number, cy: number, r: number): void {
  for (let y = 0; y < nx; y++) for (let x = 0; x < nx; x++) if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) m[x + nx * y + nx * nx * k] = 1;
}
const count = (m: Uint8Array, nx: number, k: number) => m.subarray(k * nx * nx, (k + 1) * nx * nx).reduce((a, b) => a + b, 0);

test('empty slices between two drawn discs get intermediate discs; drawn slices are untouched', () => {
  const nx = 40;
  const m = new Uint8Array(nx * nx * 5);
  disc(m, nx, 0, 20, 20, 4);
  disc(m, nx, 4, 20, 20, 12);
  const a0 = count(m, nx, 0);
  const a4 = count(m, nx, 4);
  const added = interpolateSlices(m, [nx, nx, 5]);
  assert.ok(added > 0);
  assert.equal(count(m, nx, 0), a0);
  assert.equal(count(m, nx, 4), a4);
  const areas = [1, 2, 3].map((k) => count(m, nx, k));
  assert.ok(areas[0]! > a0 && areas[2]! < a4, `areas ${areas} not between ${a0} and ${a4}`);
  assert.ok(areas[0]! < areas[1]! && areas[1]! < areas[2]!, `areas should grow: ${areas}`);
});

test('nothing to interpolate with fewer than two drawn slices', () => {
  const m = new Uint8Array(10 * 10 * 4);
  m[55] = 1;
  assert.equal(interpolateSlices(m, [10, 10, 4]), 0);
});

test('each gap is interpolated between its own neighbours; an overlapping shifted disc moves across the gap', () => {
  const nx = 40;
  const m = new Uint8Array(nx * nx * 7);
  disc(m, nx, 0, 10, 20, 5);
  disc(m, nx, 2, 10, 20, 5);
  // Shape-based interpolation needs the outlines to overlap (disjoint ones vanish midway).
  disc(m, nx, 6, 18, 20, 8);
  const a = count(m, nx, 0);
  interpolateSlices(m, [nx, nx, 7]);
  // Gap 1 (k=1): between two identical discs, the same disc.
  for (let p = 0; p < nx * nx; p++) assert.equal(m[p + nx * nx], m[p], `k=1 pixel ${p}`);
  // Gap 2 (k=3..5): from the r=5 disc at x=10 (k=2) to the r=8 disc at x=18 (k=6); the centre follows.
  for (const [k, want] of [[3, 12], [4, 14], [5, 16]] as const) {
    let sx = 0;
    let n = 0;
    for (let y = 0; y < nx; y++) for (let x = 0; x < nx; x++) if (m[x + nx * y + nx * nx * k] === 1) {
          sx += x;
          n++;
        }
    assert.ok(n > 0.6 * a && n < 3 * a, `k=${k}: area ${n}, start area ${a}`);
    assert.ok(Math.abs(sx / n - want) <= 1.5, `k=${k}: centre x ${sx / n}, want ${want}`);
  }
});
