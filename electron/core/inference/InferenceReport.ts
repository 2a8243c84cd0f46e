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

export interface ReportLesion {
  label: number;
  volumeMl: number;
  /** 5th-95th percentile of the samples' volumes of this lesion's region, null without samples */
  intervalMl: [number, number] | null;
  sampleMeanMl: number | null;
  /** expected volume (mL) on which a random sample disagrees with the final mask, over the lesion's region */
  doubtMl: number | null;
  meanEntropyBits: number | null;
  /** 1 = review first */
  uncertaintyRank: number | null;
  sharesIntervalWith: number[];
  meanHu: number | null;
  /** lesion type from labels.json rules (e.g. meanHu >= 45 → haemorrhage), null when no rule matches */
  type: string | null;
  abc2Ml: number;
  sliceRange: readonly [number, number];
  centroidLps: readonly [number, number, number];
}

export interface InferenceReport {
  formatVersion: 1;
  study: { input: string; dimensions: readonly [number, number, number]; spacingMm: readonly [number, number, number]; seriesInstanceUid: string; studyInstanceUid: string; loaderNotes: readonly string[] };
  mode: SdpmMode;
  totalVolumeMl: number;
  /** [p5, p95] of the samples' total volumes, null without samples */
  intervalMl: [number, number] | null;
  sampleMeanVolumeMl: number | null;
  nUncertaintySamples: number;
  uncertaintyNote: string | null;
  lesions: ReportLesion[];
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
  provider: { requested: ProviderChoice; used: ProviderUsed; reason: string; intraOpThreads: number };
  skippedSlices: number[];
  networkImages: number;
  timingsMs: Record<string, number>;
  peakRssMb: number;
  engine: { onnxruntime: string; node: string };
}
