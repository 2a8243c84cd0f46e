// Both cores (issue 15 item 5): slice stacks sampled on two onnxruntime CPU sessions at once, the second in a
// worker thread, must give exactly the serial result (same probability, mask and uncertainty, bit for bit),
// because the noise is seeded per (seed, slice, mode, sample) and a lane's network computes what the
// in-process one does. Tiny bundle, a small synthetic volume, mode all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBundle } from '../../../electron/core/bundle/loadBundle';
import type { Volume } from '../../../electron/core/dicom/Volume';
import { createSessions } from '../../../electron/core/inference/createSessions';
import { OrtNetwork } from '../../../electron/core/inference/OrtNetwork';
import { predictVolume } from '../../../electron/core/inference/predictVolume';
import { WorkerNetwork } from '../../../electron/core/inference/WorkerNetwork';
import { silentLogger } from '../../../electron/core/logger';
import { resolveSettings } from '../../../electron/core/sdpm/resolveSettings';

const TINY = new URL('../../../models/bundles/sdpm-tiny-test', import.meta.url).pathname;

function volume(): Volume {
  const [nx, ny, nz] = [72, 60, 6];
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  for (let k = 1; k < nz; k++)
    for (let j = 0; j < ny; j++)
      for (let i = 0; i < nx; i++) {
        const u = (i - nx / 2) / (nx * 0.42);
        const v = (j - ny / 2) / (ny * 0.45);
        if (u * u + v * v < 1) vox[(k * ny + j) * nx + i] = Math.hypot(i - 44 - k, j - 26) < 7 ? 66 : 30 + ((i * 7 + j * 3) % 5);
      }
  return { dimensions: [nx, ny, nz], spacingMm: [0.9, 0.9, 5], originLps: [0, 0, 0], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox } as unknown as Volume;
}

test('two sessions in flight (in-process + worker thread) give the serial result bit for bit', async () => {
  const bundle = loadBundle(TINY);
  const paths = { net: bundle.netPath, eps: bundle.epsPath };
  const S = bundle.preprocessing.imageSize;
  const sessions = await createSessions(paths, { provider: 'cpu', intraOpThreads: 1 }, silentLogger, 2);
  const net = new OrtNetwork(sessions.net, sessions.eps, S, 4);
  const lane = await WorkerNetwork.open(paths, S, 1);
  try {
    // the worker's network computes exactly what the in-process one does
    const x = new Float32Array(3 * S * S).map((_, i) => Math.sin(i * 0.37) * 0.9);
    const t = Int32Array.from([0, 120, 499]);
    const a = await net.runFull(x, t, 3);
    const aEps = Float32Array.from(a.epsHat.subarray(0, 3 * S * S));
    const aY0 = Float32Array.from(a.y0Hat.subarray(0, 3 * S * S));
    const b = await lane.runFull(x, t, 3);
    assert.deepEqual(b.epsHat, aEps);
    assert.deepEqual(b.y0Hat, aY0);
    assert.deepEqual(await lane.runEps(x, t, 3), Float32Array.from((await net.runEps(x, t, 3)).subarray(0, 3 * S * S)));

    const resolved = resolveSettings(bundle.sampler, { profile: bundle.sampler.defaultProfile.cpu, overrides: { 'ySal.nSamples': 2, 'yInfer.nSamples': 2 } });
    const o = { mode: 'all' as const, resolved, seed: 11, batchSize: 4, stackSize: 1, log: silentLogger };
    const serial = await predictVolume(volume(), bundle, net, o);
    const parallel = await predictVolume(volume(), bundle, net, { ...o, lanes: [lane] });
    assert.ok(lane.counts.full + lane.counts.eps > 0, 'the worker lane sampled nothing');
    assert.equal(parallel.networkImages, serial.networkImages);
    assert.deepEqual(parallel.probability, serial.probability);
    assert.deepEqual(parallel.mask, serial.mask);
    assert.deepEqual(parallel.uncertainty?.entropyBits, serial.uncertainty?.entropyBits);
    assert.deepEqual(parallel.uncertainty?.summary, serial.uncertainty?.summary);
    assert.equal(parallel.totalVolumeMl, serial.totalVolumeMl);
  } finally {
    await lane.dispose();
    await net.dispose();
  }
});

test('a network worker that cannot load its model fails with INFERENCE_FAILED naming the file', async () => {
  await assert.rejects(WorkerNetwork.open({ net: '/nonexistent/sdpm_net.onnx', eps: null }, 64, 1), (e: unknown) => e instanceof Error && /INFERENCE_FAILED|cannot load the model \/nonexistent\/sdpm_net\.onnx/.test(`${(e as { code?: string }).code ?? ''} ${e.message}`));
});
