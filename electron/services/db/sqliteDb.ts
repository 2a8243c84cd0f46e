/**
 * The embedded driver: one SQLite file through better-sqlite3 (12.x; 13.x needs Node 22).
 *
 * Why SQLite rather than embedded Postgres (PGlite, WebAssembly): better-sqlite3 is a maintained,
 * synchronous, in-process library with a small native binary, the file is one portable file a user
 * can back up, WAL mode gives crash-safe commits (a process killed mid-transaction leaves the last
 * committed state), and it opens in milliseconds; PGlite would add a ~20 MB WebAssembly Postgres that
 * runs single-connection in the app process and cannot be shared by a second process (the CLI next to
 * the app). Postgres compatibility is kept instead by writing the SQL once in the shared subset and
 * running the same tests on a real PostgreSQL server.
 *
 * better-sqlite3 is synchronous; an async mutex keeps a transaction's statements together even when
 * the callback awaits (other calls on this handle wait for it). `BEGIN IMMEDIATE` takes the write lock
 * up front, so two processes serialise on it (busy timeout 5 s) instead of failing on upgrade.
 */
import Database from 'better-sqlite3';
import { SdpmError } from '../../core/index';
import type { SqlDb, SqlRow, SqlValue } from './SqlDb';

type Bindable = string | number | null | Buffer;

function bindings(params: readonly SqlValue[]): Record<string, Bindable> {
  const out: Record<string, Bindable> = {};
  params.forEach((p, i) => {
    out[String(i + 1)] = p instanceof Uint8Array ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
  });
  return out;
}

class Mutex {
  private tail: Promise<void> = Promise.resolve();
  async lock<T>(fn: () => Promise<T>): Promise<T> {
    const prev = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((r) => (release = r));
    await prev;
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

export function openSqliteDb(file: string): SqlDb {
  let db: Database.Database;
  try {
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
  } catch (err) {
    throw new SdpmError('DB_ERROR', `cannot open the trial database ${file}: ${err instanceof Error ? err.message : String(err)}`, { path: file, cause: err });
  }
  const mutex = new Mutex();
  const location = `sqlite:${file}`;
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      throw new SdpmError('DB_ERROR', `${location}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  const direct: SqlDb = {
    dialect: 'sqlite',
    location,
    query: async (sql, params = []) => wrap(() => db.prepare(sql).all(bindings(params)) as SqlRow[]),
    run: async (sql, params = []) => wrap(() => db.prepare(sql).run(bindings(params)).changes),
    exec: async (script) => {
      wrap(() => db.exec(script));
    },
    transaction: () => {
      throw new SdpmError('INTERNAL', 'nested transactions are not supported');
    },
    close: async () => undefined,
  };
  return {
    dialect: 'sqlite',
    location,
    query: (sql, params) => mutex.lock(() => direct.query(sql, params)),
    run: (sql, params) => mutex.lock(() => direct.run(sql, params)),
    exec: (script) => mutex.lock(() => direct.exec(script)),
    transaction: (fn) =>
      mutex.lock(async () => {
        wrap(() => db.exec('BEGIN IMMEDIATE'));
        try {
          const out = await fn(direct);
          wrap(() => db.exec('COMMIT'));
          return out;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    close: () => mutex.lock(async () => void db.close()),
  };
}
