/**
 * `sdpm setup-gpu [--route auto|nuget|npm] [--check] [--json]`: gives this install a CUDA execution provider for
 * onnxruntime-node (the install itself never downloads it: the project's .npmrc skips that, so `npm install`
 * works where only the npm registry is reachable). Routes: electron/core/inference/gpuRuntimeInstall.ts.
 */
import { parseArgs } from 'node:util';
import { loadBundle } from '../../core/index';
import { resolveDefaultBundle } from '../../core/index';
import { SdpmError } from '../../core/index';
import { cudaUnavailableReason } from '../../core/index';
import { detectNvidiaGpus, gpuAdvice, type GpuProbe } from '../../core/index';
import { installNpm, installNuget, NPM_ROUTE, tryCudaSession, type RouteResult } from '../../core/index';
import { gpuRuntimeHome, selectOrtDir } from '../../core/index';
import type { CliCommand, CliContext } from '../CliCommand';

const HELP = `usage: sdpm setup-gpu [--route auto|nuget|npm] [--check] [--json]

Installs the CUDA execution provider for onnxruntime-node on a Linux x64 machine with an NVIDIA GPU, then starts
a CUDA session on the default bundle to prove it. \`npm install\` does not do this (it must work offline).
  --check        only report: GPUs found, the onnxruntime-node the engine loads, whether CUDA can be used
  --json         print the report as JSON
  --route nuget  onnxruntime-node's own installer: Microsoft.ML.OnnxRuntime.Gpu.Linux of the installed version
                 from api.nuget.org (needs the internet; CUDA 12 + cuDNN 9 at run time)
  --route npm    npm registry only: onnxruntime-node@${NPM_ROUTE.ortVersion} + ${NPM_ROUTE.providerPackage}@${NPM_ROUTE.providerVersion}
                 (onnxruntime ${NPM_ROUTE.ortVersion} CUDA provider, CUDA ${NPM_ROUTE.cuda}) into ${gpuRuntimeHome()}
                 (SDPM_GPU_RUNTIME_HOME); the engine loads that copy where an NVIDIA GPU is present. Needs CUDA
                 ${NPM_ROUTE.cuda} + cuDNN 9 libraries on LD_LIBRARY_PATH at run time.
  --route auto   nuget, then npm if nuget fails (default)
Afterwards \`sdpm segment --provider auto\` (the default) runs on CUDA; report.json's provider block says which
provider ran, on which device, and why.
`;

interface Status {
  gpu: GpuProbe;
  ortDir: string;
  ortSource: string;
  cudaReason: string | null;
  advice: string | null;
}

function status(): Status {
  const gpu = detectNvidiaGpus();
  const sel = selectOrtDir();
  const cudaReason = cudaUnavailableReason();
  return { gpu, ortDir: sel.dir, ortSource: sel.source, cudaReason, advice: gpuAdvice(gpu, cudaReason) };
}

function printStatus(s: Status, ctx: CliContext): void {
  ctx.stdout(s.gpu.gpus.length === 0 ? 'NVIDIA GPU: none found (/proc/driver/nvidia, nvidia-smi)\n' : `NVIDIA GPU: ${s.gpu.gpus.map((g) => `${g.name}${g.memoryMiB === null ? '' : ` ${g.memoryMiB} MiB`}${g.driver === null ? '' : `, driver ${g.driver}`}`).join('; ')} (${s.gpu.source})\n`);
  ctx.stdout(`onnxruntime-node: ${s.ortDir} (${s.ortSource})\n`);
  ctx.stdout(`CUDA provider: ${s.cudaReason === null ? 'installed' : `not usable: ${s.cudaReason}`}\n`);
  if (s.advice !== null) ctx.stdout(`${s.advice}\n`);
}

function install(route: string, ctx: CliContext): RouteResult {
  if (route === 'nuget') return installNuget();
  if (route === 'npm') return installNpm();
  try {
    return installNuget();
  } catch (err) {
    ctx.stderr(`route nuget failed (${err instanceof Error ? err.message : String(err)}); trying route npm\n`);
    return installNpm();
  }
}

export const setupGpu: CliCommand = {
  name: 'setup-gpu',
  summary: 'install the CUDA execution provider (NVIDIA GPU machines), or --check what this install can use',
  async run(argv, ctx) {
    const { values } = parseArgs({ args: [...argv], allowPositionals: false, options: { route: { type: 'string', default: 'auto' }, check: { type: 'boolean', default: false }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    if (!['auto', 'nuget', 'npm'].includes(values.route)) throw new SdpmError('INVALID_ARGUMENT', `--route must be auto, nuget or npm (got "${values.route}")`);
    const before = status();
    if (values.check === true) {
      if (values.json === true) ctx.stdout(`${JSON.stringify(before, null, 1)}\n`);
      else printStatus(before, ctx);
      return 0;
    }
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new SdpmError('PROVIDER_UNAVAILABLE', `setup-gpu supports Linux x64 (this is ${process.platform}/${process.arch}); onnxruntime-node ships its GPU providers for other platforms itself`);
    if (before.gpu.gpus.length === 0) ctx.stderr('warning: no NVIDIA GPU found; installing anyway (the engine uses the npm-route runtime only where a GPU is present)\n');
    const r = install(values.route, ctx);
    ctx.stdout(`route ${r.route}: CUDA provider placed in ${r.ortDir}\n`);
    const bundle = loadBundle(resolveDefaultBundle());
    const why = tryCudaSession(r.ortDir, bundle.epsPath ?? bundle.netPath);
    if (why === null) {
      ctx.stdout('CUDA session started on the default bundle: `sdpm segment` now runs on the GPU (provider auto)\n');
      return 0;
    }
    ctx.stdout(`installed, but a CUDA session does not start on this machine: ${why}\n`);
    ctx.stdout(r.route === 'npm' ? `put the CUDA ${NPM_ROUTE.cuda} and cuDNN 9 libraries on LD_LIBRARY_PATH (e.g. those of a PyTorch CUDA ${NPM_ROUTE.cuda} install: site-packages/nvidia/*/lib) and run \`sdpm setup-gpu --check\`\n` : 'install CUDA 12 and cuDNN 9 (or try --route npm for CUDA 13)\n');
    return 2;
  },
};
