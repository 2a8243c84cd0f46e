/**
 * Exact Euclidean distance transform in millimetres on an anisotropic 3-D grid
 * (Felzenszwalb & Huttenlocher, "Distance Transforms of Sampled Functions", 2012: separable lower
 * envelope of parabolas, one pass per axis, O(n)). Returns, for every voxel, the distance (mm, between
 * voxel centres, axes scaled by `spacingMm`) to the nearest voxel where `seeds` is non-zero;
 * Infinity everywhere when there is no seed.
 */
import type { Vec3 } from '../../dicom/Volume';

function transform1d(f: Float64Array, n: number, w2: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  // f: input squared distances (in place result written to d), w2: squared spacing along this axis
  let k = 0;
  let first = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] !== Infinity) {
      first = q;
      break;
    }
  }
  if (first < 0) {
    for (let q = 0; q < n; q++) d[q] = Infinity;
    return;
  }
  v[0] = first;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = first + 1; q < n; q++) {
    const fq = f[q] as number;
    if (fq === Infinity) continue;
    for (;;) {
      const vk = v[k] as number;
      const s = (fq + w2 * q * q - ((f[vk] as number) + w2 * vk * vk)) / (2 * w2 * (q - vk));
      if (s <= (z[k] as number)) {
        k--;
        if (k < 0) {
          k = 0;
          v[0] = q;
          z[0] = -Infinity;
          z[1] = Infinity;
          break;
        }
      } else {
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = Infinity;
        break;
      }
    }
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while ((z[k + 1] as number) < q) k++;
    const vk = v[k] as number;
    d[q] = w2 * (q - vk) * (q - vk) + (f[vk] as number);
  }
}

export function distanceTransformMm(seeds: ArrayLike<number>, dimensions: Vec3, spacingMm: Vec3): Float64Array {
  const [nx, ny, nz] = dimensions;
  const n = nx * ny * nz;
  const g = new Float64Array(n);
  for (let i = 0; i < n; i++) g[i] = seeds[i] !== 0 ? 0 : Infinity;
  const m = Math.max(nx, ny, nz);
  const f = new Float64Array(m);
  const d = new Float64Array(m);
  const v = new Int32Array(m);
  const z = new Float64Array(m + 1);
  const line = (base: number, len: number, stride: number, w2: number): void => {
    for (let q = 0; q < len; q++) f[q] = g[base + q * stride] as number;
    transform1d(f, len, w2, d, v, z);
    for (let q = 0; q < len; q++) g[base + q * stride] = d[q] as number;
  };
  const [wx, wy, wz] = [spacingMm[0] ** 2, spacingMm[1] ** 2, spacingMm[2] ** 2];
  for (let k = 0; k < nz; k++) for (let j = 0; j < ny; j++) line(nx * (j + ny * k), nx, 1, wx);
  for (let k = 0; k < nz; k++) for (let i = 0; i < nx; i++) line(i + nx * ny * k, ny, nx, wy);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) line(i + nx * j, nz, nx * ny, wz);
  for (let i = 0; i < n; i++) g[i] = Math.sqrt(g[i] as number);
  return g;
}
