/**
 * One set of onnxruntime sessions kept open between requests of the same worker, for batch and queue
 * workers that run many studies with one model: creating the sessions (graph optimisation) costs seconds
 * per study otherwise. At most one entry: a request for another model, provider or thread count releases
 * it first, so the memory held stays that of one model. Only requests with `keepSessions` use it.
 */
import type { Logger } from '../logger';
import { createSessions, type Sessions, type SessionOptions } from './createSessions';
import type { SdpmNetwork } from '../sdpm/SdpmNetwork';

/** the cached sessions and the extra CPU lanes opened for them (networkLanes.ts), at one batch size */
let cached: { key: string; sessions: Sessions; lanes: { count: number; batch: number; lanes: SdpmNetwork[] } | null; providerLog: ProviderLog | null } | null = null;

/** the "execution provider: ..." line createSessions logged for the cached sessions */
interface ProviderLog {
  level: 'info' | 'warn';
  message: string;
  fields: Record<string, unknown> | undefined;
}
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

function keyOf(paths: { net: string; eps: string | null }, o: SessionOptions, cores: number): string {
  return JSON.stringify([paths.net, paths.eps, o.provider, o.allowFallback === true, o.intraOpThreads ?? cores]);
}

/** Whether acquireCachedSessions would return kept sessions for these arguments. */
export function hasCachedSessions(paths: { net: string; eps: string | null }, o: SessionOptions, cores: number): boolean {
  return cached !== null && cached.key === keyOf(paths, o, cores);
}

export async function acquireCachedSessions(paths: { net: string; eps: string | null }, o: SessionOptions, log: Logger, cores: number): Promise<Sessions> {
  const key = keyOf(paths, o, cores);
  if (cached !== null && cached.key === key) {
    // every run logs its provider (the app shows it from this line), kept sessions too
    const p = cached.providerLog;
    if (p !== null) log[p.level](p.message, { ...p.fields, sessionsKept: true });
    return cached.sessions;
  }
  await releaseCachedSessions();
  let providerLog: ProviderLog | null = null;
  const capture: Logger = {
    debug: (m, f) => log.debug(m, f),
    error: (m, f) => log.error(m, f),
    info: (m, f) => ((providerLog ??= m.startsWith('execution provider:') ? { level: 'info', message: m, fields: f } : null), log.info(m, f)),
    warn: (m, f) => ((providerLog ??= m.startsWith('execution provider:') ? { level: 'warn', message: m, fields: f } : null), log.warn(m, f)),
  };
  const sessions = await createSessions(paths, o, capture, cores);
  cached = { key, sessions, lanes: null, providerLog };
  return sessions;
}

/**
 * The extra lanes for the cached `sessions`: kept with them (released with them), opened by `open` the first
 * time or when the lane count or batch size changes.
 */
export async function acquireCachedLanes(sessions: Sessions, count: number, batch: number, open: () => Promise<SdpmNetwork[]>): Promise<SdpmNetwork[]> {
  if (cached === null || cached.sessions !== sessions) return open();
  const have = cached.lanes;
  if (have !== null && have.count === count && have.batch === batch) return have.lanes;
  cached.lanes = null;
  if (have !== null) await Promise.allSettled(have.lanes.map((l) => l.dispose()));
  const lanes = await open();
  if (cached !== null && cached.sessions === sessions) cached.lanes = { count, batch, lanes };
  return lanes;
}

export async function releaseCachedSessions(): Promise<void> {
  const old = cached;
  cached = null;
  if (old === null) return;
  if (old.lanes !== null) await Promise.allSettled(old.lanes.lanes.map((l) => l.dispose()));
  await old.sessions.net.release();
  if (old.sessions.eps !== null) await old.sessions.eps.release();
}
