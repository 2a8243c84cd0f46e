import { connectedComponents } from '../../../electron/core/lesions/index';

/**
 * Island removal: clears lesion components (the core's connectivity, LESION_CONNECTIVITY) smaller than
 * `minVoxels`, in place. Returns the number of voxels cleared.
 */
export function removeIslands(labelmap: Uint8Array, dims: readonly [number, number, number], minVoxels: number): number {
  const cc = connectedComponents(labelmap, dims);
  let cleared = 0;
  for (let v = 0; v < labelmap.length; v++) {
    const l = cc.labels[v]!;
    if (l !== 0 && cc.sizesVoxels[l - 1]! < minVoxels) {
      labelmap[v] = 0;
      cleared++;
    }
  }
  return cleared;
}
