/**
 * Shape-based interpolation between drawn axial slices (Raya & Udupa 1990): for every run of empty
 * slices between two slices with lesion, the signed distance maps of the two outlines are blended
 * linearly along k and thresholded at zero. Fills only empty slices; drawn slices are never changed.
 * Distances are 2-D chamfer (1, √2) in voxel units, in-plane. Returns the number of voxels added.
 */
export function interpolateSlices(labelmap: Uint8Array, dims: readonly [number, number, number], value = 1): number {
  const [nx, ny, nz] = dims;
  const plane = nx * ny;
  const hasLesion: boolean[] = [];
  for (let k = 0; k < nz; k++) {
    let any = false;
    for (let p = k * plane; p < (k + 1) * plane && !any; p++) any = labelmap[p] === value;
    hasLesion.push(any);
  }
  let added = 0;
  let prev = -1;
  for (let k = 0; k < nz; k++) {
    if (!hasLesion[k]) continue;
    if (prev >= 0 && k - prev > 1) {
      const a = signedDistance(labelmap, prev * plane, nx, ny, value);
      const b = signedDistance(labelmap, k * plane, nx, ny, value);
      for (let m = prev + 1; m < k; m++) {
        const t = (m - prev) / (k - prev);
        const base = m * plane;
        for (let p = 0; p < plane; p++) {
          if ((1 - t) * a[p]! + t * b[p]! <= 0 && labelmap[base + p] === 0) {
            labelmap[base + p] = value;
            added++;
          }
        }
      }
    }
    prev = k;
  }
  return added;
}

/** Negative inside, positive outside, in voxel units. */
function signedDistance(labelmap: Uint8Array, offset: number, nx: number, ny: number, value: number): Float32Array {
  const inside = new Uint8Array(nx * ny);
  for (let p = 0; p < nx * ny; p++) inside[p] = labelmap[offset + p] === value ? 1 : 0;
  const dOut = chamfer(inside, nx, ny, 1);
  const dIn = chamfer(inside, nx, ny, 0);
  const out = new Float32Array(nx * ny);
  for (let p = 0; p < nx * ny; p++) out[p] = inside[p] === 1 ? -(dIn[p]! - 0.5) : dOut[p]! - 0.5;
  return out;
}

/** Distance from each pixel to the nearest pixel whose `inside` equals `target` (two-pass chamfer). */
function chamfer(inside: Uint8Array, nx: number, ny: number, target: number): Float32Array {
  const BIG = 1e9;
  const d = new Float32Array(nx * ny);
  for (let p = 0; p < nx * ny; p++) d[p] = inside[p] === target ? 0 : BIG;
  const a = 1;
  const b = Math.SQRT2;
  for (let y = 0; y < ny; y++) {
    for (let x = 0; x < nx; x++) {
      const p = y * nx + x;
      let v = d[p]!;
      if (x > 0) v = Math.min(v, d[p - 1]! + a);
      if (y > 0) {
        v = Math.min(v, d[p - nx]! + a);
        if (x > 0) v = Math.min(v, d[p - nx - 1]! + b);
        if (x < nx - 1) v = Math.min(v, d[p - nx + 1]! + b);
      }
      d[p] = v;
    }
  }
  for (let y = ny - 1; y >= 0; y--) {
    for (let x = nx - 1; x >= 0; x--) {
      const p = y * nx + x;
      let v = d[p]!;
      if (x < nx - 1) v = Math.min(v, d[p + 1]! + a);
      if (y < ny - 1) {
        v = Math.min(v, d[p + nx]! + a);
        if (x < nx - 1) v = Math.min(v, d[p + nx + 1]! + b);
        if (x > 0) v = Math.min(v, d[p + nx - 1]! + b);
      }
      d[p] = v;
    }
  }
  return d;
}
