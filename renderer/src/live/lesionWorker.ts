/**
 * Web Worker entry: owns a LesionModel. Messages are applied in order; a measurement is made once the
 * queue is empty (a burst of strokes costs one measurement), and posted with the labelmap version.
 */
import { LesionModel } from './LesionModel';
import { geometryOf, type WorkerReply, type WorkerRequest } from './lesionProtocol';

let model: LesionModel | null = null;
let scheduled = false;
const scope = self as unknown as { postMessage: (m: WorkerReply, transfer?: Transferable[]) => void; onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null };

function post(m: WorkerReply, transfer: Transferable[] = []): void {
  scope.postMessage(m, transfer);
}

function scheduleMeasure(): void {
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    if (model === null) return;
    try {
      post({ kind: 'table', table: model.measure() });
    } catch (err) {
      post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }, 0);
}

scope.onmessage = (e) => {
  const m = e.data;
  try {
    if (m.kind === 'init') {
      model = new LesionModel(geometryOf(m.geometry));
      return;
    }
    if (model === null) throw new Error('lesion worker used before init');
    if (m.kind === 'replace') {
      model.replace(m.labelmap, m.fresh);
      scheduleMeasure();
    } else if (m.kind === 'diff') {
      model.applyDiff(m);
      scheduleMeasure();
    } else if (m.kind === 'adoptIds') {
      if (model.adoptIds(m.modelVersion, m.lesions)) scheduleMeasure();
    } else if (m.kind === 'checkpoint') {
      model.checkpoint();
    } else if (m.kind === 'restoreCheckpoint') {
      model.restoreCheckpoint();
      scheduleMeasure();
    } else if (m.kind === 'voxelsOf') {
      const voxels = model.voxelsOf(m.lesionId, m.version);
      post({ kind: 'voxels', requestId: m.requestId, voxels }, voxels === null ? [] : [voxels.buffer]);
    }
  } catch (err) {
    post({ kind: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
