/**
 * User settings -> engine request: the one function, used by the CLI (`sdpm segment`, `batch`, `demo`) and the
 * services (the app). Both must record the same sampler parameters for the same settings.
 *
 * Rule for `nSamples`: it sets the sample count of each sampling stream the mode RUNS, and no other:
 * sal -> ySal.nSamples; infer -> yInfer.nSamples; all -> both; avg draws no samples (nSamples has no effect).
 * A stream the mode does not run keeps its preset/profile value, so report.json never lists a changed
 * parameter that had no effect (and the run is not marked an approximation for it).
 * Explicit overrides (`--set`) apply as given, before nSamples (the dedicated setting wins).
 */
import { SdpmError } from '../errors';
import type { ParamValue } from '../sdpm/resolveSettings';
import type { SdpmMode } from '../sdpm/sampleSlices';
import type { ProviderChoice } from './createSessions';
import type { InferenceRequest } from './InferenceRequest';

export interface EngineSettings {
  mode: SdpmMode;
  seed: number;
  provider?: ProviderChoice;
  allowFallback?: boolean;
  profile?: string | null;
  preset?: string | null;
  nSamples?: number;
  overrides?: Record<string, ParamValue>;
  batchSize?: number;
  stackSize?: number;
  intraOpThreads?: number;
  intracranialGate?: boolean;
  plausibility?: boolean;
}

export const ENGINE_MODES: readonly SdpmMode[] = ['avg', 'sal', 'infer', 'all'];

/**
 * The mode a run uses when the user chose none (CLI `--mode`, the app's initial choice): y_avg ("fast"). It is
 * the mode the shipped bundle's interval is calibrated for (calibration.json), the SDPM mode that measured best
 * on the held-out tables (models/training/README.md: y_avg Dice 0.224 vs y_all 0.169 on set v2; y_all, the
 * union, has the most false-positive volume), and it runs in seconds on a CPU. The sampled modes (standard,
 * thorough) add the uncertainty map; the reader picks them in the SDPM panel or with `--mode`.
 */
export const DEFAULT_MODE: SdpmMode = 'avg';

/** The sampler parameters `nSamples` sets for a mode. */
export function sampleCountParams(mode: SdpmMode): string[] {
  return mode === 'sal' ? ['ySal.nSamples'] : mode === 'infer' ? ['yInfer.nSamples'] : mode === 'all' ? ['ySal.nSamples', 'yInfer.nSamples'] : [];
}

export function buildEngineRequest(s: EngineSettings): Omit<InferenceRequest, 'input' | 'bundleDir'> {
  if (!ENGINE_MODES.includes(s.mode)) throw new SdpmError('INVALID_ARGUMENT', `mode must be avg, sal, infer or all (got "${String(s.mode)}")`);
  if (!Number.isInteger(s.seed) || s.seed < 0 || s.seed > 0xffffffff) throw new SdpmError('INVALID_ARGUMENT', `seed must be an integer in 0..4294967295 (got ${s.seed})`);
  const overrides: Record<string, ParamValue> = { ...(s.overrides ?? {}) };
  if (s.nSamples !== undefined) {
    if (!Number.isInteger(s.nSamples) || s.nSamples < 1) throw new SdpmError('INVALID_ARGUMENT', `the number of samples must be an integer >= 1 (got ${s.nSamples})`);
    for (const p of sampleCountParams(s.mode)) overrides[p] = s.nSamples;
  }
  return {
    mode: s.mode,
    provider: s.provider ?? 'auto',
    allowFallback: s.allowFallback ?? false,
    seed: s.seed,
    ...(s.profile !== undefined && s.profile !== null ? { profile: s.profile } : {}),
    ...(s.preset !== undefined && s.preset !== null ? { preset: s.preset } : {}),
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
    ...(s.batchSize !== undefined ? { batchSize: s.batchSize } : {}),
    ...(s.stackSize !== undefined ? { stackSize: s.stackSize } : {}),
    ...(s.intraOpThreads !== undefined ? { intraOpThreads: s.intraOpThreads } : {}),
    ...(s.intracranialGate === false ? { intracranialGate: false } : {}),
    ...(s.plausibility === false ? { plausibility: false } : {}),
  };
}
