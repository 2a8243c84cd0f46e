/**
 * 3-D connected-component labelling of a binary mask (two-pass union-find, no recursion, O(n α(n))).
 *
 * Contract:
 * - `mask` is any voxel array on the Volume index convention (flat index = i + nx*(j + ny*k)); a voxel is
 *   foreground when its value is non-zero.
 * - Connectivity LESION_CONNECTIVITY by default (connectivity.ts); 18 (face + edge) or 6 (faces only) on request.
 * - Components smaller than `minSizeVoxels` are dropped (label 0 in the result).
 * - Labels are 1..count, ordered by size (largest first), ties broken by the raster index of the
 *   component's first voxel, so the numbering is deterministic for a given mask.
 */
import { SdpmError } from '../errors';
import type { Vec3 } from '../dicom/Volume';
import { LESION_CONNECTIVITY, type Connectivity } from './connectivity';

export type { Connectivity };

export interface ConnectedComponentsOptions {
  connectivity?: Connectivity;
  /** Components with fewer voxels than this are removed. Default 1 (keep all). */
  minSizeVoxels?: number;
}

export interface ConnectedComponents {
  /** Same length as the mask: 0 background, 1..count component label. */
  labels: Int32Array;
  count: number;
  /** sizesVoxels[label - 1] = number of voxels of that component. */
  sizesVoxels: number[];
  /** Number of components dropped by `minSizeVoxels`. */
  removedCount: number;
}

/** Neighbour offsets (di, dj, dk) already visited in raster order, i.e. the "backward" half. */
function backwardOffsets(connectivity: Connectivity): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let dk = -1; dk <= 0; dk++) {
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        if (dk === 0 && (dj > 0 || (dj === 0 && di >= 0))) continue;
        const manhattan = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
        if (connectivity === 6 && manhattan > 1) continue;
        if (connectivity === 18 && manhattan > 2) continue;
        out.push([di, dj, dk]);
      }
    }
  }
  return out;
}

function find(parent: Int32Array, x: number): number {
  let root = x;
  while (parent[root] !== root) root = parent[root] as number;
  // path compression
  let cur = x;
  while (parent[cur] !== root) {
    const next = parent[cur] as number;
    parent[cur] = root;
    cur = next;
  }
  return root;
}

export function connectedComponents(
  mask: ArrayLike<number>,
  dimensions: Vec3,
  options: ConnectedComponentsOptions = {},
): ConnectedComponents {
  const [nx, ny, nz] = dimensions;
  const n = nx * ny * nz;
  if (mask.length !== n) {
    throw new SdpmError('GEOMETRY_MISMATCH', `mask has ${mask.length} voxels but dimensions ${nx}x${ny}x${nz} need ${n}`);
  }
  const connectivity = options.connectivity ?? LESION_CONNECTIVITY;
  const minSize = Math.max(1, Math.floor(options.minSizeVoxels ?? 1));
  const offsets = backwardOffsets(connectivity);
  const labels = new Int32Array(n);
  // provisional label -> parent; grows as needed (label 0 unused)
  let parent = new Int32Array(1024);
  let next = 1;

  for (let k = 0; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i++) {
        const idx = row + i;
        if (mask[idx] === 0) continue;
        let label = 0;
        for (const [di, dj, dk] of offsets) {
          const ii = i + di;
          const jj = j + dj;
          const kk = k + dk;
          if (ii < 0 || ii >= nx || jj < 0 || jj >= ny || kk < 0) continue;
          const nl = labels[ii + nx * (jj + ny * kk)] as number;
          if (nl === 0) continue;
          if (label === 0) {
            label = nl;
          } else if (nl !== label) {
            const a = find(parent, label);
            const b = find(parent, nl);
            if (a !== b) {
              if (a < b) parent[b] = a;
              else parent[a] = b;
            }
          }
        }
        if (label === 0) {
          if (next >= parent.length) {
            const grown = new Int32Array(parent.length * 2);
            grown.set(parent);
            parent = grown;
          }
          parent[next] = next;
          label = next++;
        }
        labels[idx] = label;
      }
    }
  }

  // resolve roots, count sizes and first voxel per root
  const rootSize = new Map<number, number>();
  const rootFirst = new Map<number, number>();
  for (let idx = 0; idx < n; idx++) {
    const l = labels[idx] as number;
    if (l === 0) continue;
    const r = find(parent, l);
    labels[idx] = r;
    rootSize.set(r, (rootSize.get(r) ?? 0) + 1);
    if (!rootFirst.has(r)) rootFirst.set(r, idx);
  }
  const roots = [...rootSize.keys()];
  const kept = roots.filter((r) => (rootSize.get(r) ?? 0) >= minSize);
  kept.sort((a, b) => (rootSize.get(b) ?? 0) - (rootSize.get(a) ?? 0) || (rootFirst.get(a) ?? 0) - (rootFirst.get(b) ?? 0));
  const finalLabel = new Int32Array(next);
  kept.forEach((r, index) => {
    finalLabel[r] = index + 1;
  });
  for (let idx = 0; idx < n; idx++) {
    const l = labels[idx] as number;
    if (l !== 0) labels[idx] = finalLabel[l] as number;
  }
  return {
    labels,
    count: kept.length,
    sizesVoxels: kept.map((r) => rootSize.get(r) ?? 0),
    removedCount: roots.length - kept.length,
  };
}
