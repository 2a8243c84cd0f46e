/**
 * Where a peer's password or bearer token comes from. The connection settings never hold it.
 * - Desktop app: the OS secure store through Electron safeStorage (electron/main/pacsSecretStore.ts).
 * - CLI and local server: the environment (SDPM_PACS_SECRET_<NAME>, else SDPM_PACS_SECRET) or, in
 *   the CLI on a terminal, a prompt without echo. Never a command-line flag (it would show in `ps`).
 */
import { SdpmError } from '../errors';
import { describePeer, peerNeedsSecret, type PacsPeer } from './PacsConfig';

export interface SecretSource {
  /** Human-readable, for messages ("the OS secure store", "environment variable ..."). */
  readonly label: string;
  get(peerName: string): Promise<string | undefined>;
}

export interface WritableSecretSource extends SecretSource {
  set(peerName: string, secret: string): Promise<void>;
  delete(peerName: string): Promise<void>;
}

/** SDPM_PACS_SECRET_<NAME> with the name upper-cased and non-alphanumerics as "_". */
export function envSecretName(peerName: string): string {
  return `SDPM_PACS_SECRET_${peerName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

export function envSecretSource(env: NodeJS.ProcessEnv = process.env): SecretSource {
  return {
    label: 'environment (SDPM_PACS_SECRET_<NAME> or SDPM_PACS_SECRET)',
    get(peerName) {
      const v = env[envSecretName(peerName)] ?? env.SDPM_PACS_SECRET;
      return Promise.resolve(v === undefined || v === '' ? undefined : v);
    },
  };
}

/** First source that has a secret wins. */
export function chainSecretSources(...sources: SecretSource[]): SecretSource {
  return {
    label: sources.map((s) => s.label).join(', then '),
    async get(peerName) {
      for (const s of sources) {
        const v = await s.get(peerName);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
}

export function memorySecretSource(initial: Record<string, string> = {}): WritableSecretSource {
  const map = new Map(Object.entries(initial));
  return {
    label: 'memory',
    get: (n) => Promise.resolve(map.get(n)),
    set: (n, s) => {
      map.set(n, s);
      return Promise.resolve();
    },
    delete: (n) => {
      map.delete(n);
      return Promise.resolve();
    },
  };
}

/** The secret a peer needs, or undefined when it needs none; PACS_SECRET_MISSING when it is absent. */
export async function resolvePeerSecret(peer: PacsPeer, source: SecretSource): Promise<string | undefined> {
  if (!peerNeedsSecret(peer)) return undefined;
  const v = await source.get(peer.name);
  if (v === undefined) {
    throw new SdpmError('PACS_SECRET_MISSING', `${describePeer(peer)} needs a ${peer.kind === 'dicomweb' && peer.auth.type === 'bearer' ? 'token' : 'password'}; none found in ${source.label}`);
  }
  return v;
}
