/**
 * The server driver: PostgreSQL through `pg`, for a core lab with several reading workstations.
 * Connection string as libpq takes it (`postgres://user:pass@host:5432/db`); the password never
 * appears in `location` or in messages. Each transaction holds one pooled client from BEGIN to
 * COMMIT; writers that must be serialised (the audit chain) take an advisory transaction lock.
 */
import pg from 'pg';
import { SdpmError } from '../../core/index';
import type { SqlDb, SqlRow, SqlValue } from './SqlDb';

function redact(connectionString: string): string {
  try {
    const u = new URL(connectionString);
    u.password = '';
    return u.toString();
  } catch {
    return 'postgres://(unparsable connection string)';
  }
}

function param(p: SqlValue): unknown {
  return p instanceof Uint8Array ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
}

type Queryable = Pick<pg.PoolClient, 'query'>;

function onClient(q: Queryable, location: string): Omit<SqlDb, 'transaction' | 'close'> {
  const wrap = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new SdpmError('DB_ERROR', `${location}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  };
  return {
    dialect: 'postgres',
    location,
    query: (sql, params = []) => wrap(async () => (await q.query(sql, params.map(param))).rows as SqlRow[]),
    run: (sql, params = []) => wrap(async () => (await q.query(sql, params.map(param))).rowCount ?? 0),
    exec: (script) => wrap(async () => void (await q.query(script))),
  };
}

export function openPostgresDb(connectionString: string, opts: { max?: number } = {}): SqlDb {
  const location = redact(connectionString);
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 4 });
  pool.on('error', () => undefined); // an idle client's error surfaces on its next use
  const base = onClient(pool, location);
  return {
    ...base,
    async transaction(fn) {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        throw new SdpmError('DB_ERROR', `${location}: cannot connect: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
      const tx: SqlDb = { ...onClient(client, location), transaction: () => Promise.reject(new SdpmError('INTERNAL', 'nested transactions are not supported')), close: async () => undefined };
      try {
        await client.query('BEGIN');
        const out = await fn(tx);
        await client.query('COMMIT');
        return out;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
