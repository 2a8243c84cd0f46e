import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectedComponents, type Connectivity } from '../../../../../electron/core/lesions/connectedComponents';
import type { Vec3 } from '../../../../../electron/core/dicom/Volume';

function maskOf(dims: Vec3, points: Array<[number, number, number]>): Uint8Array {
  const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
  for (const [i, j, k] of points) m[i + dims[0] * (j + dims[1] * k)] = 1;
  return m;
}

/** Reference: explicit-stack flood fill. */
function bruteCount(mask: Uint8Array, dims: Vec3, conn: Connectivity): number[] {
  const [nx, ny, nz] = dims;
  const seen = new Uint8Array(mask.length);
  const sizes: number[] = [];
  for (let s = 0; s < mask.length; s++) {
    if (mask[s] === 0 || seen[s] === 1) continue;
    const stack = [s];
    seen[s] = 1;
    let size = 0;
    while (stack.length > 0) {
      const idx = stack.pop() as number;
      size++;
      const i = idx % nx;
      const j = Math.floor(idx / nx) % ny;
      const k = Math.floor(idx / (nx * ny));
      for (let dk = -1; dk <= 1; dk++)
        for (let dj = -1; dj <= 1; dj++)
          for (let di = -1; di <= 1; di++) {
            const m = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
            if (m === 0 || (conn === 6 && m > 1) || (conn === 18 && m > 2)) continue;
            const a = i + di, b = j + dj, c = k + dk;
            if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
            const t = a + nx * (b + ny * c);
            if (mask[t] === 1 && seen[t] === 0) { seen[t] = 1; stack.push(t); }
          }
    }
    sizes.push(size);
  }
  return sizes.sort((x, y) => y - x);
}

test('corner-touching voxels are one component with 26-connectivity, two with 18 and 6', () => {
  const dims: Vec3 = [3, 3, 3];
  const m = maskOf(dims, [[0, 0, 0], [1, 1, 1]]);
  assert.equal(connectedComponents(m, dims).count, 1);
  assert.equal(connectedComponents(m, dims, { connectivity: 18 }).count, 2);
  assert.equal(connectedComponents(m, dims, { connectivity: 6 }).count, 2);
});

test('edge-touching voxels: one component with 18, two with 6', () => {
  const dims: Vec3 = [3, 3, 1];
  const m = maskOf(dims, [[0, 0, 0], [1, 1, 0]]);
  assert.equal(connectedComponents(m, dims, { connectivity: 18 }).count, 1);
  assert.equal(connectedComponents(m, dims, { connectivity: 6 }).count, 2);
});

test('a U shape whose arms meet late is merged into one label (union-find), labels ordered by size', () => {
  const dims: Vec3 = [5, 4, 1];
  // arms at i=0 and i=4 going down rows 0..2, joined on row 3; plus an isolated voxel at (2,0)
  const pts: Array<[number, number, number]> = [];
  for (let j = 0; j < 4; j++) { pts.push([0, j, 0]); pts.push([4, j, 0]); }
  for (let i = 1; i < 4; i++) pts.push([i, 3, 0]);
  pts.push([2, 0, 0]);
  const cc = connectedComponents(maskOf(dims, pts), dims);
  assert.equal(cc.count, 2);
  assert.deepEqual(cc.sizesVoxels, [11, 1]);
  assert.equal(cc.labels[0], 1);
  assert.equal(cc.labels[4], 1);
  assert.equal(cc.labels[2], 2);
});

test('minSizeVoxels drops small components and reports how many', () => {
  const dims: Vec3 = [6, 1, 1];
  const m = maskOf(dims, [[0, 0, 0], [1, 0, 0], [2, 0, 0], [5, 0, 0]]);
  const cc = connectedComponents(m, dims, { minSizeVoxels: 2 });
  assert.equal(cc.count, 1);
  assert.equal(cc.removedCount, 1);
  assert.equal(cc.labels[5], 0);
  assert.deepEqual(cc.sizesVoxels, [3]);
});

test('matches an explicit flood fill on random masks for 6, 18 and 26 connectivity', () => {
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const dims: Vec3 = [17, 13, 9];
  for (let trial = 0; trial < 5; trial++) {
    const m = new Uint8Array(dims[0] * dims[1] * dims[2]);
    for (let t = 0; t < m.length; t++) m[t] = rand() < 0.25 ? 1 : 0;
    for (const conn of [6, 18, 26] as const) {
      const cc = connectedComponents(m, dims, { connectivity: conn });
      assert.deepEqual(cc.sizesVoxels, bruteCount(m, dims, conn), `trial ${trial} conn ${conn}`);
    }
  }
});

test('wrong mask length is a GEOMETRY_MISMATCH error', () => {
  assert.throws(() => connectedComponents(new Uint8Array(5), [2, 2, 2]), { code: 'GEOMETRY_MISMATCH' });
});
