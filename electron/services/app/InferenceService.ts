/**
 * What the services need from inference and export. Implemented over the inference engine's worker
 * (electron/worker) by a host: a worker thread in the local server, an Electron utilityProcess in the app.
 */
import type { EventName, EventPayload, Request, Response } from '../../ipc/contract';
import type { LoadedStudy } from './createServices';
import type { Calibration, LesionType } from '../../core/index';

export interface LesionContext {
  reference: Int32Array;
  sampleRangeMl: ReadonlyMap<number, [number, number]>;
  calibration: Calibration | null;
  /** why the run has no calibrated interval when `calibration` is null (no calibration.json, or one for another mode) */
  noCalibrationNote: string;
  /** the run's detection note (report.json detectionNote: the bundle's held-out detection per lesion kind), null without one */
  detectionNote: string | null;
  /** labels.json lesion types of the run's bundle (lesion kind per lesion) */
  lesionTypes: readonly LesionType[];
}

export interface InferenceService {
  bundleInfo(): Promise<{ name: string; version: string } | null>;
  options(): Promise<Response<'inference:options'>>;
  /** Warms the engine for a first Run in the background (called when a study opens); never throws. */
  prepare(): void;
  start(study: LoadedStudy, settings: Request<'inference:start'>['settings'], emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void): Promise<string>;
  cancel(runId: string): void;
  map(runId: string, map: Request<'inference:map'>['map']): Promise<Response<'inference:map'>>;
  regions(runId: string): Response<'inference:regions'>['regions'];
  /**
   * The run's lesion facts keyed by stable lesion ID: its candidate ID map (the `reference` that keeps the
   * engine's IDs, electron/core/lesions/lesionIds.ts), per-lesion sample range, and the bundle's calibration.
   * null when the run is unknown or unfinished.
   */
  lesionContext(runId: string): LesionContext | null;
  /** The run's dropped candidates with their voxels (restorable by the reader). */
  dropped(runId: string): Response<'inference:dropped'>['candidates'];
  exportSeg(study: LoadedStudy, request: Request<'export:seg'>, outFolder: string): Promise<Response<'export:seg'>>;
}
