/**
 * onnxruntime-node sessions for a bundle, with an explicit execution-provider choice
 * (`cuda` | `cpu` | `auto`). onnxruntime-node does not fall back by itself: asking for CUDA where its provider
 * libraries are missing makes session creation throw (shared/ENVIRONMENT.md). So:
 * - `cpu`: CPU only.
 * - `cuda`: CUDA; if it cannot start, PROVIDER_UNAVAILABLE with the reason, unless `allowFallback`, then CPU
 *   and a warning saying why.
 * - `auto`: CUDA when its provider library is present and a session starts, else CPU (logged, with the reason).
 * Graph optimisation level `all` (15-25% faster than the lower levels here), intra-op threads configurable.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SdpmError } from '../errors';
import type { Logger } from '../logger';

export type ProviderChoice = 'cpu' | 'cuda' | 'auto';
export type ProviderUsed = 'cpu' | 'cuda';

export interface SessionOptions {
  provider: ProviderChoice;
  /** retry on CPU when `cuda` was asked for and cannot start */
  allowFallback?: boolean;
  /** intra-op threads (default: all cores of this machine, at least 1) */
  intraOpThreads?: number;
}

export interface Sessions {
  net: ort.InferenceSession;
  eps: ort.InferenceSession | null;
  provider: ProviderUsed;
  /** one sentence: which provider runs and why */
  providerReason: string;
  intraOpThreads: number;
}

/** Why the CUDA provider cannot be used in this install, or null when its library is present. */
export function cudaUnavailableReason(): string | null {
  const backends = ort.listSupportedBackends();
  if (!backends.some((b) => b.name === 'cuda')) return 'this onnxruntime-node build has no CUDA backend';
  try {
    const req = createRequire(import.meta.url);
    const pkg = dirname(req.resolve('onnxruntime-node/package.json'));
    const lib = join(pkg, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so');
    if (process.platform === 'linux' && !existsSync(lib)) return `the CUDA provider library is not installed (${lib} missing; onnxruntime-node downloads it at install time, which needs internet, CUDA 12 and cuDNN 9)`;
  } catch (err) {
    return `cannot locate onnxruntime-node: ${err instanceof Error ? err.message : String(err)}`;
  }
  return null;
}

async function open(paths: { net: string; eps: string | null }, ep: ProviderUsed, threads: number): Promise<{ net: ort.InferenceSession; eps: ort.InferenceSession | null }> {
  const opts: ort.InferenceSession.SessionOptions = {
    executionProviders: ep === 'cuda' ? ['cuda'] : ['cpu'],
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
  const startCpu = async (reason: string): Promise<Sessions> => {
    try {
      return { ...(await open(paths, 'cpu', threads)), provider: 'cpu', providerReason: reason, intraOpThreads: threads };
    } catch (err) {
      throw new SdpmError('INFERENCE_FAILED', `cannot load the model ${paths.net} on CPU: ${err instanceof Error ? err.message : String(err)}`, { path: paths.net, cause: err });
    }
  };
  if (o.provider === 'cpu') {
    const s = await startCpu('CPU requested');
    log.info('execution provider: cpu', { reason: s.providerReason, intraOpThreads: threads });
    return s;
  }
  let why = cudaUnavailableReason();
  if (why === null) {
    try {
      const s = await open(paths, 'cuda', threads);
      const reason = o.provider === 'auto' ? 'auto: CUDA provider available and started' : 'CUDA requested';
      log.info('execution provider: cuda', { reason });
      return { ...s, provider: 'cuda', providerReason: reason, intraOpThreads: threads };
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
