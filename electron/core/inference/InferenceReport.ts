/**
 * The machine-readable record of one inference run (written as report.json by `sdpm segment`): the result
 * (volumes, interval, lesions, slices to review) and everything needed to reproduce it (study, bundle and its
 * checksum, preset/profile and every changed parameter, approximation flag, seed, provider, timings).
 */
import type { ResolvedSettings } from '../sdpm/resolveSettings';
import type { SdpmMode } from '../sdpm/sampleSlices';
import type { ProviderChoice, ProviderUsed } from './createSessions';
import type { GateRule } from './intracranialGate';
import type { IntracranialGateSettings } from '../bundle/Preprocessing';
import type { PlausibilityRuleName, PlausibilityRules } from '../lesions/plausibility';
import type { ReviewQueue } from '../lesions/reviewQueue';

export interface ReportLesion {
  /** stable lesion ID (electron/core/lesions/lesionIds.ts): the same lesion in the app, the study report and the SEG */
  id: number;
  voxelCount: number;
  /** voxelCount × voxelVolumeMl */
  volumeMl: number;
  /**
   * calibrated interval (calibration.json, split conformal; lesions/calibratedInterval.ts): contains volumeMl;
   * null when the bundle has no calibration
   */
  calibratedIntervalMl: [number, number] | null;
  /** 5th-95th percentile of the SDPM samples' volumes of this lesion's region: a SAMPLE RANGE, not a confidence interval */
  sampleRangeMl: [number, number] | null;
  sampleMeanMl: number | null;
  /** expected volume (mL) on which a random sample disagrees with the final mask, over the lesion's region */
  doubtMl: number | null;
  meanEntropyBits: number | null;
  /** 1 = review first */
  uncertaintyRank: number | null;
  sharesSampleRangeWith: number[];
  meanHu: number | null;
  minHu: number | null;
  maxHu: number | null;
  /** lesion type from labels.json rules (e.g. meanHu >= 45 → haemorrhage), null when no rule matches */
  type: string | null;
  abc2Ml: number;
  sliceRange: readonly [number, number];
  centroidLps: readonly [number, number, number];
  centroidIjk: readonly [number, number, number];
}

/** A candidate the plausibility rules dropped (engine post-processing, not SDPM); the reader can restore it. */
export interface DroppedCandidate {
  id: number;
  voxelCount: number;
  volumeMl: number;
  meanHu: number | null;
  boneContactFraction: number | null;
  rule: PlausibilityRuleName;
  value: number;
  limit: string;
  reason: string;
  sliceRange: readonly [number, number];
  centroidLps: readonly [number, number, number];
  centroidIjk: readonly [number, number, number];
}

export interface InferenceReport {
  formatVersion: 1;
  study: { input: string; dimensions: readonly [number, number, number]; spacingMm: readonly [number, number, number]; seriesInstanceUid: string; studyInstanceUid: string; loaderNotes: readonly string[] };
  mode: SdpmMode;
  /** totalVoxelCount × voxelVolumeMl (kept lesions only) */
  totalVolumeMl: number;
  totalVoxelCount: number;
  voxelVolumeMl: number;
  /** calibrated interval of the total (contains totalVolumeMl); null without calibration.json */
  calibratedIntervalMl: [number, number] | null;
  /** what the calibrated interval means, or why there is none */
  intervalNote: string;
  /** what each lesion's calibrated interval means (the lesion level counts lesions, not cases); null without calibration */
  lesionIntervalNote: string | null;
  /** what the bundle's held-out detection per lesion kind says (detection.json; lesions/detectionByKind.ts); null without one */
  detectionNote: string | null;
  calibration: { nominalCoverage: number; study: { measuredCoverage: number; nTest: number }; lesion: { measuredCoverage: number; nTest: number }; mode: string; profile: string; nSamples: number } | null;
  /** [p5, p95] of the samples' total volumes (SAMPLE RANGE, not a confidence interval), null without samples */
  sampleRangeMl: [number, number] | null;
  sampleMeanVolumeMl: number | null;
  nUncertaintySamples: number;
  uncertaintyNote: string | null;
  lesions: ReportLesion[];
  /** candidates dropped by the bundle's plausibility rules, with rule and measured value (empty when rules are off) */
  droppedCandidates: DroppedCandidate[];
  /** the rules applied (postprocessing.json), null when off; engine post-processing, not part of SDPM */
  plausibilityRules: PlausibilityRules | null;
  /**
   * where to look: over-call regions (samples disagree with a lesion) and possible misses (minority of samples or
   * intermediate probability outside the mask) in one ranking; regions under minSizeMl counted in `hidden`
   */
  reviewQueue: ReviewQueue;
  /** slices with the most doubt first (at most 10) */
  slicesToReview: { k: number; doubtMl: number }[];
  settings: {
    preset: string;
    profile: string | null;
    approximation: boolean;
    changed: ResolvedSettings['changed'];
    parameters: ResolvedSettings['settings'];
    batchSize: number;
    stackSize: number;
    /**
     * Engine post-processing, not part of SDPM: lesion outside the skull removed on the model grid. `enabled`
     * false when the bundle has no gate or it was turned off (`turnedOffByRequest`, --no-intracranial-gate).
     */
    intracranialGate: {
      enabled: boolean;
      turnedOffByRequest: boolean;
      parameters: IntracranialGateSettings | null;
      /** slices per rule (enclosed, skull-hull = gated; no-cavity, tissue-outside-ring = not gated) */
      slicesByRule: Record<GateRule, number>;
      /** per slice index: the rule used (null: skipped slice or gate off) */
      rules: (GateRule | null)[];
      /** model-grid lesion pixels the gate removed from the final mask */
      removedModelPixels: number;
    };
  };
  bundle: { name: string; version: string; sha256SumsSha256: string; dir: string };
  seed: number;
  /**
   * the execution provider actually used (not just requested), why, its device (GPU name and memory for cuda,
   * null on CPU), the CPU sessions sampling at once (networkLanes.ts) and the onnxruntime-node that ran
   */
  provider: { requested: ProviderChoice; used: ProviderUsed; reason: string; intraOpThreads: number; sessions: number; device: string | null; onnxruntime: { version: string; source: string } };
  skippedSlices: number[];
  networkImages: number;
  timingsMs: Record<string, number>;
  peakRssMb: number;
  engine: { onnxruntime: string; node: string };
}
