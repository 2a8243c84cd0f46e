/** Messages between the page and the lesion worker. */
import type { LesionTable } from './LesionModel';

export interface GeometryMessage {
  dimensions: [number, number, number];
  spacingMm: [number, number, number];
  originLps: [number, number, number];
  directionLps: [number, number, number, number, number, number, number, number, number];
}

export type WorkerRequest =
  | { kind: 'init'; geometry: GeometryMessage }
  | { kind: 'replace'; labelmap: Uint8Array; fresh: boolean }
  | { kind: 'diff'; runs: number[]; values: number[] }
  | { kind: 'checkpoint' }
  | { kind: 'restoreCheckpoint' }
  | { kind: 'voxelsOf'; requestId: number; lesionId: number; version: number };

export type WorkerReply = { kind: 'table'; table: LesionTable } | { kind: 'voxels'; requestId: number; voxels: Int32Array | null } | { kind: 'error'; message: string };
