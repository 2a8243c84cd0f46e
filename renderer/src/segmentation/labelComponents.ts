import { connectedComponents } from '../../../electron/core/lesions/index';

/**
 * Lesion component labels (1..n by decreasing size, 0 = background) of a labelmap with each component's voxel
 * count (`sizes[label]`, sizes[0] unused): the core's labelling and connectivity (LESION_CONNECTIVITY), the same
 * lesions as the engine, the report and the SEG.
 */
export function labelComponents(labelmap: Uint8Array, dims: readonly [number, number, number]): { labels: Int32Array; sizes: number[] } {
  const cc = connectedComponents(labelmap, dims);
  return { labels: cc.labels, sizes: [0, ...cc.sizesVoxels] };
}

/** The component label whose voxel is nearest to a point (ijk), or 0 when the labelmap is empty. */
export function componentNear(labels: Int32Array, dims: readonly [number, number, number], ijk: readonly number[]): number {
  const [nx, ny] = dims;
  let best = 0;
  let bestD = Infinity;
  for (let v = 0; v < labels.length; v++) {
    if (labels[v] === 0) continue;
    const di = (v % nx) - (ijk[0] ?? 0);
    const dj = (Math.floor(v / nx) % ny) - (ijk[1] ?? 0);
    const dk = Math.floor(v / (nx * ny)) - (ijk[2] ?? 0);
    const d = di * di + dj * dj + dk * dk;
    if (d < bestD) {
      bestD = d;
      best = labels[v]!;
    }
  }
  return best;
}
