/**
 * The services behind the API contract, in plain Node (no Electron): used by Electron's main process
 * (over IPC) and by the local API server (over HTTP). Holds loaded volumes in memory by id; inference
 * runs elsewhere (an InferenceHost: Electron utilityProcess or a worker thread), never on this thread.
 */
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Handlers } from '../../ipc/dispatch';
import type { EventName, EventPayload, Response } from '../../ipc/contract';
import type { Logger } from '../../core/index';
import { SdpmError } from '../../core/index';
import type { Volume } from '../../core/index';
import type { StudyScan } from '../../core/index';
import { discoverSeries } from '../../core/index';
import { loadSeries } from '../../core/index';
import { calibratedInterval, lesionType, measureLesions } from '../../core/index';
import { JournalStore } from './JournalStore';
import { gpuStatus } from '../../core/index';
import { createPacsHandlers } from '../pacs/PacsService';
import { memorySecretSource, type WritableSecretSource } from '../../core/index';
import { toMeasureCalibration, toSeriesDto, toVolumeInfo } from './dto';
import type { InferenceService } from './InferenceService';

export interface ServiceDeps {
  mode: 'electron' | 'browser';
  version: string;
  /** Where journals, sessions and exports go (the user's data folder). */
  dataDir: string;
  /** Folder of the bundled demo study, or null when this install has none. */
  demoFolder: string | null;
  logger: Logger;
  /** Native folder picker (Electron); null in browser mode, where the page types a path. */
  chooseFolder: (() => Promise<string | null>) | null;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  inference: InferenceService | null;
  /** Where PACS passwords/tokens go: the OS secure store in Electron; default a memory store (session only). */
  pacsSecrets?: WritableSecretSource;
}

export interface LoadedStudy {
  volumeId: string;
  volume: Volume;
  folder: string;
  studyKey: string;
}

export function studyKeyOf(seriesInstanceUid: string, folder: string): string {
  const h = createHash('sha256').update(`${seriesInstanceUid}\n${folder}`).digest('hex').slice(0, 16);
  return `study-${h}`;
}

export function createServices(deps: ServiceDeps): { handlers: Handlers; volumes: Map<string, LoadedStudy>; journal: JournalStore } {
  const volumes = new Map<string, LoadedStudy>();
  const scans = new Map<string, StudyScan>();
  const journal = new JournalStore(deps.dataDir, deps.logger);

  const getStudy = (volumeId: string): LoadedStudy => {
    const s = volumes.get(volumeId);
    if (s === undefined) throw new SdpmError('INVALID_ARGUMENT', `no loaded volume ${volumeId} (load the series again)`);
    return s;
  };
  const needInference = (): InferenceService => {
    if (deps.inference === null) throw new SdpmError('PROVIDER_UNAVAILABLE', 'the inference engine is not available in this build');
    return deps.inference;
  };

  const handlers: Handlers = {
    ...createPacsHandlers({ dataDir: deps.dataDir, secrets: deps.pacsSecrets ?? memorySecretSource(), logger: deps.logger, emit: deps.emit }),
    'app:info': async () => ({
      version: deps.version,
      mode: deps.mode,
      platform: process.platform,
      demoFolder: deps.demoFolder,
      bundle: deps.inference === null ? null : await deps.inference.bundleInfo(),
      gpu: gpuStatus(),
    }),
    'study:chooseFolder': async () => ({ folder: deps.chooseFolder === null ? null : await deps.chooseFolder() }),
    'study:discover': async ({ folder }) => {
      // a study is about to open and a Run usually follows: the engine creates and warms its sessions meanwhile
      deps.inference?.prepare();
      const scan = await discoverSeries(folder, { log: deps.logger });
      scans.set(folder, scan);
      return { folder, series: scan.series.map(toSeriesDto), skipped: scan.skipped.map((s) => ({ path: s.path, reason: s.reason })) };
    },
    'study:load': async ({ folder, seriesId }) => {
      let scan = scans.get(folder);
      if (scan === undefined) {
        scan = await discoverSeries(folder, { log: deps.logger });
        scans.set(folder, scan);
      }
      const summary = scan.series.find((s) => s.id === seriesId);
      if (summary === undefined) throw new SdpmError('SERIES_NOT_FOUND', `no series ${seriesId} in ${folder}`, { path: folder });
      const volume = await loadSeries(summary, { log: deps.logger });
      const volumeId = randomUUID();
      const studyKey = studyKeyOf(volume.identity.seriesInstanceUid, folder);
      volumes.set(volumeId, { volumeId, volume, folder, studyKey });
      return toVolumeInfo(volumeId, studyKey, folder, volume);
    },
    'study:voxels': async ({ volumeId }) => {
      const { volume } = getStudy(volumeId);
      const v = volume.voxels;
      return { dtype: v instanceof Int16Array ? 'int16' : 'float32', data: new Uint8Array(v.buffer, v.byteOffset, v.byteLength) };
    },
    'inference:options': async () => needInference().options(),
    'inference:start': async ({ volumeId, settings }) => {
      const study = getStudy(volumeId);
      const runId = await needInference().start(study, settings, deps.emit);
      return { runId };
    },
    'inference:cancel': async ({ runId }) => {
      needInference().cancel(runId);
      return {};
    },
    'inference:map': async ({ runId, map }) => needInference().map(runId, map),
    'inference:regions': async ({ runId }) => ({ regions: needInference().regions(runId) }),
    'inference:dropped': async ({ runId }) => ({ candidates: needInference().dropped(runId) }),
    'volumetry:measure': async ({ volumeId, runId, labelmap }): Promise<Response<'volumetry:measure'>> => {
      const { volume } = getStudy(volumeId);
      const n = volume.dimensions[0] * volume.dimensions[1] * volume.dimensions[2];
      if (labelmap.byteLength !== n) throw new SdpmError('GEOMETRY_MISMATCH', `labelmap has ${labelmap.byteLength} voxels, the volume ${n}`);
      // the run's candidate IDs as reference: lesions keep the engine's stable IDs (no centroid matching)
      const ctx = runId !== null && deps.inference !== null ? deps.inference.lesionContext(runId) : null;
      const m = measureLesions(labelmap, volume, { hu: volume.voxels, reference: ctx?.reference ?? null });
      const cal = ctx?.calibration ?? null;
      const ci = (v: number, level: 'study' | 'lesion'): [number, number] | null => {
        if (cal === null) return null;
        const iv = calibratedInterval(v, cal, level);
        return [iv.lowMl, iv.highMl];
      };
      return {
        totalMl: m.totalVolumeMl,
        voxelVolumeMl: m.voxelVolumeMl,
        totalCalibratedIntervalMl: ci(m.totalVolumeMl, 'study'),
        ...toMeasureCalibration(cal, ctx?.noCalibrationNote),
        detectionNote: ctx?.detectionNote ?? null,
        lesions: m.lesions.map((l) => ({
          lesionId: l.id,
          voxelCount: l.voxelCount,
          volumeMl: l.volumeMl,
          calibratedIntervalMl: ci(l.volumeMl, 'lesion'),
          type: ctx === null ? null : lesionType(l.meanHu, ctx.lesionTypes),
          sampleIntervalMl: ctx?.sampleRangeMl.get(l.id) ?? null,
          abc2Ml: l.abc2.volumeMl,
          centroidIjk: [...l.centroidIjk],
        })),
      };
    },
    'journal:append': async ({ studyKey, entries }) => ({ lastSeq: await journal.append(studyKey, entries) }),
    'journal:read': async ({ studyKey }) => journal.read(studyKey),
    'journal:discard': async ({ studyKey }) => {
      await journal.discard(studyKey);
      return {};
    },
    'session:save': async ({ studyKey, name }) => ({ path: await journal.saveSession(studyKey, name) }),
    'session:list': async ({ studyKey }) => ({ sessions: await journal.listSessions(studyKey) }),
    'session:load': async ({ studyKey, name }) => ({ entries: await journal.loadSession(studyKey, name) }),
    'export:seg': async (req) => {
      const study = getStudy(req.volumeId);
      const outFolder = req.outFolder ?? join(deps.dataDir, 'exports', study.studyKey);
      return needInference().exportSeg(study, req, outFolder);
    },
  };
  // The reader will open a study and run SDPM: the engine creates and warms its sessions from the start (seconds of
  // CPU once; later prepares are no-ops), so the first Run does not wait for them.
  deps.inference?.prepare();
  return { handlers, volumes, journal };
}
