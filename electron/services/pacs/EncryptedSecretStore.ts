/**
 * Secrets kept in a file, each encrypted by a cipher the platform provides. In the desktop app the
 * cipher is Electron safeStorage (electron/main/pacsSecretCipher.ts: Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux). Where the platform has no secure store (safeStorage reports
 * encryption unavailable, or the "basic_text" backend on Linux), nothing is written: the store refuses and
 * says to use SDPM_PACS_SECRET_<NAME> instead, so a password never lands on disk in plain text.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SdpmError } from '../../core/index';
import type { WritableSecretSource } from '../../core/index';

export interface SecretCipher {
  /** Why encryption cannot be used here, or undefined when it can. */
  unavailableReason(): string | undefined;
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

export class EncryptedSecretStore implements WritableSecretSource {
  readonly label: string;

  constructor(
    readonly file: string,
    private readonly cipher: SecretCipher,
    label = 'the OS secure store',
  ) {
    this.label = label;
  }

  private async readAll(): Promise<Record<string, string>> {
    try {
      const v: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      if (typeof v !== 'object' || v === null) return {};
      return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  private async writeAll(all: Record<string, string>): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(all)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }

  async get(peerName: string): Promise<string | undefined> {
    if (this.cipher.unavailableReason() !== undefined) return undefined;
    const enc = (await this.readAll())[peerName];
    return enc === undefined ? undefined : this.cipher.decrypt(Buffer.from(enc, 'base64'));
  }

  async set(peerName: string, secret: string): Promise<void> {
    const why = this.cipher.unavailableReason();
    if (why !== undefined) {
      throw new SdpmError('PACS_SECRET_MISSING', `cannot keep the secret of "${peerName}" safely here (${why}); set SDPM_PACS_SECRET_<NAME> in the environment instead`);
    }
    const all = await this.readAll();
    all[peerName] = this.cipher.encrypt(secret).toString('base64');
    await this.writeAll(all);
  }

  async delete(peerName: string): Promise<void> {
    const all = await this.readAll();
    if (!(peerName in all)) return;
    delete all[peerName];
    await this.writeAll(all);
  }
}
