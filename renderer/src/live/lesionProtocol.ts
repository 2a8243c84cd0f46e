/** Messages between the page and the lesion worker. */
import type { LesionGeometry, LesionTable } from './LesionModel';

export interface GeometryMessage {
  dimensions: [number, number, number];
  spacingMm: [number, number, number];
  originLps: [number, number, number];
  directionLps: [number, number, number, number, number, number, number, number, number];
  /** Source slices as acquired: lesion volumes are measured on them (core measureLesions), as in the report and SEG. */
  source?: {
    imageOrientationPatient: [number, number, number, number, number, number];
    pixelSpacingMm: [number, number];
    rows: number;
    columns: number;
    slicePositionsLps: Array<[number, number, number]>;
  };
}

export type WorkerRequest =
  | { kind: 'init'; geometry: GeometryMessage }
  | { kind: 'replace'; labelmap: Uint8Array; fresh: boolean }
  | { kind: 'diff'; runs: number[]; values: number[] }
  | { kind: 'adoptIds'; modelVersion: number; lesions: Array<{ lesionId: number; voxelCount: number; centroidIjk: number[] }> }
  | { kind: 'checkpoint' }
  | { kind: 'restoreCheckpoint' }
  | { kind: 'voxelsOf'; requestId: number; lesionId: number; version: number };

export type WorkerReply = { kind: 'table'; table: LesionTable } | { kind: 'voxels'; requestId: number; voxels: Int32Array | null } | { kind: 'error'; message: string };

/** The core's geometry types from the message (source slices carry only what volumes need). */
export function geometryOf(g: GeometryMessage): LesionGeometry {
  const base = { dimensions: g.dimensions, spacingMm: g.spacingMm, originLps: g.originLps, directionLps: g.directionLps };
  if (g.source === undefined) return base;
  const src = g.source;
  return {
    ...base,
    source: {
      imageOrientationPatient: src.imageOrientationPatient,
      pixelSpacingMm: src.pixelSpacingMm,
      rows: src.rows,
      columns: src.columns,
      slices: src.slicePositionsLps.map((positionLps, k) => ({ sopInstanceUid: '', sopClassUid: '', positionLps, normalPositionMm: 0, instanceNumber: k + 1, filePath: '' })),
    },
  };
}
