/**
 * Which onnxruntime-node the engine loads. Normally the project's own (CPU + WebGPU built in, CUDA provider
 * when onnxruntime-node's installer placed it, see `sdpm setup-gpu --route nuget`). `sdpm setup-gpu --route npm`
 * installs a second onnxruntime-node whose version matches a CUDA provider on the npm registry into
 * `gpuRuntimeHome()`; the engine then loads that one, but only where an NVIDIA GPU is present, so CPU machines
 * never change runtime. `SDPM_ORT_DIR` (an onnxruntime-node package folder) overrides both.
 *
 * Only one onnxruntime core can live in a process (both are `libonnxruntime.so.1`): every engine module gets the
 * module from `loadOrt()`, never by a static import, so tensors and sessions come from the same copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as OrtModule from 'onnxruntime-node';
import { SdpmError } from '../errors';

export type Ort = typeof OrtModule;

export interface OrtRuntime {
  ort: Ort;
  /** the onnxruntime-node package folder */
  dir: string;
  version: string;
  source: 'SDPM_ORT_DIR' | 'setup-gpu' | 'project';
}

export const ORT_DIR_ENV = 'SDPM_ORT_DIR';
export const GPU_RUNTIME_HOME_ENV = 'SDPM_GPU_RUNTIME_HOME';
/** written by `sdpm setup-gpu --route npm` beside the runtime it installed */
export const RUNTIME_MARKER = 'sdpm-gpu-runtime.json';

/** Where `setup-gpu --route npm` installs its onnxruntime-node (an npm prefix). */
export function gpuRuntimeHome(): string {
  return process.env[GPU_RUNTIME_HOME_ENV] ?? join(homedir(), '.cache', 'sdpm', 'onnxruntime-gpu');
}

/** The folder holding libonnxruntime.so and the provider libraries of an onnxruntime-node package. */
export function nativeDir(pkgDir: string): string {
  return join(pkgDir, 'bin', 'napi-v6', process.platform, process.arch);
}

export function projectOrtDir(): string {
  return dirname(createRequire(import.meta.url).resolve('onnxruntime-node/package.json'));
}

/** The package folder the engine will load, and why, without loading it. */
export function selectOrtDir(hasNvidiaGpu: () => boolean = () => existsSync('/proc/driver/nvidia/gpus')): { dir: string; source: OrtRuntime['source'] } {
  const env = process.env[ORT_DIR_ENV];
  if (env !== undefined && env !== '') {
    if (!existsSync(join(env, 'package.json'))) throw new SdpmError('PROVIDER_UNAVAILABLE', `${ORT_DIR_ENV}=${env} is not an onnxruntime-node package folder (no package.json)`, { path: env });
    return { dir: env, source: 'SDPM_ORT_DIR' };
  }
  const home = gpuRuntimeHome();
  const gpuDir = join(home, 'node_modules', 'onnxruntime-node');
  if (existsSync(join(home, RUNTIME_MARKER)) && existsSync(join(gpuDir, 'package.json')) && hasNvidiaGpu()) return { dir: gpuDir, source: 'setup-gpu' };
  return { dir: projectOrtDir(), source: 'project' };
}

/** Why the CUDA provider library is absent for the runtime the engine would load, or null (file check only, no load). */
export function cudaProviderMissing(): string | null {
  if (process.platform !== 'linux') return null;
  try {
    const lib = join(nativeDir(selectOrtDir().dir), 'libonnxruntime_providers_cuda.so');
    return existsSync(lib) ? null : `the CUDA provider library is not installed (${lib} missing; \`npx sdpm setup-gpu\` installs it)`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

let loaded: OrtRuntime | null = null;

/** The onnxruntime-node module of this process (chosen once, on first use). */
export function loadOrtRuntime(): OrtRuntime {
  if (loaded !== null) return loaded;
  const { dir, source } = selectOrtDir();
  const req = createRequire(import.meta.url);
  const ort = (source === 'project' ? req('onnxruntime-node') : req(dir)) as Ort;
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  loaded = { ort, dir, version, source };
  return loaded;
}

export function loadOrt(): Ort {
  return loadOrtRuntime().ort;
}
