/**
 * The saved PACS connections: one JSON file of peers (parsePacsPeer), written atomically. It holds no
 * password or token (parsePacsPeer refuses them); those live in a SecretSource.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SdpmError } from '../../core/index';
import { parsePacsPeer, type PacsPeer } from '../../core/index';

export class PacsSettingsStore {
  constructor(readonly file: string) {}

  async list(): Promise<PacsPeer[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return [];
    }
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      throw new SdpmError('INVALID_ARGUMENT', `${this.file}: not valid JSON (${err instanceof Error ? err.message : String(err)})`, { path: this.file });
    }
    const peers = typeof v === 'object' && v !== null ? (v as { peers?: unknown }).peers : undefined;
    if (!Array.isArray(peers)) throw new SdpmError('INVALID_ARGUMENT', `${this.file}: expected {"peers": [...]}`, { path: this.file });
    return peers.map((p) => parsePacsPeer(p));
  }

  async get(name: string): Promise<PacsPeer> {
    const peers = await this.list();
    const p = peers.find((x) => x.name === name);
    if (p === undefined) {
      throw new SdpmError('INVALID_ARGUMENT', `no PACS connection "${name}" in ${this.file}; known: ${peers.map((x) => x.name).join(', ') || 'none'}`, { path: this.file });
    }
    return p;
  }

  /** Adds or replaces (by name) a connection; returns it as parsed. */
  async save(peer: unknown): Promise<PacsPeer> {
    const parsed = parsePacsPeer(peer);
    const peers = (await this.list()).filter((p) => p.name !== parsed.name);
    peers.push(parsed);
    await this.write(peers);
    return parsed;
  }

  async remove(name: string): Promise<boolean> {
    const peers = await this.list();
    const rest = peers.filter((p) => p.name !== name);
    if (rest.length === peers.length) return false;
    await this.write(rest);
    return true;
  }

  private async write(peers: PacsPeer[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ peers }, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.file);
  }
}
