/**
 * onnxruntime-node sessions for a bundle, with an explicit execution-provider choice
 * (`cuda` | `cpu` | `auto` | `webgpu`; webgpu is only used when asked for, it needs a Vulkan loader). onnxruntime-node does not fall back by itself: asking for CUDA where its provider
 * libraries are missing makes session creation throw (shared/ENVIRONMENT.md). So:
 * - `cpu`: CPU only.
 * - `cuda`: CUDA; if it cannot start, PROVIDER_UNAVAILABLE with the reason, unless `allowFallback`, then CPU
 *   and a warning saying why.
 * - `auto`: CUDA when its provider library is present and a session starts, else CPU (logged, with the reason).
 * Graph optimisation level `all` (15-25% faster than the lower levels here), intra-op threads configurable.
 */
import type * as OrtTypes from 'onnxruntime-node';
import { SdpmError } from '../errors';
import type { Logger } from '../logger';
import { detectNvidiaGpus } from './gpuSupport';
import { cudaProviderMissing, loadOrtRuntime } from './ortRuntime';

export type ProviderChoice = 'cpu' | 'cuda' | 'auto' | 'webgpu';
export type ProviderUsed = 'cpu' | 'cuda' | 'webgpu';

export interface SessionOptions {
  provider: ProviderChoice;
  /** retry on CPU when `cuda` was asked for and cannot start */
  allowFallback?: boolean;
  /** intra-op threads (default: all cores of this machine, at least 1) */
  intraOpThreads?: number;
}

export interface Sessions {
  net: OrtTypes.InferenceSession;
  eps: OrtTypes.InferenceSession | null;
  provider: ProviderUsed;
  /** one sentence: which provider runs and why */
  providerReason: string;
  intraOpThreads: number;
  /** the device the provider runs on (GPU name from the driver for cuda, null for cpu/webgpu) */
  device: string | null;
  /** onnxruntime-node version and where it was loaded from (ortRuntime.ts) */
  runtime: { version: string; source: string };
}

/** Why the CUDA provider cannot be used in this install, or null when its library is present. */
export function cudaUnavailableReason(): string | null {
  try {
    const rt = loadOrtRuntime();
    if (!rt.ort.listSupportedBackends().some((b) => b.name === 'cuda')) return 'this onnxruntime-node build has no CUDA backend';
    const missing = cudaProviderMissing();
    if (missing !== null) return missing;
  } catch (err) {
    return `cannot load onnxruntime-node: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

/** Name of the first NVIDIA GPU (the CUDA provider's device 0), null when none is visible. */
function cudaDeviceName(): string | null {
  const g = detectNvidiaGpus().gpus[0];
  return g === undefined ? null : `${g.name}${g.memoryMiB === null ? '' : `, ${Math.round(g.memoryMiB / 1024)} GiB`}`;
}

async function open(paths: { net: string; eps: string | null }, ep: ProviderUsed, threads: number): Promise<{ net: OrtTypes.InferenceSession; eps: OrtTypes.InferenceSession | null }> {
  const ort = loadOrtRuntime().ort;
  const opts: OrtTypes.InferenceSession.SessionOptions = {
    executionProviders: [ep],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
  };
  const net = await ort.InferenceSession.create(paths.net, opts);
  const eps = paths.eps === null ? null : await ort.InferenceSession.create(paths.eps, opts);
  return { net, eps };
}

export async function createSessions(paths: { net: string; eps: string | null }, o: SessionOptions, log: Logger, cores: number): Promise<Sessions> {
  const threads = Math.max(1, Math.floor(o.intraOpThreads ?? cores));
  const rt = loadOrtRuntime();
  const runtime = { version: rt.version, source: rt.source };
  const startCpu = async (reason: string): Promise<Sessions> => {
    try {
      return { ...(await open(paths, 'cpu', threads)), provider: 'cpu', providerReason: reason, intraOpThreads: threads, device: null, runtime };
    } catch (err) {
      throw new SdpmError('INFERENCE_FAILED', `cannot load the model ${paths.net} on CPU: ${err instanceof Error ? err.message : String(err)}`, { path: paths.net, cause: err });
    }
  };
  if (o.provider === 'cpu') {
    const s = await startCpu('CPU requested');
    log.info('execution provider: cpu', { reason: s.providerReason, intraOpThreads: threads });
    return s;
  }
  if (o.provider === 'webgpu') {
    try {
      const s = await open(paths, 'webgpu', threads);
      log.info('execution provider: webgpu', { reason: 'WebGPU requested' });
      return { ...s, provider: 'webgpu', providerReason: 'WebGPU requested', intraOpThreads: threads, device: null, runtime };
    } catch (err) {
      const why = `WebGPU session failed to start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
      if (o.allowFallback !== true) throw new SdpmError('PROVIDER_UNAVAILABLE', `execution provider webgpu is unavailable: ${why} (use --provider cpu, or allow fallback)`);
      const s = await startCpu(`webgpu requested with fallback: ${why}; running on CPU`);
      log.warn('execution provider: cpu (fallback)', { reason: s.providerReason, intraOpThreads: threads });
      return s;
    }
  }
  let why = cudaUnavailableReason();
  if (why === null) {
    try {
      const s = await open(paths, 'cuda', threads);
      const reason = o.provider === 'auto' ? 'auto: CUDA provider available and started' : 'CUDA requested';
      log.info('execution provider: cuda', { reason });
      return { ...s, provider: 'cuda', providerReason: reason, intraOpThreads: threads, device: cudaDeviceName(), runtime };
    } catch (err) {
      why = `CUDA session failed to start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
    }
  }
  if (o.provider === 'cuda' && o.allowFallback !== true) {
    throw new SdpmError('PROVIDER_UNAVAILABLE', `execution provider cuda is unavailable: ${why} (use --provider cpu or auto, or allow fallback)`);
  }
  const s = await startCpu(`${o.provider === 'auto' ? 'auto' : 'cuda requested with fallback'}: ${why}; running on CPU`);
  log.warn('execution provider: cpu (fallback)', { reason: s.providerReason, intraOpThreads: threads });
  return s;
}
