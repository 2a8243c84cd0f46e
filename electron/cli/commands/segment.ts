/**
 * `sdpm segment <study-folder|nifti> --out <dir>`: runs SDPM on one study in a worker thread and writes, on
 * the study's own grid (the loader's Volume grid): mask.nii.gz, probability.nii.gz, uncertainty.nii.gz
 * (binary entropy of the samples' mean, bits), uncertainty-std.nii.gz, agreement.nii.gz, and report.json.
 * Outputs are written to a temporary sibling folder and renamed into place at the end, so a cancelled or
 * failed run never leaves a folder that looks complete (report.json is the completion marker).
 */
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveBundleDir } from '../../core/index';
import { SdpmError } from '../../core/index';
import { buildEngineRequest, DEFAULT_MODE, ENGINE_MODES } from '../../core/index';
import { formatVolumeMl } from '../../core/index';
import type { InferenceRequest } from '../../core/index';
import type { ProviderChoice } from '../../core/index';
import type { ParamValue } from '../../core/index';
import type { SdpmMode } from '../../core/index';
import type { CliCommand, CliContext } from '../CliCommand';
import { InferenceWorkerHost } from '../../worker/InferenceWorkerHost';
import { writeResultAtomically } from '../../services/batch/writeResult';
import type { ResultMessage } from '../../worker/protocol';
import { progressPrinter } from './progressPrinter';

export const SEGMENT_OPTIONS_HELP = `  --mode M          avg | sal | infer | all (default ${DEFAULT_MODE}; all = the union of the three, as in the paper)
  --samples N       samples of each sampling stream the mode runs (sal: y_sal, infer: y_infer, all: both)
  --seed S          random seed (default 0); recorded in report.json
  --provider P      cpu | cuda | auto (default auto: CUDA when available, else CPU)
  --allow-fallback  with --provider cuda: run on CPU (and say why) when CUDA cannot start
  --profile NAME    run profile from the bundle's sampler.json (default: the bundle's profile for the provider)
  --preset NAME     faithful preset instead of a profile: paper | code
  --set K=V         any sampler parameter, e.g. --set ySal.tStride=5 --set yInfer.nSteps=50 (repeatable)
  --bundle DIR      model bundle (default: $SDPM_BUNDLE_DIR, else the one named in models/bundles/DEFAULT)
  --batch-size N    images per network call (default 8)
  --stack N         slices sampled together (default 2; bounds memory)
  --threads N       onnxruntime intra-op threads (default: all cores)
  --no-intracranial-gate
                    keep predicted lesion outside the skull (research; the gate is engine post-processing,
                    not SDPM, and on by default when the bundle's preprocessing.json enables it)
  --no-plausibility keep candidates the bundle's plausibility rules would drop (research; the rules are engine
                    post-processing, not SDPM; dropped candidates are always listed in report.json)`;

const HELP = `usage: sdpm segment <study-folder|file.nii[.gz]> --out <dir> [options]

Segments acute stroke lesions with SDPM and writes mask/probability/uncertainty NIfTI on the study grid and
report.json (volumes, 5-95% interval, lesions, settings, bundle checksum, seed, provider, timings).
${SEGMENT_OPTIONS_HELP}
`;

export const SEGMENT_PARSE_OPTIONS = {
  mode: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  provider: { type: 'string' },
  'allow-fallback': { type: 'boolean', default: false },
  profile: { type: 'string' },
  preset: { type: 'string' },
  set: { type: 'string', multiple: true },
  bundle: { type: 'string' },
  'batch-size': { type: 'string' },
  stack: { type: 'string' },
  threads: { type: 'string' },
  'no-intracranial-gate': { type: 'boolean', default: false },
  'no-plausibility': { type: 'boolean', default: false },
} as const;

function posInt(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new SdpmError('INVALID_ARGUMENT', `${flag} must be a positive integer, got "${v}"`);
  return n;
}

function parseValue(s: string): ParamValue {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === 'null') return null;
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) ? n : s;
}

/**
 * Builds the engine request (without input) from the shared segment options. The bundle is resolved here,
 * in the CLI process, by the one resolver (core/bundle/resolveBundleDir.ts), so a missing bundle fails
 * before any worker starts, with the paths tried.
 */
export function requestFromOptions(v: Record<string, string | boolean | string[] | undefined>): Omit<InferenceRequest, 'input'> {
  const mode = (v.mode ?? DEFAULT_MODE) as string;
  if (!(ENGINE_MODES as readonly string[]).includes(mode)) throw new SdpmError('INVALID_ARGUMENT', `--mode must be avg, sal, infer or all (got "${mode}")`);
  const provider = (v.provider ?? 'auto') as string;
  if (!['cpu', 'cuda', 'auto'].includes(provider)) throw new SdpmError('INVALID_ARGUMENT', `--provider must be cpu, cuda or auto (got "${provider}")`);
  const seedS = (v.seed ?? '0') as string;
  const seed = Number(seedS);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new SdpmError('INVALID_ARGUMENT', `--seed must be an integer in 0..4294967295 (got "${seedS}")`);
  const overrides: Record<string, ParamValue> = {};
  for (const kv of (v.set as string[] | undefined) ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new SdpmError('INVALID_ARGUMENT', `--set needs KEY=VALUE (got "${kv}")`);
    overrides[kv.slice(0, i)] = parseValue(kv.slice(i + 1));
  }
  const nSamples = posInt(v.samples as string | undefined, '--samples');
  const batchSize = posInt(v['batch-size'] as string | undefined, '--batch-size');
  const stackSize = posInt(v.stack as string | undefined, '--stack');
  const threads = posInt(v.threads as string | undefined, '--threads');
  return {
    ...buildEngineRequest({
      mode: mode as SdpmMode,
      provider: provider as ProviderChoice,
      allowFallback: v['allow-fallback'] === true,
      seed,
      ...(v.profile !== undefined ? { profile: v.profile as string } : {}),
      ...(v.preset !== undefined ? { preset: v.preset as string } : {}),
      overrides,
      ...(nSamples !== undefined ? { nSamples } : {}),
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(stackSize !== undefined ? { stackSize } : {}),
      ...(threads !== undefined ? { intraOpThreads: threads } : {}),
      ...(v['no-intracranial-gate'] === true ? { intracranialGate: false } : {}),
      ...(v['no-plausibility'] === true ? { plausibility: false } : {}),
    }),
    bundleDir: resolveBundleDir(v.bundle as string | undefined).bundleDir,
  };
}


/** Runs one request in a worker with a stderr progress bar; Ctrl-C cancels (exit 130, nothing written). */
export async function segmentOne(request: InferenceRequest, outDir: string, ctx: CliContext, host: InferenceWorkerHost = new InferenceWorkerHost()): Promise<ResultMessage> {
  const bar = progressPrinter(ctx, basename(request.input.kind === 'path' ? request.input.path : request.input.label));
  const job = host.run(request, {
    onProgress: (p) => bar.update(p),
    onLog: (level, message, fields) => ctx.log[level](message, fields),
    onPartial: (p) => bar.note(`y_avg ready: ${p.totalVolumeMl.toFixed(2)} mL (sampled modes running)`),
  });
  const onSigint = (): void => {
    bar.note('cancelling…');
    job.cancel();
  };
  process.once('SIGINT', onSigint);
  try {
    const r = await job.result;
    bar.done();
    await writeResultAtomically(outDir, r);
    return r;
  } finally {
    process.off('SIGINT', onSigint);
    bar.done();
  }
}

/** The CLI's printout of a result: volumes through formatVolumeMl, the one way every reader prints them. */
export function formatSummary(r: ResultMessage['report']): string {
  const f = formatVolumeMl;
  const iv = r.calibratedIntervalMl !== null ? `calibrated interval ${f(r.calibratedIntervalMl[0])}-${f(r.calibratedIntervalMl[1])} mL` : 'no calibrated interval';
  const sr = r.sampleRangeMl === null ? 'no samples (y_avg only)' : `sample range ${f(r.sampleRangeMl[0])}-${f(r.sampleRangeMl[1])} mL`;
  const lines = [`total lesion volume ${f(r.totalVolumeMl)} mL (${iv}; ${sr}); ${r.lesions.length} lesion(s); mode ${r.mode}, ${r.settings.profile !== null ? `profile ${r.settings.profile}` : `preset ${r.settings.preset}`}${r.settings.approximation ? ' (approximation of the preset)' : ''}, provider ${r.provider.used}, seed ${r.seed}`];
  lines.push(`  ${r.intervalNote}`);
  for (const l of r.lesions.slice(0, 10)) {
    const ci = l.calibratedIntervalMl !== null ? ` [${f(l.calibratedIntervalMl[0])}, ${f(l.calibratedIntervalMl[1])}]` : '';
    const sl = l.sampleRangeMl !== null ? `, sample range ${f(l.sampleRangeMl[0])}-${f(l.sampleRangeMl[1])}` : '';
    lines.push(`  lesion ${l.id}: ${f(l.volumeMl)} mL${ci}${sl}${l.type !== null ? `, ${l.type}` : ''}${l.meanHu !== null ? `, mean ${l.meanHu.toFixed(0)} HU` : ''}, slices ${l.sliceRange[0]}-${l.sliceRange[1]}${l.uncertaintyRank !== null ? `, review rank ${l.uncertaintyRank}` : ''}`);
  }
  if (r.lesions.length > 10) lines.push(`  … ${r.lesions.length - 10} more lesion(s) in report.json`);
  if (r.detectionNote !== null) lines.push(`  ${r.detectionNote}`);
  if (r.droppedCandidates.length > 0) {
    lines.push(`dropped candidates (plausibility rules, engine post-processing; restorable): ${r.droppedCandidates.length}`);
    for (const d of r.droppedCandidates.slice(0, 10)) lines.push(`  candidate ${d.id}: ${f(d.volumeMl)} mL, ${d.reason}`);
    if (r.droppedCandidates.length > 10) lines.push(`  … ${r.droppedCandidates.length - 10} more in report.json`);
  }
  return `${lines.join('\n')}\n`;
}

export const segment: CliCommand = {
  name: 'segment',
  summary: 'segment lesions in one study (DICOM folder or NIfTI) with SDPM; writes NIfTI maps + report.json',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { ...SEGMENT_PARSE_OPTIONS, out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const study = positionals[0];
    if (study === undefined || positionals.length > 1) throw new SdpmError('INVALID_ARGUMENT', `sdpm segment needs exactly one study\n${HELP}`);
    if (values.out === undefined) throw new SdpmError('INVALID_ARGUMENT', `sdpm segment needs --out <dir>\n${HELP}`);
    const request: InferenceRequest = { input: { kind: 'path', path: resolve(study) }, ...requestFromOptions(values) };
    const host = new InferenceWorkerHost();
    try {
      const r = await segmentOne(request, values.out, ctx, host);
      ctx.stdout(formatSummary(r.report));
      ctx.stdout(`outputs: ${resolve(values.out)}\n`);
      return 0;
    } catch (err) {
      if (err instanceof SdpmError && err.code === 'CANCELLED') {
        ctx.stderr('cancelled: no outputs written\n');
        return 130;
      }
      throw err;
    } finally {
      await host.terminate();
    }
  },
};
