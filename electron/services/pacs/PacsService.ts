/**
 * The PACS side of the services (Electron main over IPC, or the local API server): saved connections,
 * find, retrieve jobs (progress events, cancel, resume by retrieving again) and send-and-verify.
 * Secrets: `secrets` is the secure store in Electron (EncryptedSecretStore over safeStorage); in browser
 * mode a memory store for the session, behind the environment (SDPM_PACS_SECRET_<NAME>).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SdpmError, toErrorPayload } from '../../core/index';
import type { Logger } from '../../core/index';
import { describePeer, parsePacsPeer, peerNeedsSecret } from '../../core/index';
import type { StudyQuery } from '../../core/index';
import { SeriesCache } from '../../core/index';
import { createTransport } from '../../core/index';
import { retrieveSeries } from '../../core/index';
import { chainSecretSources, envSecretSource, type WritableSecretSource } from '../../core/index';
import { sendAndVerify } from '../../core/index';
import type { Handlers } from '../../ipc/dispatch';
import type { EventName, EventPayload } from '../../ipc/contract';
import type { pacsChannels } from '../../ipc/pacsContract';
import { PacsSettingsStore } from './PacsSettingsStore';

export type PacsHandlers = Pick<Handlers, keyof typeof pacsChannels>;

export interface PacsServiceDeps {
  /** The user's data folder: pacs-peers.json and the cache (pacs-cache/) go there. */
  dataDir: string;
  secrets: WritableSecretSource;
  logger: Logger;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  env?: NodeJS.ProcessEnv;
}

export function createPacsHandlers(deps: PacsServiceDeps): PacsHandlers {
  const settings = new PacsSettingsStore(join(deps.dataDir, 'pacs-peers.json'));
  const cache = new SeriesCache(join(deps.dataDir, 'pacs-cache'));
  const secrets = chainSecretSources(deps.secrets, envSecretSource(deps.env ?? process.env));
  const jobs = new Map<string, AbortController>();
  const transportFor = async (name: string) => createTransport(await settings.get(name), secrets);

  const runJob = async (jobId: string, peerName: string, study: string, series: string, ac: AbortController): Promise<void> => {
    const emit = (p: Omit<EventPayload<'pacs:progress'>, 'jobId'>): void => deps.emit('pacs:progress', { jobId, ...p });
    try {
      const t = await transportFor(peerName);
      const r = await retrieveSeries(t, cache, study, series, {
        signal: ac.signal,
        log: deps.logger,
        onProgress: (p) => emit({ status: 'running', total: p.total, done: p.done, failed: p.failed, message: `${p.done} of ${p.total} instances`, folder: null }),
      });
      emit({ status: r.status, total: r.total, done: r.total - r.failures.length, failed: r.failures.length, message: r.message, folder: r.status === 'complete' ? r.folder : null });
    } catch (err) {
      const e = toErrorPayload(err);
      emit({ status: e.code === 'CANCELLED' ? 'cancelled' : 'failed', total: 0, done: 0, failed: 0, message: e.message, folder: null });
    } finally {
      jobs.delete(jobId);
    }
  };

  return {
    'pacs:peers': async () => {
      const peers = await settings.list();
      const out = [];
      for (const peer of peers) out.push({ peer, hasSecret: !peerNeedsSecret(peer) || (await secrets.get(peer.name)) !== undefined, label: describePeer(peer) });
      return { peers: out, secretStore: deps.secrets.label };
    },
    'pacs:savePeer': async ({ peer, secret }) => {
      const parsed = await settings.save(parsePacsPeer(peer));
      if (secret !== undefined) await deps.secrets.set(parsed.name, secret);
      return { label: describePeer(parsed) };
    },
    'pacs:find': async ({ peer, ...q }) => {
      const query: StudyQuery = { ...q };
      return (await transportFor(peer)).findStudies(query);
    },
    'pacs:series': async ({ peer, studyInstanceUid }) => ({ series: await (await transportFor(peer)).findSeries(studyInstanceUid) }),
    'pacs:retrieve': async ({ peer, studyInstanceUid, seriesInstanceUid }) => {
      await settings.get(peer); // unknown peer: an error now, not an event later
      const jobId = randomUUID();
      const ac = new AbortController();
      jobs.set(jobId, ac);
      void runJob(jobId, peer, studyInstanceUid, seriesInstanceUid, ac);
      return { jobId };
    },
    'pacs:cancel': async ({ jobId }) => {
      jobs.get(jobId)?.abort();
      return {};
    },
    'pacs:send': async ({ peer, segPath }) => {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(segPath));
      } catch (err) {
        throw new SdpmError('IO_ERROR', `${segPath}: cannot read the SEG to send (${err instanceof Error ? err.message : String(err)})`, { path: segPath });
      }
      const r = await sendAndVerify(await transportFor(peer), bytes, segPath);
      if (r.comparison.level === 'different') throw new SdpmError('PACS_VERIFY_FAILED', r.message);
      return { message: r.message, level: r.comparison.level, sopInstanceUid: r.ref.sopInstanceUid };
    },
  };
}
