/**
 * The fill tool: fills the background region around a clicked voxel, in the plane of the view it was
 * clicked in, when lesion encloses that region. A region that reaches the edge of the plane is open and
 * is left alone (a click beside a lesion would otherwise paint the whole slice). 4-connected, like
 * fillHoles. In place. `axis` is the voxel axis normal to the view plane (0 = i, 1 = j, 2 = k);
 * flat index = i + nx*(j + ny*k) (Volume.ts).
 */
export type FillResult = { filled: number; reason: 'filled' | 'on-lesion' | 'open' | 'outside' };

export function fillRegionAt(labelmap: Uint8Array, dims: readonly [number, number, number], seedIjk: readonly [number, number, number], axis: 0 | 1 | 2, value = 1): FillResult {
  const [nx, ny, nz] = dims;
  const [si, sj, sk] = seedIjk.map(Math.round) as [number, number, number];
  if (si < 0 || sj < 0 || sk < 0 || si >= nx || sj >= ny || sk >= nz) return { filled: 0, reason: 'outside' };
  const strides = [1, nx, nx * ny];
  const sizes = [nx, ny, nz];
  // The two in-plane axes (u, w) of the clicked view.
  const [u, w] = ([0, 1, 2] as const).filter((a) => a !== axis) as [number, number];
  const seed = si + nx * (sj + ny * sk);
  if (labelmap[seed] !== 0) return { filled: 0, reason: 'on-lesion' };
  const coord = (v: number, a: number) => Math.floor(v / strides[a]!) % sizes[a]!;
  const region = [seed];
  const seen = new Set([seed]);
  for (let n = 0; n < region.length; n++) {
    const v = region[n]!;
    for (const a of [u, w]) {
      const c = coord(v, a);
      if (c === 0 || c === sizes[a]! - 1) return { filled: 0, reason: 'open' };
      for (const x of [v - strides[a]!, v + strides[a]!]) {
        if (labelmap[x] === 0 && !seen.has(x)) {
          seen.add(x);
          region.push(x);
        }
      }
    }
  }
  for (const v of region) labelmap[v] = value;
  return { filled: region.length, reason: 'filled' };
}
