/**
 * The two ways `sdpm setup-gpu` gives onnxruntime-node a CUDA execution provider whose version matches the
 * onnxruntime core it plugs into exactly (a mismatched provider does not load):
 * - `nuget`: onnxruntime-node's own installer with `--onnxruntime-node-install=cuda12` downloads
 *   Microsoft.ML.OnnxRuntime.Gpu.Linux of the installed version from api.nuget.org and places the providers next
 *   to the project's libonnxruntime.so. Needs the internet, and CUDA 12 + cuDNN 9 at run time.
 * - `npm`: from the npm registry only. `com.github.asus4.onnxruntime.linux-x64-gpu@0.4.9` carries the CUDA
 *   provider of onnxruntime 1.29.0 built for CUDA 13; it is installed with `onnxruntime-node@1.29.0` into
 *   gpuRuntimeHome() (beside the project, which keeps its own version for CPU), the provider libraries are copied
 *   next to that libonnxruntime.so, and a marker tells ortRuntime.ts to load that copy where an NVIDIA GPU is
 *   present. Needs CUDA 13 + cuDNN 9 libraries on the library path at run time.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SdpmError } from '../errors';
import { gpuRuntimeHome, nativeDir, projectOrtDir, RUNTIME_MARKER } from './ortRuntime';

export type GpuRoute = 'nuget' | 'npm';

/** The registry pair of the npm route: versions must match exactly. */
export const NPM_ROUTE = { ortVersion: '1.29.0', providerPackage: 'com.github.asus4.onnxruntime.linux-x64-gpu', providerVersion: '0.4.9', cuda: '13' } as const;
export const PROVIDER_LIBS = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'] as const;

export interface RouteResult {
  route: GpuRoute;
  /** the onnxruntime-node package folder that now has the provider */
  ortDir: string;
  log: string;
}

/** Every file under `dir` whose name is one of `names` (first match per name, sorted walk). */
export function findFiles(dir: string, names: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (names.includes(e) && !found.has(e)) found.set(e, p);
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}

/** Copies the provider libraries found under `providerPkgDir` next to the onnxruntime core of `ortDir`. */
export function placeProviderLibs(providerPkgDir: string, ortDir: string): string[] {
  const found = findFiles(providerPkgDir, PROVIDER_LIBS);
  const missing = PROVIDER_LIBS.filter((n) => !found.has(n));
  if (missing.length > 0) throw new SdpmError('PROVIDER_UNAVAILABLE', `${providerPkgDir} has no ${missing.join(', ')}`, { path: providerPkgDir });
  const dest = nativeDir(ortDir);
  if (!existsSync(dest)) throw new SdpmError('PROVIDER_UNAVAILABLE', `${ortDir} has no native folder ${dest} (not onnxruntime-node for ${process.platform}/${process.arch}?)`, { path: ortDir });
  const placed: string[] = [];
  for (const n of PROVIDER_LIBS) {
    copyFileSync(found.get(n) as string, join(dest, n));
    placed.push(join(dest, n));
  }
  return placed;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 26 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new SdpmError('PROVIDER_UNAVAILABLE', `${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${String(r.status)}`}): ${out.trim().split('\n').slice(-3).join(' ')}`);
  return out;
}

export function installNuget(): RouteResult {
  const ortDir = projectOrtDir();
  const log = run(process.execPath, [join(ortDir, 'script', 'install.js'), '--onnxruntime-node-install=cuda12'], ortDir);
  return { route: 'nuget', ortDir, log };
}

export function installNpm(home = gpuRuntimeHome()): RouteResult {
  mkdirSync(home, { recursive: true });
  if (!existsSync(join(home, 'package.json'))) writeFileSync(join(home, 'package.json'), `${JSON.stringify({ name: 'sdpm-onnxruntime-gpu', private: true }, null, 1)}\n`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const log = run(npm, ['install', '--no-audit', '--no-fund', '--onnxruntime-node-install=skip', `onnxruntime-node@${NPM_ROUTE.ortVersion}`, `${NPM_ROUTE.providerPackage}@${NPM_ROUTE.providerVersion}`], home);
  const ortDir = join(home, 'node_modules', 'onnxruntime-node');
  const placed = placeProviderLibs(join(home, 'node_modules', NPM_ROUTE.providerPackage), ortDir);
  writeFileSync(join(home, RUNTIME_MARKER), `${JSON.stringify({ route: 'npm', ...NPM_ROUTE, placed, installedAt: new Date().toISOString() }, null, 1)}\n`);
  return { route: 'npm', ortDir, log };
}

/**
 * Starts a CUDA session on `modelPath` with the onnxruntime-node in `ortDir`, in a child process (this process
 * may already hold another onnxruntime core). Returns null when it started, else the first line of the error.
 */
export function tryCudaSession(ortDir: string, modelPath: string): string | null {
  const code = `const ort=require(process.argv[1]);ort.InferenceSession.create(process.argv[2],{executionProviders:['cuda']}).then(()=>{process.stdout.write('CUDA_OK\\n')},e=>{process.stdout.write('CUDA_FAIL '+String(e&&e.message||e).split('\\n')[0]+'\\n')})`;
  const r = spawnSync(process.execPath, ['-e', code, ortDir, modelPath], { encoding: 'utf8', timeout: 120_000 });
  const line = `${r.stdout ?? ''}`.trim().split('\n').pop() ?? '';
  if (line === 'CUDA_OK') return null;
  // onnxruntime logs the library that failed to load (e.g. libcublasLt.so.13) on stderr, not in the message
  const detail = /with error: ([^\n]+)/.exec(r.stderr ?? '')?.[1]?.split(String.fromCharCode(27))[0]?.trim();
  if (line.startsWith('CUDA_FAIL ')) return `${line.slice('CUDA_FAIL '.length)}${detail !== undefined ? ` (${detail})` : ''}`;
  return `the check process failed: ${(r.stderr || r.error?.message || `exit ${String(r.status)}`).trim().split('\n').slice(-1).join('')}`;
}
