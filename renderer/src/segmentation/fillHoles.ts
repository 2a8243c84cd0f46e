/**
 * Hole filling, slice by slice in the axial plane: background pixels of a slice that are not
 * 4-connected to the slice border are enclosed by lesion and become lesion. Works per slice because
 * readers draw and check outlines slice by slice; a 3-D fill would leave a cup-shaped lesion open.
 * In place; returns the number of voxels added. Flat index = i + nx*(j + ny*k) (Volume.ts).
 */
export function fillHoles(labelmap: Uint8Array, dims: readonly [number, number, number], value = 1): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const outside = new Uint8Array(plane);
  const stack = new Int32Array(plane);
  let added = 0;
  for (let k = 0; k < nz; k++) {
    const base = k * plane;
    let any = false;
    for (let p = 0; p < plane && !any; p++) any = labelmap[base + p] !== 0;
    if (!any) continue;
    outside.fill(0);
    let top = 0;
    const seed = (p: number) => {
      if (outside[p] === 0 && labelmap[base + p] === 0) {
        outside[p] = 1;
        stack[top++] = p;
      }
    };
    for (let i = 0; i < nx; i++) {
      seed(i);
      seed((ny - 1) * nx + i);
    }
    for (let j = 0; j < ny; j++) {
      seed(j * nx);
      seed(j * nx + nx - 1);
    }
    while (top > 0) {
      const p = stack[--top]!;
      const i = p % nx;
      const j = (p - i) / nx;
      if (i > 0) seed(p - 1);
      if (i < nx - 1) seed(p + 1);
      if (j > 0) seed(p - nx);
      if (j < ny - 1) seed(p + nx);
    }
    for (let p = 0; p < plane; p++) {
      if (outside[p] === 0 && labelmap[base + p] === 0) {
        labelmap[base + p] = value;
        added++;
      }
    }
  }
  return added;
}
