/**
 * Inference presets and run profiles of a bundle (`sampler.json`, models/BUNDLE-FORMAT.md; SDPM-SPEC §0, §3.4).
 * A preset is a faithful parameter set (`paper`, `code`); a profile is a preset plus overrides, chosen per
 * execution provider (e.g. `cpu-fast`), and says whether it approximates its preset.
 */
import { JsonReader } from './JsonReader';

export interface YAvgSettings {
  /** `single`: one call at t = 0 on the clean image (paper). `code-mean`: mean of the y_sal t = 0 calls (authors' code). */
  variant: 'single' | 'code-mean';
}
export interface YSalSettings {
  /** Timesteps t = 0, tStride, ... < window are used. */
  window: number;
  weighting: 'paper' | 'code-linear';
  nu: number;
  nSamples: number;
  /** Reproduces the authors' never-reset accumulator (p = mean of cumulative sums). */
  cumsumBug: boolean;
  /** 1 = every timestep (faithful); k > 1 = every k-th timestep, weights renormalised (approximation). */
  tStride: number;
}
export interface YInferSettings {
  /** 0-based start timestep k of Algorithm 1. */
  startIndex: number;
  nSamples: number;
  /** Label-noise scale d_i (paper; value not given, 1.0 as in the code). */
  d: number;
  /** Authors' code: init call at k gives y only, then k fresh calls t = k-1..0. */
  codeCompat: boolean;
  /** null = full chain; K = strided ancestral chain over K timesteps (approximation). */
  nSteps: number | null;
}
export interface DespeckleSettings {
  enabled: boolean;
  kernel: number;
  minCount: number;
}
export interface SamplerPreset {
  yAvg: YAvgSettings;
  ySal: YSalSettings;
  yInfer: YInferSettings;
  yAll: 'union' | 'mean';
  threshold: number;
  despeckle: DespeckleSettings;
}
export interface RunProfile {
  name: string;
  basePreset: string;
  /** Dotted parameter paths (e.g. `ySal.nSamples`) and their values, flattened from the JSON. */
  overrides: Record<string, number | boolean | string | null>;
  approximation: boolean;
  notes: string;
}
export interface SamplerConfig {
  presets: Record<string, SamplerPreset>;
  profiles: Record<string, RunProfile>;
  defaultProfile: { cpu: string; cuda: string };
}

/** One preset object (same shape as in sampler.json), e.g. from golden/manifest.json settings. */
export function parseSamplerPreset(value: unknown, file = 'sampler preset'): SamplerPreset {
  return parsePreset(new JsonReader(file, value));
}

function parsePreset(r: JsonReader): SamplerPreset {
  const a = r.field('yAvg');
  const s = r.field('ySal');
  const i = r.field('yInfer');
  const d = r.field('despeckle');
  const nStepsR = i.field('nSteps');
  const preset: SamplerPreset = {
    yAvg: { variant: a.field('variant').oneOf(['single', 'code-mean'] as const) },
    ySal: {
      window: s.field('window').int(1),
      weighting: s.field('weighting').oneOf(['paper', 'code-linear'] as const),
      nu: s.field('nu').number({ min: 0 }),
      nSamples: s.field('nSamples').int(1),
      cumsumBug: s.field('cumsumBug').boolean(),
      tStride: s.field('tStride').int(1),
    },
    yInfer: {
      startIndex: i.field('startIndex').int(0),
      nSamples: i.field('nSamples').int(1),
      d: i.field('d').number({ min: 0 }),
      codeCompat: i.field('codeCompat').boolean(),
      nSteps: nStepsR.value === null ? null : nStepsR.int(2),
    },
    yAll: r.field('yAll').oneOf(['union', 'mean'] as const),
    threshold: r.field('threshold').number({ min: 0, max: 1 }),
    despeckle: { enabled: d.field('enabled').boolean(), kernel: d.field('kernel').int(1), minCount: d.field('minCount').int(0) },
  };
  if (preset.despeckle.kernel % 2 !== 1) d.field('kernel').fail('must be odd');
  return preset;
}

function flatten(r: JsonReader, prefix: string, out: Record<string, number | boolean | string | null>): void {
  for (const key of r.keys()) {
    const c = r.field(key);
    const name = prefix === '' ? key : `${prefix}.${key}`;
    const v = c.value;
    if (c.isObject()) flatten(c, name, out);
    else if (v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') out[name] = v;
    else c.fail('must be a number, boolean, string, null or an object of those');
  }
}

export function parseSamplerConfig(value: unknown, filePath = 'sampler.json'): SamplerConfig {
  const r = new JsonReader('sampler.json', value, '', filePath);
  r.formatVersion1();
  const presets: Record<string, SamplerPreset> = {};
  const pr = r.field('presets');
  for (const name of pr.keys()) presets[name] = parsePreset(pr.field(name));
  if (presets.paper === undefined) pr.fail('must contain the "paper" preset');
  const profiles: Record<string, RunProfile> = {};
  const pf = r.field('profiles');
  for (const name of pf.keys()) {
    const p = pf.field(name);
    const base = p.field('basePreset').string();
    if (presets[base] === undefined) p.field('basePreset').fail(`names no preset in "presets" (got "${base}")`);
    const overrides: Record<string, number | boolean | string | null> = {};
    if (p.has('overrides')) flatten(p.field('overrides'), '', overrides);
    profiles[name] = {
      name,
      basePreset: base,
      overrides,
      approximation: p.has('approximation') ? p.field('approximation').boolean() : Object.keys(overrides).length > 0,
      notes: p.has('notes') ? p.field('notes').string() : '',
    };
  }
  const dp = r.field('defaultProfile');
  const defaultProfile = { cpu: dp.field('cpu').string(), cuda: dp.field('cuda').string() };
  for (const k of ['cpu', 'cuda'] as const) {
    if (profiles[defaultProfile[k]] === undefined) dp.field(k).fail(`names no profile in "profiles" (got "${defaultProfile[k]}")`);
  }
  return { presets, profiles, defaultProfile };
}
