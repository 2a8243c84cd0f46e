/**
 * What the `sdpm pacs` sub-commands share: where the saved connections and the cache live, which peer
 * `--peer` names, and where its secret comes from (environment, else a no-echo prompt on a terminal;
 * never a flag, which would show in `ps` and shell history).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { SdpmError } from '../../core/index';
import type { PacsPeer } from '../../core/index';
import { chainSecretSources, envSecretName, envSecretSource, type SecretSource } from '../../core/index';
import { PacsSettingsStore } from '../../services/pacs/PacsSettingsStore';

export function settingsFile(flag: string | undefined): string {
  return flag ?? process.env.SDPM_PACS_SETTINGS ?? join(homedir(), '.config', 'sdpm', 'pacs-peers.json');
}

export function cacheRoot(flag: string | undefined): string {
  return flag ?? process.env.SDPM_PACS_CACHE ?? join(homedir(), '.cache', 'sdpm', 'pacs');
}

export async function resolvePeer(name: string | undefined, settings: string | undefined): Promise<PacsPeer> {
  if (name === undefined) throw new SdpmError('INVALID_ARGUMENT', '--peer NAME is required (sdpm pacs add ... saves one; sdpm pacs list shows them)');
  return new PacsSettingsStore(settingsFile(settings)).get(name);
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    let muted = false;
    const output = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (!muted) process.stderr.write(chunk);
        cb();
      },
    });
    const rl = createInterface({ input: process.stdin, output, terminal: true });
    rl.question(question, (answer) => {
      rl.close();
      process.stderr.write('\n');
      resolve(answer);
    });
    muted = true;
  });
}

/** Environment first; then, only on an interactive terminal, a prompt. */
export function cliSecrets(): SecretSource {
  const prompt: SecretSource = {
    label: 'a prompt (stdin is a terminal)',
    async get(peerName) {
      if (process.stdin.isTTY !== true) return undefined;
      const v = await promptHidden(`password or token for PACS connection "${peerName}" (or set ${envSecretName(peerName)}): `);
      return v === '' ? undefined : v;
    },
  };
  return chainSecretSources(envSecretSource(), prompt);
}

/** One AbortController that Ctrl-C (SIGINT) aborts once; a second Ctrl-C kills as usual. */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSigint = (): void => {
    process.off('SIGINT', onSigint);
    ac.abort();
  };
  process.on('SIGINT', onSigint);
  return { signal: ac.signal, dispose: () => process.off('SIGINT', onSigint) };
}
