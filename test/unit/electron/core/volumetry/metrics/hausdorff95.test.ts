import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hausdorff95 } from '../../../../../../electron/core/volumetry/metrics/hausdorff95';
import { surfaceDice } from '../../../../../../electron/core/volumetry/metrics/surfaceDice';
import { distanceTransformMm } from '../../../../../../electron/core/volumetry/metrics/distanceTransform';
import type { Vec3 } from '../../../../../../electron/core/dicom/Volume';

function line(n: number, lo: number, hi: number): Uint8Array {
  const m = new Uint8Array(n);
  for (let i = lo; i <= hi; i++) m[i] = 1;
  return m;
}

test('HD95 hand case: segments 0..9 and 2..11 at 0.5 mm: P95 of [0 x8, 1, 2] voxels = 1.55 voxels = 0.775 mm', () => {
  const a = line(20, 0, 9);
  const b = line(20, 2, 11);
  const dims: Vec3 = [20, 1, 1];
  assert.ok(Math.abs(hausdorff95(a, b, dims, [0.5, 1, 1]) - 0.775) < 1e-12);
  // medpy pooled definition: P95 of 20 values [0 x16, 1, 1, 2, 2] = 2 voxels
  assert.ok(Math.abs(hausdorff95(a, b, dims, [0.5, 1, 1], { mode: 'pooled' }) - 1.0) < 1e-12);
});

test('HD95 measures world mm on anisotropic grids: single voxels 3 apart along i at 2 mm = 6 mm; along k at 5 mm = 15 mm', () => {
  const dims: Vec3 = [5, 1, 5];
  const a = new Uint8Array(25);
  const b = new Uint8Array(25);
  a[0] = 1;
  b[3] = 1;
  assert.equal(hausdorff95(a, b, dims, [2, 1, 5]), 6);
  const c = new Uint8Array(25);
  c[15] = 1; // k = 3
  assert.equal(hausdorff95(a, c, dims, [2, 1, 5]), 15);
  assert.ok(Number.isNaN(hausdorff95(a, new Uint8Array(25), dims, [1, 1, 1])));
});

test('surface Dice hand case: 18 of 20 surface voxels within 0.5 mm', () => {
  const a = line(20, 0, 9);
  const b = line(20, 2, 11);
  assert.ok(Math.abs(surfaceDice(a, b, [20, 1, 1], [0.5, 1, 1], 0.5) - 0.9) < 1e-12);
  assert.equal(surfaceDice(a, b, [20, 1, 1], [0.5, 1, 1], 1.0), 1);
  assert.equal(surfaceDice(new Uint8Array(3), new Uint8Array(3), [3, 1, 1], [1, 1, 1], 1), 1);
});

test('exact EDT equals brute force on a random anisotropic grid', () => {
  const dims: Vec3 = [9, 7, 5];
  const sp: Vec3 = [0.7, 1.3, 4];
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const seeds = new Uint8Array(9 * 7 * 5);
  for (let i = 0; i < seeds.length; i++) seeds[i] = rand() < 0.05 ? 1 : 0;
  const d = distanceTransformMm(seeds, dims, sp);
  for (let idx = 0; idx < seeds.length; idx++) {
    const i = idx % 9, j = Math.floor(idx / 9) % 7, k = Math.floor(idx / 63);
    let best = Infinity;
    for (let s = 0; s < seeds.length; s++) {
      if (seeds[s] !== 1) continue;
      const di = (s % 9) - i, dj = (Math.floor(s / 9) % 7) - j, dk = Math.floor(s / 63) - k;
      best = Math.min(best, Math.hypot(di * sp[0], dj * sp[1], dk * sp[2]));
    }
    assert.ok(Math.abs((d[idx] as number) - best) < 1e-9, `voxel ${idx}: ${d[idx]} vs ${best}`);
  }
});

test('HD95 and surface Dice agree with scipy (independent reference) on two random blobs', { skip: !existsSync('/usr/bin/python3') && 'no /usr/bin/python3' }, () => {
  const dims: Vec3 = [24, 20, 12];
  const sp: Vec3 = [0.45, 0.45, 2.5];
  const mk = (cx: number, cy: number, cz: number, r: number): Uint8Array => {
    const m = new Uint8Array(24 * 20 * 12);
    for (let k = 0; k < 12; k++) for (let j = 0; j < 20; j++) for (let i = 0; i < 24; i++) {
      const x = (i - cx) * sp[0], y = (j - cy) * sp[1], z = (k - cz) * sp[2];
      if (x * x + y * y + z * z <= r * r + 3 * Math.sin(i * j + k)) m[i + 24 * (j + 20 * k)] = 1;
    }
    return m;
  };
  const a = mk(11, 10, 5, 4);
  const b = mk(13, 9, 6, 3.5);
  const py = `
import sys, json, numpy as np
from scipy import ndimage
d = json.load(sys.stdin)
shape = (12, 20, 24)
a = np.array(d['a'], dtype=bool).reshape(shape); b = np.array(d['b'], dtype=bool).reshape(shape)
sp = (2.5, 0.45, 0.45)
sa = a & ~ndimage.binary_erosion(a, border_value=0); sb = b & ~ndimage.binary_erosion(b, border_value=0)
da = ndimage.distance_transform_edt(~sa, sampling=sp); db = ndimage.distance_transform_edt(~sb, sampling=sp)
ab = db[sa]; ba = da[sb]
hd = max(np.percentile(ab, 95), np.percentile(ba, 95))
sd = ((ab <= 1.0).sum() + (ba <= 1.0).sum()) / (len(ab) + len(ba))
print(json.dumps([hd, sd]))`;
  const r = spawnSync('/usr/bin/python3', ['-c', py], { input: JSON.stringify({ a: [...a], b: [...b] }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [hdRef, sdRef] = JSON.parse(r.stdout) as [number, number];
  const hd = hausdorff95(a, b, dims, sp);
  const sd = surfaceDice(a, b, dims, sp, 1.0);
  assert.ok(Math.abs(hd - hdRef) < 1e-9, `${hd} vs scipy ${hdRef}`);
  assert.ok(Math.abs(sd - sdRef) < 1e-12, `${sd} vs scipy ${sdRef}`);
  assert.ok(hd > 0 && sd > 0 && sd < 1);
});
