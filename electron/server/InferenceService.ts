/**
 * What the services need from inference and export. Implemented over the inference engine's worker
 * (electron/worker) by a host: a worker thread in the local server, an Electron utilityProcess in the app.
 */
import type { EventName, EventPayload, Request, Response } from '../ipc/contract';
import type { LoadedStudy } from './createServices';

export interface InferenceService {
  bundleInfo(): Promise<{ name: string; version: string } | null>;
  options(): Promise<Response<'inference:options'>>;
  start(study: LoadedStudy, settings: Request<'inference:start'>['settings'], emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void): Promise<string>;
  cancel(runId: string): void;
  map(runId: string, map: Request<'inference:map'>['map']): Promise<Response<'inference:map'>>;
  regions(runId: string): Response<'inference:regions'>['regions'];
  /** Per-lesion [low, high] volume (mL) over the run's samples, lesions given as component labels 1..n. */
  sampleIntervals(runId: string, labels: Int32Array, nLesions: number): Array<[number, number] | null> | null;
  exportSeg(study: LoadedStudy, request: Request<'export:seg'>, outFolder: string): Promise<Response<'export:seg'>>;
}
