import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkerInferenceService } from '../../../../../electron/services/app/WorkerInferenceService';
import type { InferenceHost, PrepareRequest } from '../../../../../electron/worker/InferenceHost';
import type { LoadedStudy } from '../../../../../electron/services/app/createServices';
import type { JobHandlers, Job } from '../../../../../electron/worker/InferenceWorkerHost';
import type { ResultMessage } from '../../../../../electron/worker/protocol';
import { SdpmError } from '../../../../../electron/core/errors';
import { silentLogger } from '../../../../../electron/core/logger';
import type { Volume } from '../../../../../electron/core/dicom/Volume';
import { toMeasureCalibration } from '../../../../../electron/services/app/dto';
import type { InferenceRequest } from '../../../../../electron/core/inference/InferenceRequest';

/** A host whose job the test drives by hand. */
function fakeHost() {
  const ctl: { handlers: JobHandlers | null; request: InferenceRequest | null; prepared: PrepareRequest[]; resolve: (r: ResultMessage) => void; reject: (e: unknown) => void; cancelled: boolean } = {
    handlers: null,
    request: null,
    prepared: [],
    resolve: () => undefined,
    reject: () => undefined,
    cancelled: false,
  };
  const host: InferenceHost = {
    prepare(request) {
      ctl.prepared.push(request);
    },
    run(request, handlers): Job {
      ctl.handlers = handlers ?? {};
      ctl.request = request;
      const result = new Promise<ResultMessage>((res, rej) => {
        ctl.resolve = res;
        ctl.reject = rej;
      });
      return {
        jobId: 'j',
        result,
        cancel: () => {
          ctl.cancelled = true;
          ctl.reject(new SdpmError('CANCELLED', 'cancelled'));
        },
      };
    },
  };
  return { host, ctl };
}

const volume = { dimensions: [2, 2, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: new Int16Array(4) } as unknown as Volume;
const study: LoadedStudy = { volumeId: 'v', volume, folder: '/ct', studyKey: 'study-x' };
const flush = () => new Promise<void>((r) => setImmediate(r));

test('y_avg streams as a partial result the page can fetch before the run ends; progress and the end are events', async () => {
  const { host, ctl } = fakeHost();
  const svc = new WorkerInferenceService(host, '/no/bundle', silentLogger, '0.1.0');
  const events: Array<[string, unknown]> = [];
  const runId = await svc.start(study, { mode: 'sal', profile: 'cpu-fast', nSamples: 3, seed: 5 }, (name, payload) => events.push([name, payload]));
  assert.deepEqual(ctl.request?.overrides, { 'ySal.nSamples': 3 });
  assert.equal(ctl.request?.seed, 5);
  assert.equal(ctl.request?.profile, 'cpu-fast');
  await assert.rejects(svc.map(runId, 'yAvg'), /not ready/);
  ctl.handlers?.onLog?.('warn', 'execution provider: cpu (fallback)');
  ctl.handlers?.onProgress?.({ phase: 'avg', doneImages: 1, totalImages: 4, slicesDone: 1, slicesTotal: 1, elapsedMs: 10, etaMs: 3000 });
  const yAvg = new Float32Array([0.1, 0.9, 0.2, 0.8]);
  ctl.handlers?.onPartial?.({ type: 'partial-result', jobId: 'j', mode: 'avg', dimensions: [2, 2, 1], probability: yAvg, mask: new Uint8Array(4), totalVolumeMl: 0.002 });
  const m = await svc.map(runId, 'yAvg');
  assert.deepEqual(Array.from(new Float32Array(m.data.buffer, m.data.byteOffset, 4)), Array.from(yAvg));
  const progress = events.find(([n]) => n === 'inference:progress')?.[1] as { fraction: number; etaS: number; provider: string };
  assert.equal(progress.fraction, 0.25);
  assert.equal(progress.etaS, 3);
  assert.equal(progress.provider, 'CPU (fallback)');
  assert.ok(events.some(([n]) => n === 'inference:partial'));
  await assert.rejects(svc.start(study, { mode: 'avg', profile: null, seed: 0 }, () => undefined), /already in progress/);
  ctl.resolve({ type: 'result', jobId: 'j', probability: yAvg, mask: new Uint8Array(4), uncertainty: new Float32Array(4), std: null, agreement: null, geometry: { dimensions: [2, 2, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, report: { provider: { used: 'cpu' }, lesions: [], slicesToReview: [] } } as unknown as ResultMessage);
  await flush();
  const finished = events.find(([n]) => n === 'inference:finished')?.[1] as { status: string; provider: string };
  assert.deepEqual([finished.status, finished.provider], ['done', 'cpu']);
  assert.equal((await svc.map(runId, 'uncertainty')).data.byteLength, 16);
});

test('a cancelled run ends as cancelled, not failed, and a new run can start', async () => {
  const { host, ctl } = fakeHost();
  const svc = new WorkerInferenceService(host, '/no/bundle', silentLogger, '0.1.0');
  const events: Array<[string, unknown]> = [];
  const runId = await svc.start(study, { mode: 'avg', profile: null, seed: 0 }, (n, p) => events.push([n, p]));
  svc.cancel(runId);
  await flush();
  assert.ok(ctl.cancelled);
  assert.equal((events.find(([n]) => n === 'inference:finished')?.[1] as { status: string }).status, 'cancelled');
  await svc.start(study, { mode: 'avg', profile: null, seed: 0 }, () => undefined);
});

test('without a bundle the service still starts; every SDPM request answers with the resolver error', async () => {
  const { host, ctl } = fakeHost();
  const why = new SdpmError('BUNDLE_NOT_FOUND', 'no model bundle found; tried: /r/models/bundles (packaged: not found)');
  const svc = new WorkerInferenceService(host, why, silentLogger, '0.1.0');
  assert.equal(await svc.bundleInfo(), null);
  await assert.rejects(svc.options(), (e: unknown) => e === why);
  await assert.rejects(svc.start(study, { mode: 'avg', profile: null, seed: 0 }, () => undefined), (e: unknown) => e === why);
  assert.equal(ctl.request, null);
});

test('dropped candidates come back with exactly their voxels; measuring keeps the engine lesion IDs (no centroids)', async () => {
  const { host, ctl } = fakeHost();
  const svc = new WorkerInferenceService(host, '/no/bundle', silentLogger, '0.1.0');
  (svc as unknown as { bundle: () => unknown }).bundle = () => ({ calibration: null, labels: { lesionTypes: [] } });
  const row = { ...study, volume: { ...volume, dimensions: [4, 1, 1] } as unknown as Volume };
  const runId = await svc.start(row, { mode: 'avg', profile: null, seed: 0 }, () => undefined);
  // 4x1x1 grid, candidates {0} and {3} (1 voxel each; ties by raster order: voxel 0 -> ID 1, voxel 3 -> ID 2);
  // the engine kept ID 1 and dropped candidate 2
  const mask = Uint8Array.from([1, 0, 0, 0]);
  ctl.resolve({ type: 'result', jobId: 'j', probability: new Float32Array(4), mask, droppedVoxels: Int32Array.from([3]), uncertainty: null, std: null, agreement: null, geometry: { dimensions: [4, 1, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, report: { provider: { used: 'cpu' }, detectionNote: 'This model misses most infarcts.', lesions: [{ id: 1, sampleRangeMl: null }], droppedCandidates: [{ id: 2, volumeMl: 0.001, meanHu: 400, rule: 'meanHu', reason: 'bone', centroidIjk: [1, 1, 0] }], slicesToReview: [], reviewQueue: { regions: [], hidden: { count: 0, sizeMl: 0 }, minSizeMl: 0.05 } } } as unknown as ResultMessage);
  await flush();
  const d = svc.dropped(runId);
  assert.deepEqual(d.map((c) => [c.id, c.rule, Array.from(new Int32Array(c.voxels.buffer, c.voxels.byteOffset, c.voxels.byteLength / 4))]), [[2, 'meanHu', [3]]]);
  const ctx = svc.lesionContext(runId);
  assert.deepEqual(Array.from(ctx?.reference ?? []), [1, 0, 0, 2]);
  assert.equal(ctx?.calibration, null);
  assert.match(ctx?.noCalibrationNote ?? '', /^No calibrated interval: the model bundle has no calibration/);
  // the run's detection note (report.json, worded by core from the bundle's detection.json) goes to the lesion panel
  assert.equal(ctx?.detectionNote, 'This model misses most infarcts.');
});

test("a run of another mode than the bundle's calibration gets no interval, and the app is told that reason", async () => {
  const { host, ctl } = fakeHost();
  const svc = new WorkerInferenceService(host, '/no/bundle', silentLogger, '0.1.0');
  (svc as unknown as { bundle: () => unknown }).bundle = () => ({ calibration: { mode: 'avg' }, labels: { lesionTypes: [] } });
  const runId = await svc.start(study, { mode: 'all', profile: null, seed: 0 }, () => undefined);
  ctl.resolve({ type: 'result', jobId: 'j', probability: new Float32Array(4), mask: new Uint8Array(4), droppedVoxels: new Int32Array(0), uncertainty: null, std: null, agreement: null, geometry: { dimensions: [2, 2, 1], spacingMm: [1, 1, 1], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1] }, report: { mode: 'all', provider: { used: 'cpu' }, lesions: [], droppedCandidates: [], slicesToReview: [], reviewQueue: { regions: [], hidden: { count: 0, sizeMl: 0 }, minSizeMl: 0.05 } } } as unknown as ResultMessage);
  await flush();
  const ctx = svc.lesionContext(runId);
  assert.equal(ctx?.calibration, null);
  assert.match(ctx?.noCalibrationNote ?? '', /calibrated for mode "avg" only, and this result comes from mode "all"/);
  assert.match(toMeasureCalibration(null, ctx?.noCalibrationNote).intervalNote ?? '', /mode "avg" only/);
});

test('the sessions a run uses are prepared ahead with the same bundle, provider and threads, and kept for the next run', async () => {
  const { host, ctl } = fakeHost();
  const svc = new WorkerInferenceService(host, '/no/bundle', silentLogger, '0.1.0');
  svc.prepare();
  assert.deepEqual(ctl.prepared, [{ bundleDir: '/no/bundle', provider: 'auto', allowFallback: true }]);
  const runId = await svc.start(study, { mode: 'avg', profile: null, seed: 0 }, () => undefined);
  const r = ctl.request!;
  assert.equal(r.keepSessions, true);
  assert.deepEqual([r.bundleDir, r.provider, r.allowFallback, r.intraOpThreads, r.batchSize], ['/no/bundle', 'auto', true, undefined, undefined]);
  svc.prepare(); // a run is active: nothing to prepare
  assert.equal(ctl.prepared.length, 1);
  svc.cancel(runId);
  await flush();
  // no bundle folder: nothing to prepare (the run would report why)
  const none = fakeHost();
  new WorkerInferenceService(none.host, new SdpmError('BUNDLE_INVALID', 'no bundle'), silentLogger, '0.1.0').prepare();
  assert.equal(none.ctl.prepared.length, 0);
});
