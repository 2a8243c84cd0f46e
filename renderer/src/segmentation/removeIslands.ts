/**
 * Island removal: clears 6-connected lesion components smaller than `minVoxels` (in place). Returns the
 * number of voxels cleared. Iterative flood fill with an explicit stack (no recursion limits).
 */
export function removeIslands(labelmap: Uint8Array, dims: readonly [number, number, number], minVoxels: number): number {
  const [nx, ny, nz] = dims;
  const seen = new Uint8Array(labelmap.length);
  const stack = new Int32Array(labelmap.length);
  const component: number[] = [];
  let cleared = 0;
  for (let start = 0; start < labelmap.length; start++) {
    if (labelmap[start] === 0 || seen[start] === 1) continue;
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    component.length = 0;
    while (top > 0) {
      const v = stack[--top]!;
      component.push(v);
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      const push = (w: number) => {
        if (labelmap[w] !== 0 && seen[w] === 0) {
          seen[w] = 1;
          stack[top++] = w;
        }
      };
      if (i > 0) push(v - 1);
      if (i < nx - 1) push(v + 1);
      if (j > 0) push(v - nx);
      if (j < ny - 1) push(v + nx);
      if (k > 0) push(v - nx * ny);
      if (k < nz - 1) push(v + nx * ny);
    }
    if (component.length < minVoxels) {
      for (const v of component) labelmap[v] = 0;
      cleared += component.length;
    }
  }
  return cleared;
}
