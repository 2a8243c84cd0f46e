/** 6-connected component labels (1..n, 0 = background) of a labelmap, with each component's voxel count. */
export function labelComponents(labelmap: Uint8Array, dims: readonly [number, number, number]): { labels: Int32Array; sizes: number[] } {
  const [nx, ny, nz] = dims;
  const labels = new Int32Array(labelmap.length);
  const stack = new Int32Array(labelmap.length);
  const sizes: number[] = [0];
  let next = 0;
  for (let s = 0; s < labelmap.length; s++) {
    if (labelmap[s] === 0 || labels[s] !== 0) continue;
    next++;
    let size = 0;
    let top = 0;
    stack[top++] = s;
    labels[s] = next;
    while (top > 0) {
      const v = stack[--top]!;
      size++;
      const i = v % nx;
      const j = Math.floor(v / nx) % ny;
      const k = Math.floor(v / (nx * ny));
      const visit = (w: number) => {
        if (labelmap[w] !== 0 && labels[w] === 0) {
          labels[w] = next;
          stack[top++] = w;
        }
      };
      if (i > 0) visit(v - 1);
      if (i < nx - 1) visit(v + 1);
      if (j > 0) visit(v - nx);
      if (j < ny - 1) visit(v + nx);
      if (k > 0) visit(v - nx * ny);
      if (k < nz - 1) visit(v + nx * ny);
    }
    sizes.push(size);
  }
  return { labels, sizes };
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
