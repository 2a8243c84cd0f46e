/**
 * What a caller asks the engine for (CLI, worker protocol, app). Plain data, structured-clone safe.
 */
import type { Volume } from '../dicom/Volume';
import type { ParamValue } from '../sdpm/resolveSettings';
import type { SdpmMode } from '../sdpm/sampleSlices';
import type { ProviderChoice } from './createSessions';

export interface InferenceRequest {
  input: { kind: 'path'; path: string } | { kind: 'volume'; volume: Volume; label: string };
  /** bundle folder; default: the one named in models/bundles/DEFAULT */
  bundleDir?: string;
  mode: SdpmMode;
  provider: ProviderChoice;
  allowFallback?: boolean;
  /** run profile (default: the bundle's default profile for the provider that runs) */
  profile?: string;
  /** faithful preset instead of a profile (paper | code) */
  preset?: string;
  /** dotted sampler parameters, applied last (e.g. { 'ySal.nSamples': 10 }) */
  overrides?: Record<string, ParamValue>;
  seed: number;
  /** images per network call (default 8) */
  batchSize?: number;
  /** slices sampled together (default 2) */
  stackSize?: number;
  intraOpThreads?: number;
  /** false: do not apply the bundle's intracranial gate (engine post-processing, not SDPM; research only). Default true. */
  intracranialGate?: boolean;
  /** keep the onnxruntime sessions open for the next request with the same model (batch and queue workers; see sessionCache.ts). Default false. */
  keepSessions?: boolean;
  /** false: do not apply the bundle's plausibility rules (engine post-processing, not SDPM; research only). Default true. */
  plausibility?: boolean;
}

export const DEFAULT_BATCH_SIZE = 8;
export const DEFAULT_STACK_SIZE = 2;
