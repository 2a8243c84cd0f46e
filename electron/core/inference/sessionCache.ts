/**
 * One set of onnxruntime sessions kept open between requests of the same worker, for batch and queue
 * workers that run many studies with one model: creating the sessions (graph optimisation) costs seconds
 * per study otherwise. At most one entry: a request for another model, provider or thread count releases
 * it first, so the memory held stays that of one model. Only requests with `keepSessions` use it.
 */
import type { Logger } from '../logger';
import { createSessions, type Sessions, type SessionOptions } from './createSessions';

let cached: { key: string; sessions: Sessions } | null = null;
const warmBatches = new WeakMap<Sessions, Set<number>>();

/** true when these sessions already ran a warm-up call at this batch size */
export function isWarm(s: Sessions, batchSize: number): boolean {
  return warmBatches.get(s)?.has(batchSize) === true;
}

export function markWarm(s: Sessions, batchSize: number): void {
  const set = warmBatches.get(s) ?? new Set<number>();
  set.add(batchSize);
  warmBatches.set(s, set);
}

export async function acquireCachedSessions(paths: { net: string; eps: string | null }, o: SessionOptions, log: Logger, cores: number): Promise<Sessions> {
  const key = JSON.stringify([paths.net, paths.eps, o.provider, o.allowFallback === true, o.intraOpThreads ?? cores]);
  if (cached !== null && cached.key === key) return cached.sessions;
  await releaseCachedSessions();
  const sessions = await createSessions(paths, o, log, cores);
  cached = { key, sessions };
  return sessions;
}

export async function releaseCachedSessions(): Promise<void> {
  const old = cached;
  cached = null;
  if (old === null) return;
  await old.sessions.net.release();
  if (old.sessions.eps !== null) await old.sessions.eps.release();
}
