/**
 * THE API contract between the review app (renderer) and its services (Electron main over IPC, or the
 * local API server over HTTP). One entry per channel: a request parser and a response parser. Both ends
 * parse what they receive with these parsers; nothing else crosses the edge.
 *
 * Coordinates: `dimensions` = [columns, rows, slices] (i, j, k), `originLps`/`directionLps` as in
 * electron/core/dicom/Volume.ts (LPS mm, direction columns column-major). Voxel arrays are flat,
 * index = i + nx*(j + ny*k). Labelmaps are Uint8 (0 = background, 1 = lesion).
 */
import { arr, bool, bytes, int, literal, nullable, num, numPair, numTuple, obj, optional, str, tagged, type Infer } from './schema';
import { pacsChannels, pacsEvents } from './pacsContract';

const MAX_VOLUME_BYTES = 2 * 1024 * 1024 * 1024;
const path = str({ minLength: 1, maxLength: 4096 });
const id = str({ minLength: 1, maxLength: 200 });

export const identitySchema = obj({
  patientName: str(),
  patientId: str(),
  patientBirthDate: str(),
  patientSex: str(),
  studyInstanceUid: str(),
  studyDate: str(),
  studyTime: str(),
  studyDescription: str(),
  accessionNumber: str(),
  seriesInstanceUid: str(),
  seriesNumber: nullable(int()),
  seriesDescription: str(),
  modality: str(),
  frameOfReferenceUid: str(),
  manufacturer: str(),
});

export const seriesSummarySchema = obj({
  /** Unique within one discovery (the SeriesInstanceUID, with `#n` when the loader split a series). */
  seriesId: str(),
  seriesInstanceUid: str(),
  seriesNumber: nullable(int()),
  seriesDescription: str(),
  modality: str(),
  nSlices: int({ min: 0 }),
  rows: int({ min: 0 }),
  columns: int({ min: 0 }),
  /** Problems the loader found (tilt, gaps, duplicates), as readable sentences. */
  notes: arr(str()),
  /** Null when the series can be loaded; otherwise why it was refused. */
  refusedReason: nullable(str()),
  patientName: str(),
  patientId: str(),
  studyDate: str(),
  studyDescription: str(),
});

export const correctionsSchema = obj({
  gantryTiltDeg: num(),
  tiltCorrected: bool(),
  resampledToEquidistant: bool(),
  sliceGapsMm: arr(num()),
  notes: arr(str()),
});

export const volumeInfoSchema = obj({
  volumeId: id,
  /** Stable key of (series, folder): names the edit journal and saved sessions. */
  studyKey: id,
  folder: path,
  dimensions: numTuple(3),
  spacingMm: numTuple(3),
  originLps: numTuple(3),
  directionLps: numTuple(9),
  dtype: literal('int16', 'float32'),
  identity: identitySchema,
  corrections: correctionsSchema,
  /** The source slices as acquired (the page measures lesion volumes on them, as the report and SEG do). */
  source: optional(
    obj({
      imageOrientationPatient: numTuple(6),
      pixelSpacingMm: numTuple(2),
      rows: int({ min: 0 }),
      columns: int({ min: 0 }),
      slicePositionsLps: arr(numTuple(3)),
    }),
  ),
});

/** SDPM outputs (SDPM-SPEC): y_avg (one pass), y_sal (salient-weighted samples), y_infer (reverse chains), y_all (both). */
export const inferenceModeSchema = literal('avg', 'sal', 'infer', 'all');

export const inferenceSettingsSchema = obj({
  mode: inferenceModeSchema,
  /** Run profile of the bundle (e.g. `cpu-fast`); null = the bundle's default for the provider that runs. */
  profile: nullable(str({ minLength: 1, maxLength: 80 })),
  /** Sample count override for the sampling modes (y_sal / y_infer); absent = the profile's value. */
  nSamples: optional(int({ min: 1, max: 200 })),
  seed: int({ min: 0, max: 0xffffffff }),
  /** Preferred execution provider; CPU is the fallback when CUDA cannot start. */
  provider: optional(literal('auto', 'cpu', 'cuda')),
});

export const settingOptionSchema = obj({
  mode: inferenceModeSchema,
  label: str(),
  explanation: str(),
});

export const profileOptionSchema = obj({ name: str(), notes: str(), approximation: bool() });

export const regionSchema = obj({
  regionId: int({ min: 0 }),
  /** Ranked by uncertainty mass, highest first. */
  rank: int({ min: 0 }),
  /**
   * over-call: the samples disagree with a lesion of the mask; possible-miss: a minority of samples or an
   * intermediate probability outside the mask (electron/core/lesions/reviewQueue.ts)
   */
  kind: literal('over-call', 'possible-miss'),
  /** the lesion's stable ID for an over-call, null for a possible miss */
  lesionId: nullable(int({ min: 1 })),
  /** region size (mL) */
  sizeMl: num({ min: 0 }),
  /** What the region is, for the reader (`lesion 2`, `possible miss`). */
  label: str({ maxLength: 80 }),
  centroidIjk: numTuple(3),
  voxelCount: int({ min: 0 }),
  uncertaintyMass: num({ min: 0 }),
  /** Fraction of the total uncertainty mass of the run in this region. */
  massFraction: num({ min: 0, max: 1 }),
});

const calibrationCounts = { nCalibration: int({ min: 0 }), measuredCoverage: num({ min: 0, max: 1 }), nTest: int({ min: 0 }), coverageCi95: optional(numPair) };
const calibrationLevelSchema = obj({ ...calibrationCounts, bins: arr(obj({ fromMl: num({ min: 0 }), q: num({ min: 0 }), ...calibrationCounts }), { maxLength: 50 }) });
export const calibrationSchema = obj({ cMl: num({ min: 0 }), nominalCoverage: num({ min: 0, max: 1 }), study: calibrationLevelSchema, lesion: calibrationLevelSchema });

export const lesionSchema = obj({
  lesionId: int({ min: 1 }),
  voxelCount: int({ min: 0 }),
  volumeMl: num({ min: 0 }),
  /** Per-lesion SAMPLE RANGE (5th-95th percentile over the SDPM samples, mL; not a confidence interval), when samples are available. */
  sampleIntervalMl: nullable(numTuple(2)),
  /** Calibrated interval (bundle calibration.json, electron/core/lesions/calibratedInterval.ts); null without calibration. */
  calibratedIntervalMl: optional(nullable(numTuple(2))),
  /** Lesion type from the bundle's labels.json (its mean HU), null when no rule matches. */
  type: optional(nullable(str({ maxLength: 80 }))),
  /** ABC/2 estimate (mL) for comparison with the bedside method. */
  abc2Ml: num({ min: 0 }),
  centroidIjk: numTuple(3),
});

/** Run-length encoded voxel assignment: voxels [runs[2n], runs[2n] + runs[2n+1]) take values[n]. */
const runsFields = { runs: arr(int({ min: 0 }), { maxLength: 20_000_000 }), values: arr(int({ min: 0, max: 255 }), { maxLength: 10_000_000 }) };

export const journalEntrySchema = tagged('kind', {
  /** Whole labelmap (after an inference result or a threshold change). */
  snapshot: obj({
    kind: literal('snapshot'),
    seq: int({ min: 0 }),
    atMs: num(),
    runId: nullable(id),
    threshold: nullable(num({ min: 0, max: 1 })),
    /** a new run whose reader chose to keep the edited mask as its own layer (the labelmap before this snapshot) */
    keptPrevious: optional(bool()),
    ...runsFields,
  }),
  /** Voxels an edit changed, with their new values. */
  diff: obj({ kind: literal('diff'), seq: int({ min: 0 }), atMs: num(), tool: str({ maxLength: 60 }), ...runsFields }),
  /** Review decision on one uncertain region or lesion. */
  review: obj({
    kind: literal('review'),
    seq: int({ min: 0 }),
    atMs: num(),
    target: literal('region', 'lesion'),
    targetId: int({ min: 0 }),
    status: literal('reviewed', 'accepted', 'rejected', 'pending'),
  }),
});
export type JournalEntry = Infer<typeof journalEntrySchema>;

const runIdReq = obj({ runId: id });

/** Every request/response channel. Names are `area:action`; never rename one, only add. */
export const channels = {
  'app:info': {
    request: obj({}),
    response: obj({
      version: str(),
      mode: literal('electron', 'browser'),
      platform: str(),
      demoFolder: nullable(path),
      bundle: nullable(obj({ name: str(), version: str() })),
      /** NVIDIA GPUs the services see and whether inference can use CUDA; `advice` is the notice to show (run `npx sdpm setup-gpu`), null when none is needed */
      gpu: optional(obj({ gpus: arr(obj({ name: str(), memoryMiB: nullable(num()) })), cudaReady: bool(), advice: nullable(str()) })),
    }),
  },
  'study:chooseFolder': { request: obj({}), response: obj({ folder: nullable(path) }) },
  'study:discover': {
    request: obj({ folder: path }),
    response: obj({ folder: path, series: arr(seriesSummarySchema), skipped: arr(obj({ path: str(), reason: str() })) }),
  },
  'study:load': { request: obj({ folder: path, seriesId: str({ minLength: 1, maxLength: 160 }) }), response: volumeInfoSchema },
  'study:voxels': { request: obj({ volumeId: id }), response: obj({ dtype: literal('int16', 'float32'), data: bytes({ maxBytes: MAX_VOLUME_BYTES }) }) },
  'inference:options': {
    request: obj({}),
    response: obj({ options: arr(settingOptionSchema), profiles: arr(profileOptionSchema), defaults: inferenceSettingsSchema, defaultSamples: nullable(int({ min: 1 })) }),
  },
  'inference:start': { request: obj({ volumeId: id, settings: inferenceSettingsSchema }), response: obj({ runId: id }) },
  'inference:cancel': { request: runIdReq, response: obj({}) },
  'inference:map': {
    request: obj({ runId: id, map: literal('yAvg', 'probability', 'uncertainty') }),
    /** Float32, one value per voxel of the run's volume, in [0, 1]. */
    response: obj({ data: bytes({ maxBytes: MAX_VOLUME_BYTES }) }),
  },
  'inference:regions': { request: runIdReq, response: obj({ regions: arr(regionSchema) }) },
  /**
   * Candidates the bundle's plausibility rules dropped (engine post-processing, not SDPM), with the rule and the
   * measured value, and each one's voxels (Int32 little-endian voxel indices on the volume grid) so the reader can
   * restore it (electron/core/lesions restoreLesion). Empty when the rules are off or dropped nothing.
   */
  'inference:dropped': {
    request: runIdReq,
    response: obj({
      candidates: arr(obj({ id: int({ min: 1 }), volumeMl: num({ min: 0 }), meanHu: nullable(num()), rule: str({ maxLength: 40 }), reason: str({ maxLength: 300 }), centroidIjk: numTuple(3), voxels: bytes({ maxBytes: MAX_VOLUME_BYTES }) })),
    }),
  },
  'volumetry:measure': {
    request: obj({ volumeId: id, runId: nullable(id), labelmap: bytes({ maxBytes: MAX_VOLUME_BYTES }) }),
    response: obj({
      totalMl: num({ min: 0 }),
      voxelVolumeMl: num({ min: 0 }),
      lesions: arr(lesionSchema),
      /** calibrated interval of the total, null without calibration (see `calibration`) */
      totalCalibratedIntervalMl: optional(nullable(numTuple(2))),
      /**
       * the bundle's interval calibration, so the page can recompute intervals after each edit with the core
       * function (calibratedInterval(volume, calibration, level)); null when the bundle has none
       */
      calibration: optional(nullable(calibrationSchema)),
      /** what the interval means in plain words, or that there is none (shown to the reader) */
      intervalNote: optional(str({ maxLength: 1000 })),
      /** what each lesion's calibrated interval means (counted over lesions, not cases); null without calibration */
      lesionIntervalNote: optional(nullable(str({ maxLength: 1000 }))),
      /** what the bundle's held-out detection per lesion kind says about this run (e.g. that the model misses most infarcts); null without one */
      detectionNote: optional(nullable(str({ maxLength: 1000 }))),
    }),
  },
  'journal:append': { request: obj({ studyKey: id, entries: arr(journalEntrySchema, { maxLength: 1000 }) }), response: obj({ lastSeq: int({ min: -1 }) }) },
  'journal:read': { request: obj({ studyKey: id }), response: obj({ entries: arr(journalEntrySchema), updatedAtMs: nullable(num()) }) },
  'journal:discard': { request: obj({ studyKey: id }), response: obj({}) },
  'session:save': { request: obj({ studyKey: id, name: str({ minLength: 1, maxLength: 120 }) }), response: obj({ path: path }) },
  'session:list': { request: obj({ studyKey: id }), response: obj({ sessions: arr(obj({ name: str(), path: path, savedAtMs: num() })) }) },
  'session:load': { request: obj({ studyKey: id, name: str({ minLength: 1, maxLength: 120 }) }), response: obj({ entries: arr(journalEntrySchema) }) },
  'export:seg': {
    request: obj({
      volumeId: id,
      runId: nullable(id),
      labelmap: bytes({ maxBytes: MAX_VOLUME_BYTES }),
      readerName: str({ minLength: 1, maxLength: 64 }),
      /** True when a reader changed the model's contours: the SEG says SEMIAUTOMATIC instead of AUTOMATIC. */
      edited: bool(),
      /** Output folder; the services pick one under the user's data folder when absent. */
      outFolder: optional(path),
    }),
    /** segPixels: lesion pixels the SEG holds on the source slices (after resampling back from the grid). */
    response: obj({ segPath: path, reportPath: nullable(path), totalMl: num({ min: 0 }), segPixels: int({ min: 0 }), algorithmType: literal('AUTOMATIC', 'SEMIAUTOMATIC') }),
  },
  ...pacsChannels,
} as const;

export type Channel = keyof typeof channels;
export type Request<C extends Channel> = Infer<(typeof channels)[C]['request']>;
export type Response<C extends Channel> = Infer<(typeof channels)[C]['response']>;
export const channelNames = Object.keys(channels) as Channel[];

export function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(channels, name);
}

/** Events pushed from the services to the page (small JSON only; bulky data is fetched by channel). */
export const events = {
  'inference:progress': obj({
    runId: id,
    stage: str({ maxLength: 80 }),
    /** 0..1 over the whole run. */
    fraction: num({ min: 0, max: 1 }),
    etaS: nullable(num({ min: 0 })),
    provider: nullable(str({ maxLength: 40 })),
    /** Slices finished so far, of the total. */
    slicesDone: int({ min: 0 }),
    slicesTotal: int({ min: 0 }),
  }),
  /** An early result is ready to fetch with inference:map (y_avg arrives before the samples). */
  'inference:partial': obj({ runId: id, map: literal('yAvg'), totalVolumeMl: num({ min: 0 }) }),
  'inference:finished': obj({
    runId: id,
    status: literal('done', 'cancelled', 'failed'),
    error: nullable(obj({ code: str(), message: str() })),
    provider: nullable(str()),
    elapsedS: num({ min: 0 }),
  }),
  ...pacsEvents,
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = Infer<(typeof events)[E]>;
export const eventNames = Object.keys(events) as EventName[];
export function isEventName(name: string): name is EventName {
  return Object.prototype.hasOwnProperty.call(events, name);
}

/** Every response is wrapped so errors cross the edge as data: `{ code, message }` with a stable code. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string; path?: string } };

export const envelopeErrorSchema = obj({ code: str(), message: str(), path: optional(str()) });
