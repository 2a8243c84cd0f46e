/**
 * Agreement of a fast run profile (default: the bundle's CPU profile, e.g. cpu-fast) with its full preset
 * (e.g. paper) on the same input slices and seeds (SDPM-SPEC §0): per mode, Dice of the binary masks and the
 * volume difference, on the model grid of the chosen slices. The full preset is slow on a CPU (~37,600 network
 * images per slice for `paper`): choose few slices.
 * Options: --bundle DIR, --study PATH (DICOM folder or NIfTI; default the demo study), --slices k1,k2 (default:
 *          the slice with the most tissue), --seeds 1,2, --profile NAME, --preset NAME (default: the profile's base),
 *          --batch N (8), --threads N (2), --full-set K=V (cap the reference run; it is then no longer the preset
 *          and the output says so)
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { join } from 'node:path';
import { loadBundle } from '../../electron/core/index';
import { resolveDefaultBundle } from '../../electron/core/index';
import { loadStudyInput } from '../../electron/core/index';
import { OrtNetwork } from '../../electron/core/index';
import { preprocessSlice } from '../../electron/core/index';
import type { CallTicker } from '../../electron/core/index';
import { SeededNoise } from '../../electron/core/index';
import { resolveSettings, type ParamValue } from '../../electron/core/index';
import { sampleSlices, type SliceModes } from '../../electron/core/index';
import type { SliceInput } from '../../electron/core/index';

const ROOT = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    bundle: { type: 'string' },
    study: { type: 'string', default: join(ROOT, 'models/demo/ge-head-ich/dicom') },
    slices: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    profile: { type: 'string' },
    preset: { type: 'string' },
    batch: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
    'full-set': { type: 'string', multiple: true },
  },
});
const print = (s: string): void => void process.stdout.write(`${s}\n`);
const bundle = loadBundle(values.bundle ?? resolveDefaultBundle());
const profile = values.profile ?? bundle.sampler.defaultProfile.cpu;
const fast = resolveSettings(bundle.sampler, { profile });
const fullOverrides: Record<string, ParamValue> = {};
for (const kv of values['full-set'] ?? []) {
  const [k, v] = kv.split('=') as [string, string];
  fullOverrides[k] = v === 'null' ? null : v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v;
}
const full = resolveSettings(bundle.sampler, { preset: values.preset ?? fast.preset, overrides: fullOverrides });
const volume = await loadStudyInput(values.study);
const [nx, ny, nz] = volume.dimensions;
const S = bundle.preprocessing.imageSize;
const all: SliceInput[] = [];
for (let k = 0; k < nz; k++) {
  const r = preprocessSlice(volume.voxels, nx, ny, k, bundle.preprocessing);
  if (r.tissue) all.push({ sliceIndex: k, x0n: r.x0n, m: r.m });
}
const tissue = (s: SliceInput): number => s.m.reduce((a, b) => a + b, 0);
const chosen = values.slices !== undefined ? values.slices.split(',').map(Number) : [[...all].sort((a, b) => tissue(b) - tissue(a))[0]?.sliceIndex ?? 0];
const slices = all.filter((s) => chosen.includes(s.sliceIndex));
const opts: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: Number(values.threads) };
const batch = Number(values.batch);
const net = new OrtNetwork(await ort.InferenceSession.create(bundle.netPath, opts), bundle.epsPath === null ? null : await ort.InferenceSession.create(bundle.epsPath, opts), S, batch);
// pixel area on the model grid: the padded square side maps to S pixels
const side = Math.max(nx, ny);
const pixelMl = ((volume.spacingMm[0] * side) / S) * ((volume.spacingMm[1] * side) / S) * volume.spacingMm[2] / 1000;

print(`approximation: bundle ${bundle.name}@${bundle.version}, study ${values.study}, slices ${slices.map((s) => s.sliceIndex).join(',')} (model grid ${S}², ${pixelMl.toFixed(4)} mL/pixel)`);
print(`  fast: profile ${profile} (changed: ${Object.entries(fast.changed).map(([k, v]) => `${k} ${String(v.preset)}→${String(v.used)}`).join(', ') || 'none'})`);
print(`  reference: preset ${full.preset}${Object.keys(full.changed).length > 0 ? ` WITH CHANGES ${JSON.stringify(full.changed)} (not the faithful preset)` : ' (faithful)'}`);

async function run(settings: typeof fast, seed: number): Promise<{ res: SliceModes[]; ms: number; images: number }> {
  let images = 0;
  const ticker: CallTicker = { batchSize: batch, beforeCall: () => undefined, afterCall: (n) => void (images += n) };
  const t0 = performance.now();
  const res = await sampleSlices(slices, net, bundle.schedule, settings.settings, 'all', new SeededNoise(seed), ticker);
  return { res, ms: performance.now() - t0, images };
}

print('  seed  mode   Dice    vol fast mL  vol ref mL  diff mL   (fast s / ref s)');
for (const seed of values.seeds.split(',').map(Number)) {
  const a = await run(fast, seed);
  const b = await run(full, seed);
  for (const mode of ['avg', 'sal', 'infer', 'all'] as const) {
    let inter = 0;
    let na = 0;
    let nb = 0;
    a.res.forEach((ra, i) => {
      const ma = ra[mode]?.mask;
      const mb = b.res[i]?.[mode]?.mask;
      if (ma === undefined || mb === undefined) return;
      for (let p = 0; p < ma.length; p++) {
        na += ma[p] ?? 0;
        nb += mb[p] ?? 0;
        inter += (ma[p] ?? 0) & (mb[p] ?? 0);
      }
    });
    const dice = na + nb === 0 ? 1 : (2 * inter) / (na + nb);
    print(`  ${String(seed).padStart(4)}  ${mode.padEnd(5)} ${dice.toFixed(4)}  ${(na * pixelMl).toFixed(3).padStart(11)}  ${(nb * pixelMl).toFixed(3).padStart(10)}  ${((na - nb) * pixelMl).toFixed(3).padStart(7)}   (${(a.ms / 1000).toFixed(1)} s, ${a.images} images / ${(b.ms / 1000).toFixed(1)} s, ${b.images} images)`);
  }
}
await net.dispose();
