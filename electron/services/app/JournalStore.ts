/**
 * Append-only edit journal, one file per study (`<dataDir>/journals/<studyKey>.jsonl`): every edit is
 * written and fsync'd as it happens, so a crash loses at most the stroke in flight. Replaying the
 * journal from its last snapshot restores the labelmap exactly. Saved sessions are compacted copies.
 * Lines that fail to parse (a torn last line after a power cut) are skipped and reported, not fatal.
 */
import { appendFile, mkdir, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { journalEntrySchema, type JournalEntry } from '../../ipc/contract';
import { SdpmError } from '../../core/index';
import type { Logger } from '../../core/index';

const KEY_RE = /^[A-Za-z0-9._-]{1,200}$/;

export class JournalStore {
  private readonly dir: string;
  private readonly sessionsDir: string;
  private readonly logger: Logger;
  /** Serialises appends per study so lines never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(dataDir: string, logger: Logger) {
    this.dir = join(dataDir, 'journals');
    this.sessionsDir = join(dataDir, 'sessions');
    this.logger = logger;
  }

  private file(studyKey: string): string {
    if (!KEY_RE.test(studyKey)) throw new SdpmError('INVALID_ARGUMENT', `study key "${studyKey.slice(0, 80)}" has characters not allowed in a file name`);
    return join(this.dir, `${studyKey}.jsonl`);
  }

  async append(studyKey: string, entries: readonly JournalEntry[]): Promise<number> {
    const file = this.file(studyKey);
    const prev = this.queues.get(studyKey) ?? Promise.resolve();
    const next = prev.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const text = entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
      const fh = await open(file, 'a');
      try {
        await fh.appendFile(text);
        await fh.sync();
      } finally {
        await fh.close();
      }
    });
    this.queues.set(studyKey, next.catch(() => undefined));
    await next;
    return entries.length === 0 ? -1 : entries[entries.length - 1]!.seq;
  }

  async read(studyKey: string): Promise<{ entries: JournalEntry[]; updatedAtMs: number | null }> {
    const file = this.file(studyKey);
    await (this.queues.get(studyKey) ?? Promise.resolve());
    let text: string;
    let updatedAtMs: number;
    try {
      text = await readFile(file, 'utf8');
      updatedAtMs = (await stat(file)).mtimeMs;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return { entries: [], updatedAtMs: null };
      throw new SdpmError('IO_ERROR', `cannot read the edit journal ${file}: ${String(err)}`, { path: file, cause: err });
    }
    return { entries: parseLines(text, file, this.logger), updatedAtMs };
  }

  async discard(studyKey: string): Promise<void> {
    const file = this.file(studyKey);
    await (this.queues.get(studyKey) ?? Promise.resolve());
    await rm(file, { force: true });
  }

  async saveSession(studyKey: string, name: string): Promise<string> {
    const { entries } = await this.read(studyKey);
    const dir = join(this.sessionsDir, this.safe(studyKey));
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${this.safe(name)}.jsonl`);
    await writeFile(path, entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
    return path;
  }

  async listSessions(studyKey: string): Promise<Array<{ name: string; path: string; savedAtMs: number }>> {
    const dir = join(this.sessionsDir, this.safe(studyKey));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return [];
      throw err;
    }
    const out = [];
    for (const n of names.filter((x) => x.endsWith('.jsonl')).sort()) {
      const path = join(dir, n);
      out.push({ name: n.slice(0, -'.jsonl'.length), path, savedAtMs: (await stat(path)).mtimeMs });
    }
    return out;
  }

  /** Loads a saved session and makes it the current journal (the old journal is replaced). */
  async loadSession(studyKey: string, name: string): Promise<JournalEntry[]> {
    const path = join(this.sessionsDir, this.safe(studyKey), `${this.safe(name)}.jsonl`);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new SdpmError('IO_ERROR', `no saved session "${name}" for this study (${path})`, { path, cause: err });
    }
    const entries = parseLines(text, path, this.logger);
    await this.discard(studyKey);
    await mkdir(this.dir, { recursive: true });
    await appendFile(this.file(studyKey), entries.map((e) => JSON.stringify(e)).join('\n') + (entries.length > 0 ? '\n' : ''));
    return entries;
  }

  private safe(name: string): string {
    if (!KEY_RE.test(name)) throw new SdpmError('INVALID_ARGUMENT', `"${name.slice(0, 80)}": use letters, digits, dot, dash and underscore only`);
    return name;
  }
}

function parseLines(text: string, file: string, logger: Logger): JournalEntry[] {
  const out: JournalEntry[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(journalEntrySchema(JSON.parse(line) as unknown, `${file}:${i + 1}`));
    } catch (err) {
      logger.warn('journal line skipped', { file, line: i + 1, error: String(err) });
    }
  });
  return out;
}
