/**
 * Turns (preset | profile, explicit overrides) into the exact sampler parameters of a run, and records what
 * differs from the faithful preset (SDPM-SPEC §0): every changed parameter and whether the result is an
 * approximation. A profile is its base preset plus overrides; explicit overrides (CLI flags, API) apply last.
 */
import { SdpmError } from '../errors';
import type { SamplerConfig, SamplerPreset } from '../bundle/SamplerConfig';

export type ParamValue = number | boolean | string | null;

export interface ResolvedSettings {
  preset: string;
  profile: string | null;
  settings: SamplerPreset;
  /** every parameter that differs from the preset, as dotted path -> { preset, used } */
  changed: Record<string, { preset: ParamValue; used: ParamValue }>;
  /** true when the run is not the faithful preset (a profile marked so, or any changed sampling parameter) */
  approximation: boolean;
}

/** Parameters whose change makes a run an approximation of its preset (threshold/despeckle do not). */
const SAMPLING_PARAMS = /^(ySal|yInfer|yAvg)\./;

function getPath(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((cur, k) => (typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[k] : undefined), o);
}

function setPath(o: Record<string, unknown>, path: string, v: ParamValue, where: string): void {
  const keys = path.split('.');
  let cur: Record<string, unknown> = o;
  keys.slice(0, -1).forEach((k) => {
    const next = cur[k];
    if (typeof next !== 'object' || next === null) throw new SdpmError('INVALID_ARGUMENT', `${where}: unknown sampler parameter "${path}"`);
    cur = next as Record<string, unknown>;
  });
  const last = keys[keys.length - 1] ?? '';
  const old = cur[last];
  if (old === undefined) throw new SdpmError('INVALID_ARGUMENT', `${where}: unknown sampler parameter "${path}"`);
  const nullable = path === 'yInfer.nSteps';
  if (!(typeof old === typeof v || (nullable && (v === null || typeof v === 'number')))) throw new SdpmError('INVALID_ARGUMENT', `${where}: sampler parameter "${path}" must be a ${typeof old} (got ${JSON.stringify(v)})`);
  cur[last] = v;
}

function validate(s: SamplerPreset): void {
  const bad = (msg: string): never => {
    throw new SdpmError('INVALID_ARGUMENT', `sampler settings: ${msg}`);
  };
  const posInt = (v: number, name: string): void => {
    if (!Number.isInteger(v) || v < 1) bad(`${name} must be an integer >= 1 (got ${v})`);
  };
  posInt(s.ySal.nSamples, 'ySal.nSamples');
  posInt(s.ySal.window, 'ySal.window');
  posInt(s.ySal.tStride, 'ySal.tStride');
  posInt(s.yInfer.nSamples, 'yInfer.nSamples');
  if (!Number.isInteger(s.yInfer.startIndex) || s.yInfer.startIndex < 0) bad(`yInfer.startIndex must be an integer >= 0`);
  if (s.yInfer.nSteps !== null && (!Number.isInteger(s.yInfer.nSteps) || s.yInfer.nSteps < 2)) bad(`yInfer.nSteps must be null or an integer >= 2`);
  if (!(s.threshold >= 0 && s.threshold <= 1)) bad('threshold must be in [0, 1]');
}

export function resolveSettings(cfg: SamplerConfig, opts: { preset?: string; profile?: string; overrides?: Record<string, ParamValue> }): ResolvedSettings {
  let presetName = opts.preset;
  const overrides: Record<string, ParamValue> = {};
  let profileApprox = false;
  let profileName: string | null = null;
  if (opts.profile !== undefined) {
    const prof = cfg.profiles[opts.profile];
    if (prof === undefined) throw new SdpmError('INVALID_ARGUMENT', `unknown profile "${opts.profile}" (this bundle has: ${Object.keys(cfg.profiles).join(', ')})`);
    if (presetName !== undefined && presetName !== prof.basePreset) throw new SdpmError('INVALID_ARGUMENT', `profile "${prof.name}" is based on preset "${prof.basePreset}", not "${presetName}": pass one of --preset and --profile`);
    presetName = prof.basePreset;
    Object.assign(overrides, prof.overrides);
    profileApprox = prof.approximation;
    profileName = prof.name;
  }
  presetName ??= 'paper';
  const base = cfg.presets[presetName];
  if (base === undefined) throw new SdpmError('INVALID_ARGUMENT', `unknown preset "${presetName}" (this bundle has: ${Object.keys(cfg.presets).join(', ')})`);
  Object.assign(overrides, opts.overrides ?? {});
  const settings = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [path, v] of Object.entries(overrides)) setPath(settings, path, v, profileName !== null && path in (cfg.profiles[profileName]?.overrides ?? {}) ? `profile ${profileName}` : 'override');
  const s = settings as unknown as SamplerPreset;
  validate(s);
  const changed: ResolvedSettings['changed'] = {};
  for (const path of Object.keys(overrides)) {
    const was = getPath(base, path) as ParamValue;
    const now = getPath(s, path) as ParamValue;
    if (was !== now) changed[path] = { preset: was, used: now };
  }
  const approximation = profileApprox || Object.keys(changed).some((p) => SAMPLING_PARAMS.test(p));
  return { preset: presetName, profile: profileName, settings: s, changed, approximation };
}
