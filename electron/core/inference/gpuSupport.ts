/**
 * Is there an NVIDIA GPU, and can this install use it? Read-only probes, no download:
 * - the GPU: `/proc/driver/nvidia/gpus/<bus>/information` (the kernel driver; no process started), then
 *   `nvidia-smi --query-gpu` for the memory (skipped when absent; 5 s limit);
 * - the CUDA execution provider: its library next to the onnxruntime core the engine loads (ortRuntime.ts).
 * `gpuAdvice` is the one sentence the CLI and the app show when a GPU is present but the provider is not
 * (`npx sdpm setup-gpu`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cudaProviderMissing } from './ortRuntime';

export interface NvidiaGpu {
  name: string;
  memoryMiB: number | null;
  driver: string | null;
}

export interface GpuProbe {
  gpus: NvidiaGpu[];
  /** where the list came from */
  source: 'nvidia-smi' | 'proc' | 'none';
}

export interface ProbeOptions {
  /** default /proc/driver/nvidia */
  procDir?: string;
  /** default `nvidia-smi` on the PATH; null = do not run it */
  nvidiaSmi?: string | null;
}

/** `Model:  NVIDIA H200` lines of the driver's per-GPU information files. */
export function parseProcInformation(text: string): string | null {
  const m = /^Model:\s*(.+?)\s*$/m.exec(text);
  return m?.[1] ?? null;
}

/** Output of `nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmiCsv(text: string): NvidiaGpu[] {
  const gpus: NvidiaGpu[] = [];
  for (const line of text.split('\n')) {
    const cells = line.split(',').map((c) => c.trim());
    const name = cells[0];
    if (name === undefined || name === '') continue;
    const mem = Number(cells[1]);
    gpus.push({ name, memoryMiB: Number.isFinite(mem) && cells[1] !== '' ? mem : null, driver: cells[2] !== undefined && cells[2] !== '' ? cells[2] : null });
  }
  return gpus;
}

function procGpus(procDir: string): NvidiaGpu[] {
  const dir = join(procDir, 'gpus');
  if (!existsSync(dir)) return [];
  const version = existsSync(join(procDir, 'version')) ? (/Kernel Module\s+([\d.]+)/.exec(readFileSync(join(procDir, 'version'), 'utf8'))?.[1] ?? null) : null;
  const gpus: NvidiaGpu[] = [];
  for (const bus of readdirSync(dir).sort()) {
    const info = join(dir, bus, 'information');
    if (!existsSync(info)) continue;
    gpus.push({ name: parseProcInformation(readFileSync(info, 'utf8')) ?? `NVIDIA GPU ${bus}`, memoryMiB: null, driver: version });
  }
  return gpus;
}

export function detectNvidiaGpus(o: ProbeOptions = {}): GpuProbe {
  const proc = procGpus(o.procDir ?? '/proc/driver/nvidia');
  const smi = o.nvidiaSmi === undefined ? 'nvidia-smi' : o.nvidiaSmi;
  if (smi !== null && (proc.length > 0 || o.procDir === undefined)) {
    const r = spawnSync(smi, ['--query-gpu=name,memory.total,driver_version', '--format=csv,noheader,nounits'], { encoding: 'utf8', timeout: 5000 });
    if (r.status === 0) {
      const gpus = parseNvidiaSmiCsv(r.stdout);
      if (gpus.length > 0) return { gpus, source: 'nvidia-smi' };
    }
  }
  return proc.length > 0 ? { gpus: proc, source: 'proc' } : { gpus: [], source: 'none' };
}

/** The sentence to show when a GPU is present and CUDA is not usable, else null. */
export function gpuAdvice(probe: GpuProbe, cudaReason: string | null): string | null {
  if (probe.gpus.length === 0 || cudaReason === null) return null;
  const names = probe.gpus.map((g) => g.name).join(', ');
  return `NVIDIA GPU found (${names}) but inference runs on the CPU: ${cudaReason}. Run \`npx sdpm setup-gpu\` once to install the CUDA provider.`;
}

export interface GpuStatus {
  gpus: Array<{ name: string; memoryMiB: number | null }>;
  /** an NVIDIA GPU is present and the CUDA provider library is installed for the runtime the engine loads */
  cudaReady: boolean;
  advice: string | null;
}

/** For the app (app:info): no onnxruntime is loaded here (file checks and the driver only). */
export function gpuStatus(o: ProbeOptions = {}): GpuStatus {
  const probe = detectNvidiaGpus(o);
  const missing = cudaProviderMissing();
  return { gpus: probe.gpus.map((g) => ({ name: g.name, memoryMiB: g.memoryMiB })), cudaReady: probe.gpus.length > 0 && missing === null, advice: gpuAdvice(probe, missing) };
}
