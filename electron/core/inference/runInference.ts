/**
 * The engine's one entry point for a whole study (used by the worker and the CLI): load and verify the bundle,
 * load the study, start the onnxruntime sessions on the chosen execution provider, resolve the sampler settings
 * (profile for that provider unless a preset/profile was asked for), warm up, predict, and build the report.
 * Runs where blocking is allowed (worker thread, CLI), never on a UI thread.
 */
import { availableParallelism } from 'node:os';
import { loadBundle } from '../bundle/loadBundle';
import type { Bundle } from '../bundle/Bundle';
import { resolveDefaultBundle } from '../bundle/resolveDefaultBundle';
import type { Volume } from '../dicom/Volume';
import type { Logger } from '../logger';
import { resolveSettings } from '../sdpm/resolveSettings';
import { createSessions, cudaUnavailableReason, type Sessions } from './createSessions';
import { extraLanes, openLanes, sessionThreads } from './networkLanes';
import type { SdpmNetwork } from '../sdpm/SdpmNetwork';
import { acquireCachedLanes, acquireCachedSessions, hasCachedSessions, isWarm, markWarm } from './sessionCache';
import { DEFAULT_BATCH_SIZE, DEFAULT_STACK_SIZE, type InferenceRequest } from './InferenceRequest';
import type { InferenceReport } from './InferenceReport';
import { reportLesions } from './reportLesions';
import { loadStudyInput } from './loadStudyInput';
import { OrtNetwork } from './OrtNetwork';
import { predictVolume, type PartialPrediction, type PredictProgress, type VolumePrediction } from './predictVolume';

export interface InferenceCallbacks {
  log: Logger;
  isCancelled?: () => boolean;
  onProgress?: (p: PredictProgress) => void;
  onPartial?: (p: PartialPrediction) => void;
}

export interface InferenceOutcome {
  report: InferenceReport;
  prediction: VolumePrediction;
  volume: Volume;
}

export function peakRssMb(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

export async function runInference(req: InferenceRequest, cb: InferenceCallbacks): Promise<InferenceOutcome> {
  const t0 = performance.now();
  const bundle = loadBundle(req.bundleDir ?? resolveDefaultBundle());
  cb.log.info('bundle loaded', { name: bundle.name, version: bundle.version, sha256SumsSha256: bundle.sumsSha256 });
  const tBundle = performance.now();
  const volume = req.input.kind === 'path' ? await loadStudyInput(req.input.path) : req.input.volume;
  const inputLabel = req.input.kind === 'path' ? req.input.path : req.input.label;
  const tLoad = performance.now();
  const keep = req.keepSessions === true;
  const { sessions, net, lanes } = await openNetworks(req, bundle, cb.log);
  try {
    const profile = req.preset === undefined && req.profile === undefined ? bundle.sampler.defaultProfile[sessions.provider === 'cpu' ? 'cpu' : 'cuda'] : req.profile;
    const resolved = resolveSettings(bundle.sampler, { ...(profile !== undefined ? { profile } : {}), ...(req.preset !== undefined ? { preset: req.preset } : {}), ...(req.overrides !== undefined ? { overrides: req.overrides } : {}) });
    cb.log.info('sampler settings', { preset: resolved.preset, profile: resolved.profile, approximation: resolved.approximation, changed: resolved.changed });
    const batchSize = Math.max(1, req.batchSize ?? DEFAULT_BATCH_SIZE);
    const stackSize = Math.max(1, req.stackSize ?? DEFAULT_STACK_SIZE);
    const tWarm = performance.now();
    const prediction = await predictVolume(volume, bundle, net, {
      mode: req.mode,
      resolved,
      seed: req.seed,
      batchSize,
      stackSize,
      log: cb.log,
      ...(cb.isCancelled !== undefined ? { isCancelled: cb.isCancelled } : {}),
      ...(cb.onProgress !== undefined ? { onProgress: cb.onProgress } : {}),
      ...(cb.onPartial !== undefined ? { onPartial: cb.onPartial } : {}),
      ...(req.intracranialGate === false ? { intracranialGate: false } : {}),
      ...(lanes.length > 0 ? { lanes } : {}),
      ...(req.plausibility === false ? { plausibility: false } : {}),
    });
    const gate = prediction.intracranialGate;
    const slicesByRule = { enclosed: 0, 'skull-hull': 0, 'no-cavity': 0, 'tissue-outside-ring': 0 };
    for (const rule of gate.rules) if (rule !== null) slicesByRule[rule]++;
    const u = prediction.uncertainty;
    const report: InferenceReport = {
      formatVersion: 1,
      study: { input: inputLabel, dimensions: volume.dimensions, spacingMm: volume.spacingMm, seriesInstanceUid: volume.identity.seriesInstanceUid, studyInstanceUid: volume.identity.studyInstanceUid, loaderNotes: volume.corrections.notes },
      mode: req.mode,
      ...reportLesions(prediction, bundle, req.mode, volume),
      uncertaintyNote: prediction.uncertaintyNote,
      slicesToReview: (u?.summary.slices ?? []).slice(0, 10).map((s) => ({ k: s.k, doubtMl: s.doubtMl })),
      settings: { preset: resolved.preset, profile: resolved.profile, approximation: resolved.approximation, changed: resolved.changed, parameters: resolved.settings, batchSize, stackSize,
        intracranialGate: { enabled: gate.enabled, turnedOffByRequest: gate.turnedOffByRequest, parameters: gate.settings, slicesByRule, rules: gate.rules, removedModelPixels: gate.removedModelPixels } },
      bundle: { name: bundle.name, version: bundle.version, sha256SumsSha256: bundle.sumsSha256, dir: bundle.dir },
      seed: req.seed,
      provider: { requested: req.provider, used: sessions.provider, reason: sessions.providerReason, intraOpThreads: sessions.intraOpThreads, sessions: 1 + lanes.length, device: sessions.device, onnxruntime: sessions.runtime },
      skippedSlices: prediction.skippedSlices,
      networkImages: prediction.networkImages,
      timingsMs: { bundle: tBundle - t0, loadStudy: tLoad - tBundle, sessionsAndWarmup: tWarm - tLoad, ...prediction.timingsMs, total: performance.now() - t0 },
      peakRssMb: peakRssMb(),
      engine: { onnxruntime: sessions.runtime.version, node: process.versions.node },
    };
    return { report, prediction, volume };
  } finally {
    // kept sessions keep their lanes too (sessionCache.ts); the next request of this worker finds them warm
    if (!keep) {
      await Promise.allSettled(lanes.map((l) => l.dispose()));
      await net.dispose();
    }
  }
}

type NetworkRequest = Pick<InferenceRequest, 'provider' | 'allowFallback' | 'intraOpThreads' | 'keepSessions' | 'batchSize'>;

/**
 * The network sessions of a request, warmed up at its batch size: one single-threaded CPU session per core
 * (networkLanes.ts) or one GPU session. With `keepSessions` they come from, and stay in, this worker's session
 * cache (sessionCache.ts), so only the first request pays for creating and warming them.
 */
async function openNetworks(req: NetworkRequest, bundle: Bundle, log: Logger): Promise<{ sessions: Sessions; net: OrtNetwork; lanes: SdpmNetwork[] }> {
  const keep = req.keepSessions === true;
  const cores = availableParallelism();
  const batchSize = Math.max(1, req.batchSize ?? DEFAULT_BATCH_SIZE);
  const S = bundle.preprocessing.imageSize;
  const paths = { net: bundle.netPath, eps: bundle.epsPath };
  const sessionOptions = { provider: req.provider, allowFallback: req.allowFallback ?? false, ...sessionThreads(req.intraOpThreads, cores) };
  // When the provider will be the CPU for certain and nothing is cached yet, the lanes' sessions (worker threads) are
  // created while the in-process ones are: on 2 cores that halves the wait (each takes ~1.6 s of graph optimisation).
  const surelyCpu = req.provider === 'cpu' || (req.provider === 'auto' && cudaUnavailableReason() !== null);
  const predicted = surelyCpu ? extraLanes('cpu', req.intraOpThreads, cores) : 0;
  const early = predicted > 0 && !(keep && hasCachedSessions(paths, sessionOptions, cores)) ? openLanes(paths, S, predicted, batchSize) : null;
  const disposeEarly = async (): Promise<void> => {
    if (early === null) return;
    const opened = await early.catch(() => [] as SdpmNetwork[]);
    await Promise.allSettled(opened.map((l) => l.dispose()));
  };
  let sessions: Sessions;
  try {
    sessions = await (keep ? acquireCachedSessions : createSessions)(paths, sessionOptions, log, cores);
  } catch (err) {
    await disposeEarly();
    throw err;
  }
  const net = new OrtNetwork(sessions.net, sessions.eps, S, batchSize);
  const count = extraLanes(sessions.provider, req.intraOpThreads, cores);
  let lanes: SdpmNetwork[] = [];
  try {
    // the early lanes, when the provider turned out as predicted
    const reuse = count === predicted ? early : null;
    if (early !== null && reuse === null) await disposeEarly();
    const open = reuse !== null ? () => reuse : () => openLanes(paths, S, count, batchSize);
    lanes = keep ? await acquireCachedLanes(sessions, count, batchSize, open) : await open();
    // early lanes that the cache did not take (it had its own) are not needed
    if (reuse !== null) {
      const opened = await reuse;
      if (opened !== lanes) await Promise.allSettled(opened.map((l) => l.dispose()));
    }
    // warm-up: the first call at each batch shape is slower (allocations, kernel selection)
    if (!keep || !isWarm(sessions, batchSize)) {
      const xw = new Float32Array(batchSize * S * S).fill(-1);
      const tw = new Int32Array(batchSize);
      await net.runFull(xw, tw, batchSize);
      await net.runEps(xw, tw, batchSize);
      markWarm(sessions, batchSize);
    }
    return { sessions, net, lanes };
  } catch (err) {
    if (!keep) {
      await Promise.allSettled(lanes.map((l) => l.dispose()));
      await net.dispose();
    }
    throw err;
  }
}

/**
 * Creates and warms up, in this worker's session cache, the sessions a later `keepSessions` request with the
 * same bundle, provider and threads will use (the app calls it when a study opens, so Run does not wait for
 * graph optimisation and warm-up: about 7 s of the first run on 2 CPU cores).
 */
export async function prepareInference(req: NetworkRequest & Pick<InferenceRequest, 'bundleDir'>, log: Logger): Promise<{ provider: string; ms: number }> {
  const t0 = performance.now();
  const bundle = loadBundle(req.bundleDir ?? resolveDefaultBundle());
  const { sessions } = await openNetworks({ ...req, keepSessions: true }, bundle, log);
  return { provider: sessions.provider, ms: performance.now() - t0 };
}
