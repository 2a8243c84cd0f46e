/**
 * InferenceService over the engine's worker protocol (electron/worker/protocol.ts). The host is a
 * worker thread (local server) or an Electron utilityProcess relay (desktop app); both expose `run`.
 * Keeps each run's maps in memory for the page to fetch, streams progress and the early y_avg result as
 * events, ranks the regions to review from the engine's report, and writes SEG + report on export.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventName, EventPayload, Request, Response } from '../../ipc/contract';
import { SdpmError, isSdpmError } from '../../core/index';
import type { Logger } from '../../core/index';
import type { InferenceRequest } from '../../core/index';
import type { InferenceHost, Job } from '../../worker/InferenceHost';
import type { ResultMessage } from '../../worker/protocol';
import { loadBundle } from '../../core/index';
import type { Bundle } from '../../core/index';
import { buildEngineRequest, DEFAULT_MODE } from '../../core/index';
import { calibrationForMode, candidateIdMap, noCalibrationNote, SDPM_MODE_NAMES, sdpmModeTooltip } from '../../core/index';
import type { InferenceService, LesionContext } from './InferenceService';
import type { LoadedStudy } from './createServices';
import { exportSegAndReport } from './exportSegAndReport';


interface RunState {
  runId: string;
  study: LoadedStudy;
  job: Job;
  startedAtMs: number;
  yAvg: Float32Array | null;
  result: ResultMessage | null;
  settings: Request<'inference:start'>['settings'];
}

const MODES: Response<'inference:options'>['options'] = SDPM_MODE_NAMES.map((m) => ({ mode: m.mode, label: m.label, explanation: sdpmModeTooltip(m) }));

export class WorkerInferenceService implements InferenceService {
  private readonly runs = new Map<string, RunState>();
  private active: RunState | null = null;

  constructor(
    private readonly host: InferenceHost,
    /** the resolved bundle folder, or why none could be resolved (then every SDPM request answers with it) */
    private readonly bundleSource: string | SdpmError,
    private readonly logger: Logger,
    private readonly softwareVersion: string,
  ) {}

  private bundleCache: Bundle | null = null;

  private get bundleDir(): string {
    if (this.bundleSource instanceof SdpmError) throw this.bundleSource;
    return this.bundleSource;
  }

  /** Loaded (and checksum-verified) once; the bundle folder does not change while the app runs. */
  private bundle(): Bundle {
    this.bundleCache ??= loadBundle(this.bundleDir);
    return this.bundleCache;
  }

  async bundleInfo(): Promise<{ name: string; version: string } | null> {
    try {
      const b = this.bundle();
      return { name: b.metadata.name, version: b.metadata.version };
    } catch (err) {
      this.logger.warn('model bundle not readable', { bundle: String(this.bundleSource), error: String(err) });
      return null;
    }
  }

  async options(): Promise<Response<'inference:options'>> {
    const b = this.bundle();
    const profiles = Object.values(b.sampler.profiles).map((p) => ({ name: p.name, notes: p.notes, approximation: p.approximation }));
    const cpuDefault = b.sampler.defaultProfile.cpu;
    const preset = b.sampler.presets[b.sampler.profiles[cpuDefault]?.basePreset ?? ''];
    const override = b.sampler.profiles[cpuDefault]?.overrides['ySal.nSamples'];
    const defaultSamples = typeof override === 'number' ? override : (preset?.ySal.nSamples ?? null);
    // y_all by default: the engine streams y_avg first only when it runs it (modes avg and all).
    return { options: MODES, profiles, defaults: { mode: DEFAULT_MODE, profile: cpuDefault, seed: 0, provider: 'auto' }, defaultSamples };
  }

  /**
   * Warms the engine's sessions for the default settings in the background (the app calls it when a study
   * opens), so the first Run does not wait for session creation and warm-up. Settings that change the
   * sessions (provider, threads) are not known yet: a run with others creates its own.
   */
  prepare(): void {
    if (this.bundleSource instanceof SdpmError || this.active !== null) return;
    this.host.prepare({ bundleDir: this.bundleSource, provider: 'auto', allowFallback: true }, (level, message, fields) => this.logger[level](`inference: ${message}`, fields));
  }

  async start(study: LoadedStudy, settings: Request<'inference:start'>['settings'], emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void): Promise<string> {
    if (this.active !== null) throw new SdpmError('INVALID_ARGUMENT', 'an SDPM run is already in progress; cancel it or wait for it to finish');
    const runId = randomUUID();
    const request: InferenceRequest = {
      input: { kind: 'volume', volume: study.volume, label: study.folder },
      bundleDir: this.bundleDir,
      // the worker keeps its sessions (warmed by prepare() or the previous run) for the next run
      keepSessions: true,
      ...buildEngineRequest({
        mode: settings.mode,
        provider: settings.provider ?? 'auto',
        allowFallback: true,
        seed: settings.seed,
        profile: settings.profile,
        ...(settings.nSamples !== undefined ? { nSamples: settings.nSamples } : {}),
      }),
    };
    const startedAtMs = Date.now();
    // The engine logs the provider it chose ("execution provider: cpu (fallback)"); progress carries it from then on.
    let provider: string | null = null;
    // Filled in by the job's callbacks; the same object is stored in `runs` (the page fetches maps from it).
    const maps: { yAvg: Float32Array | null } = { yAvg: null };
    const job = this.host.run(request, {
      onProgress: (p) =>
        emit('inference:progress', {
          runId,
          stage: p.phase === 'avg' ? 'y_avg' : p.phase === 'sampling' ? 'sampling' : 'finishing',
          fraction: p.totalImages > 0 ? Math.min(1, p.doneImages / p.totalImages) : 0,
          etaS: p.etaMs === null ? null : p.etaMs / 1000,
          provider,
          slicesDone: p.slicesDone,
          slicesTotal: p.slicesTotal,
        }),
      onPartial: (m) => {
        maps.yAvg = m.probability;
        const r = this.runs.get(runId);
        if (r !== undefined) r.yAvg = m.probability;
        emit('inference:partial', { runId, map: 'yAvg', totalVolumeMl: m.totalVolumeMl });
      },
      onLog: (level, message, fields) => {
        const m = /^execution provider: (\S+)(.*)$/.exec(message);
        if (m !== null) provider = `${m[1]!.toUpperCase()}${m[2] ?? ''}`;
        this.logger[level](`inference: ${message}`, fields);
      },
    });
    const run: RunState = { runId, study, startedAtMs, yAvg: maps.yAvg, result: null, settings, job };
    this.runs.set(runId, run);
    this.active = run;
    job.result.then(
      (result) => {
        run.result = result;
        if (run.yAvg === null && settings.mode === 'avg') run.yAvg = result.probability;
        this.active = null;
        emit('inference:finished', { runId, status: 'done', error: null, provider: result.report.provider.used, elapsedS: (Date.now() - startedAtMs) / 1000 });
      },
      (err: unknown) => {
        this.active = null;
        const cancelled = isSdpmError(err, 'CANCELLED');
        const e = err instanceof Error ? err : new Error(String(err));
        const code = isSdpmError(err) ? err.code : 'INFERENCE_FAILED';
        if (!cancelled) this.logger.error('SDPM run failed', { runId, code, message: e.message });
        emit('inference:finished', { runId, status: cancelled ? 'cancelled' : 'failed', error: cancelled ? null : { code, message: e.message }, provider: null, elapsedS: (Date.now() - startedAtMs) / 1000 });
      },
    );
    // Keep only the latest few runs in memory (each holds several volume-sized maps).
    for (const key of [...this.runs.keys()].slice(0, -3)) this.runs.delete(key);
    return runId;
  }

  cancel(runId: string): void {
    this.getRun(runId).job.cancel();
  }

  private getRun(runId: string): RunState {
    const r = this.runs.get(runId);
    if (r === undefined) throw new SdpmError('INVALID_ARGUMENT', `no SDPM run ${runId} (it may have been replaced by a newer run)`);
    return r;
  }

  async map(runId: string, map: Request<'inference:map'>['map']): Promise<Response<'inference:map'>> {
    const r = this.getRun(runId);
    const pick = map === 'yAvg' ? r.yAvg : map === 'probability' ? (r.result?.probability ?? null) : (r.result?.uncertainty ?? null);
    if (pick === null) {
      const why = r.result === null ? 'is not ready yet' : 'was not computed in this mode (y_avg has no samples)';
      throw new SdpmError('INVALID_ARGUMENT', `the ${map} map of run ${runId} ${why}`);
    }
    return { data: new Uint8Array(pick.buffer, pick.byteOffset, pick.byteLength) };
  }

  regions(runId: string): Response<'inference:regions'>['regions'] {
    const r = this.getRun(runId);
    if (r.result === null) throw new SdpmError('INVALID_ARGUMENT', `run ${runId} has not finished`);
    return rankRegions(r.result, r.study);
  }

  private readonly references = new Map<string, Int32Array>();

  lesionContext(runId: string): LesionContext | null {
    const r = this.runs.get(runId);
    if (r?.result == null) return null;
    let reference = this.references.get(runId);
    if (reference === undefined) {
      reference = candidateIdMap(r.result.mask, r.result.droppedVoxels, r.study.volume.dimensions);
      this.references.clear();
      this.references.set(runId, reference);
    }
    const sampleRangeMl = new Map<number, [number, number]>();
    for (const l of r.result.report.lesions) if (l.sampleRangeMl !== null) sampleRangeMl.set(l.id, l.sampleRangeMl);
    const cal = this.bundle().calibration;
    const mode = r.result.report.mode;
    return { reference, sampleRangeMl, calibration: calibrationForMode(cal, mode), noCalibrationNote: noCalibrationNote(cal, mode), detectionNote: r.result.report.detectionNote, lesionTypes: this.bundle().labels.lesionTypes };
  }

  dropped(runId: string): Response<'inference:dropped'>['candidates'] {
    const r = this.getRun(runId);
    if (r.result === null) throw new SdpmError('INVALID_ARGUMENT', `run ${runId} has not finished`);
    const ctx = this.lesionContext(runId);
    if (ctx === null) return [];
    const byId = new Map<number, number[]>();
    for (const v of r.result.droppedVoxels) {
      const id = ctx.reference[v] ?? 0;
      let list = byId.get(id);
      if (list === undefined) byId.set(id, (list = []));
      list.push(v);
    }
    return r.result.report.droppedCandidates.map((d) => {
      const voxels = Int32Array.from(byId.get(d.id) ?? []);
      return { id: d.id, volumeMl: d.volumeMl, meanHu: d.meanHu, rule: d.rule, reason: d.reason, centroidIjk: [...d.centroidIjk], voxels: new Uint8Array(voxels.buffer) };
    });
  }

  async exportSeg(study: LoadedStudy, request: Request<'export:seg'>, outFolder: string): Promise<Response<'export:seg'>> {
    const run = request.runId === null ? null : (this.runs.get(request.runId) ?? null);
    await mkdir(outFolder, { recursive: true });
    const reference = request.runId === null ? null : (this.lesionContext(request.runId)?.reference ?? null);
    return exportSegAndReport({ study, request, outFolder, result: run?.result ?? null, reference, bundleDir: this.bundleDir, softwareVersion: this.softwareVersion, write: writeFile, join });
  }
}

/**
 * The review queue of a run (core lesions/reviewQueue.ts, computed by the engine into report.json): over-call
 * regions and possible misses in one ranking by the volume at stake; regions under the minimum size are not listed.
 */
export function rankRegions(result: ResultMessage, _study: LoadedStudy): Response<'inference:regions'>['regions'] {
  const q = result.report.reviewQueue;
  const total = q.regions.reduce((acc, r) => acc + r.scoreMl, 0);
  return q.regions.map((r, i) => ({
    regionId: i,
    rank: i,
    kind: r.kind,
    lesionId: r.lesionId,
    sizeMl: r.sizeMl,
    label: r.kind === 'over-call' ? `lesion ${r.lesionId ?? '?'}: samples disagree` : 'possible miss',
    centroidIjk: [...r.centroidIjk],
    voxelCount: r.voxelCount,
    uncertaintyMass: r.scoreMl,
    massFraction: total > 0 ? Math.min(1, r.scoreMl / total) : 0,
  }));
}
