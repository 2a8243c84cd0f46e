/**
 * The inference worker with the tiny bundle: messages arrive in protocol order (progress, y_avg partial
 * result before the final result), a Volume can be sent instead of a path, and a cancel during a run stops it
 * (the time from cancel to the CANCELLED answer is printed; network calls here are tens of ms).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSdpmError } from '../../../electron/core/errors';
import type { Volume } from '../../../electron/core/dicom/Volume';
import { InferenceWorkerHost } from '../../../electron/worker/InferenceWorkerHost';
import type { InferenceRequest } from '../../../electron/core/inference/InferenceRequest';

const TINY = new URL('../../../models/bundles/sdpm-tiny-test', import.meta.url).pathname;

function volume(): Volume {
  const [nx, ny, nz] = [70, 64, 3];
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  for (let k = 0; k < nz; k++) for (let j = 6; j < 58; j++) for (let i = 6; i < 64; i++) vox[(k * ny + j) * nx + i] = Math.hypot(i - 40, j - 30) < 7 ? 70 : 28;
  const none = '';
  return {
    dimensions: [nx, ny, nz], spacingMm: [0.8, 0.8, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox, paddingHu: -1024,
    identity: { patientName: none, patientId: none, patientBirthDate: none, patientSex: none, studyInstanceUid: none, studyDate: none, studyTime: none, studyDescription: none, accessionNumber: none, seriesInstanceUid: none, seriesNumber: null, seriesDescription: none, modality: 'CT', frameOfReferenceUid: none, manufacturer: none },
    source: { imageOrientationPatient: [1, 0, 0, 0, 1, 0], pixelSpacingMm: [0.8, 0.8], rows: ny, columns: nx, slices: [] },
    corrections: { gantryTiltDeg: 0, tiltCorrected: false, resampledToEquidistant: false, sliceGapsMm: [5], notes: [] },
  };
}

const base: InferenceRequest = { input: { kind: 'volume', volume: volume(), label: 'synthetic' }, bundleDir: TINY, mode: 'all', provider: 'cpu', profile: 'cpu-fast', overrides: { 'ySal.nSamples': 2, 'yInfer.nSamples': 2, 'ySal.tStride': 63, 'yInfer.nSteps': 3 }, seed: 2, intraOpThreads: 2 };

test('worker: progress, then the y_avg partial result, then the final result with the report', async () => {
  const host = new InferenceWorkerHost();
  const order: string[] = [];
  const job = host.run(base, { onProgress: () => order.at(-1) !== 'progress' && order.push('progress'), onPartial: (p) => order.push(`partial-${p.mode}`) });
  const r = await job.result;
  order.push('result');
  await host.terminate();
  assert.deepEqual(order.filter((e) => e !== 'progress'), ['partial-avg', 'result']);
  assert.ok(order.indexOf('progress') < order.indexOf('result'));
  assert.equal(r.probability.length, 70 * 64 * 3);
  assert.equal(r.report.study.input, 'synthetic');
  assert.equal(r.report.nUncertaintySamples, 4);
  assert.ok(r.uncertainty !== null && r.agreement !== null);
});

for (const shared of [true, false]) test(`worker: a cancel during sampling answers CANCELLED promptly (${shared ? 'shared-memory flag' : 'cancel message only, as over a utilityProcess'})`, async () => {
  const host = new InferenceWorkerHost({ sharedCancelFlag: shared });
  let cancelAt = 0;
  const { profile: _unused, ...noProfile } = base;
  const job = host.run({ ...noProfile, preset: 'paper', overrides: {}, batchSize: 4 }, {
    onProgress: (p) => {
      if (cancelAt === 0 && p.doneImages > 8) {
        cancelAt = performance.now();
        job.cancel();
      }
    },
  });
  await assert.rejects(job.result, (e: unknown) => isSdpmError(e, 'CANCELLED'));
  const ms = performance.now() - cancelAt;
  process.stdout.write(`# cancel (${shared ? 'shared flag' : 'message only'}) → CANCELLED in ${ms.toFixed(0)} ms (batch 4 at S=64)\n`);
  assert.ok(cancelAt > 0);
  await host.terminate();
});

test('prepare creates and warms the sessions; the next keepSessions run reuses them (no second session creation) and gives the same result', async () => {
  const host = new InferenceWorkerHost();
  const logs: string[] = [];
  const kept: string[] = [];
  const ready = new Promise<void>((resolve) => {
    host.prepare({ bundleDir: TINY, provider: 'cpu' }, (_l, m) => {
      logs.push(`prepare: ${m}`);
      if (m === 'sessions ready' || m === 'preparing the sessions failed') resolve();
    });
  });
  const { intraOpThreads: _threads, ...rest } = base; // the app names no thread count (one lane per core)
  // a second prepare while the first is in progress shares it and ends with the same line (the host stops listening)
  const sharedPrepare: string[] = [];
  host.prepare({ bundleDir: TINY, provider: 'cpu' }, (_l, m) => sharedPrepare.push(m));
  const request: InferenceRequest = { ...rest, mode: 'avg', keepSessions: true };
  // sent at once: the worker makes the run wait for the prepare, so the run finds the sessions ready
  const onRun = (run: string) => (_l: unknown, m: string, f?: Record<string, unknown>) => {
    logs.push(`${run}: ${m}`);
    if (f?.sessionsKept === true) kept.push(`${run}: ${m}`);
  };
  const first = await host.run(request, { onLog: onRun('run 1') }).result;
  await ready;
  const second = await host.run(request, { onLog: onRun('run 2') }).result;
  await host.terminate();
  assert.ok(logs.includes('prepare: sessions ready'), logs.join('\n'));
  assert.deepEqual(sharedPrepare, ['sessions ready']);
  // createSessions logs the provider once, in the prepare; each run logs the same line, marked as kept sessions
  assert.equal(logs.filter((m) => /^prepare: execution provider: cpu/.test(m)).length, 1, logs.join('\n'));
  assert.deepEqual(kept.map((m) => m.replace(/ \(.*$/, '')), ['run 1: execution provider: cpu', 'run 2: execution provider: cpu']);
  assert.deepEqual(Array.from(second.probability), Array.from(first.probability));
});
