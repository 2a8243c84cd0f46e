/** Index <-> world (LPS mm) for the volume the API describes; same convention as electron/core/dicom/Volume.ts. */
export interface GridGeometry {
  dimensions: readonly number[];
  spacingMm: readonly number[];
  originLps: readonly number[];
  directionLps: readonly number[];
}

export function ijkToWorld(g: GridGeometry, ijk: readonly number[]): [number, number, number] {
  const d = g.directionLps;
  const a = (ijk[0] ?? 0) * (g.spacingMm[0] ?? 1);
  const b = (ijk[1] ?? 0) * (g.spacingMm[1] ?? 1);
  const c = (ijk[2] ?? 0) * (g.spacingMm[2] ?? 1);
  const o = g.originLps;
  return [
    (o[0] ?? 0) + (d[0] ?? 0) * a + (d[3] ?? 0) * b + (d[6] ?? 0) * c,
    (o[1] ?? 0) + (d[1] ?? 0) * a + (d[4] ?? 0) * b + (d[7] ?? 0) * c,
    (o[2] ?? 0) + (d[2] ?? 0) * a + (d[5] ?? 0) * b + (d[8] ?? 0) * c,
  ];
}

export function voxelCountOf(g: GridGeometry): number {
  return (g.dimensions[0] ?? 0) * (g.dimensions[1] ?? 0) * (g.dimensions[2] ?? 0);
}
