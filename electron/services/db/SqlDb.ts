/**
 * The one SQL connection interface both database drivers implement: the embedded SQLite file
 * (better-sqlite3) and a PostgreSQL server (pg). SQL is written once, in the subset both dialects
 * share, with `$1, $2, ...` placeholders; the drivers bind them natively. Values crossing it are
 * strings, numbers, null and bytes only (timestamps are ISO 8601 UTC text, so they hash the same on
 * both). `transaction` runs its callback on one connection inside BEGIN/COMMIT and rolls back when it
 * throws; nothing outside the transaction interleaves with it on that connection.
 */
export type SqlValue = string | number | null | Uint8Array;
export type SqlRow = Record<string, unknown>;
export type Dialect = 'sqlite' | 'postgres';

export interface SqlDb {
  readonly dialect: Dialect;
  /** Where the data lives, for messages (`sqlite:/path/trial.db`, `postgres://host:port/db`; no password). */
  readonly location: string;
  query(sql: string, params?: readonly SqlValue[]): Promise<SqlRow[]>;
  /** Runs one statement; returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
  transaction<T>(fn: (tx: SqlDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Reads typed columns out of a row, with a clear error when the schema and the code disagree. */
export const col = {
  str(row: SqlRow, key: string): string {
    const v = row[key];
    if (typeof v !== 'string') throw new TypeError(`column ${key}: expected text, got ${v === null ? 'null' : typeof v}`);
    return v;
  },
  strOrNull(row: SqlRow, key: string): string | null {
    const v = row[key];
    return v === null || v === undefined ? null : col.str(row, key);
  },
  num(row: SqlRow, key: string): number {
    const v = row[key];
    // pg returns BIGINT and NUMERIC as text; our integer columns stay well inside 2^53.
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TypeError(`column ${key}: expected a number, got ${String(v)}`);
    return n;
  },
  numOrNull(row: SqlRow, key: string): number | null {
    const v = row[key];
    return v === null || v === undefined ? null : col.num(row, key);
  },
  bytes(row: SqlRow, key: string): Uint8Array {
    const v = row[key];
    if (!(v instanceof Uint8Array)) throw new TypeError(`column ${key}: expected bytes`);
    return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  },
};
