/** Index <-> world (LPS mm) for the volume the API describes: core's one rule (electron/core/lesions ijkToLps). */
import { ijkToLps, type VolumeGeometry } from '../../../electron/core/lesions/index';

export interface GridGeometry {
  dimensions: readonly number[];
  spacingMm: readonly number[];
  originLps: readonly number[];
  directionLps: readonly number[];
}

export function ijkToWorld(g: GridGeometry, ijk: readonly number[]): [number, number, number] {
  return ijkToLps(g as unknown as VolumeGeometry, ijk[0] ?? 0, ijk[1] ?? 0, ijk[2] ?? 0);
}

export function voxelCountOf(g: GridGeometry): number {
  return (g.dimensions[0] ?? 0) * (g.dimensions[1] ?? 0) * (g.dimensions[2] ?? 0);
}
