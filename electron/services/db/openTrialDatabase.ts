/**
 * Opens the trial database: a PostgreSQL server when a connection string is given (option or
 * SDPM_TRIAL_DB_URL), otherwise the embedded SQLite file `trial.db` in the user's data folder.
 * Migrations are applied on open.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { applyMigrations } from './migrations';
import { openPostgresDb } from './postgresDb';
import { openSqliteDb } from './sqliteDb';
import type { SqlDb } from './SqlDb';

export interface DatabaseOptions {
  /** `postgres://...` or `postgresql://...`; absent = embedded. */
  url?: string | undefined;
  /** The user's data folder (embedded file goes in it). */
  dataDir: string;
  /** Explicit SQLite file (overrides dataDir/trial.db). */
  sqliteFile?: string | undefined;
}

export function describeDatabaseChoice(opts: DatabaseOptions, env: NodeJS.ProcessEnv = process.env): { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string } {
  const url = opts.url ?? env.SDPM_TRIAL_DB_URL;
  if (url !== undefined && url !== '') return { kind: 'postgres', url };
  return { kind: 'sqlite', file: opts.sqliteFile ?? join(opts.dataDir, 'trial.db') };
}

export async function openTrialDatabase(opts: DatabaseOptions, env: NodeJS.ProcessEnv = process.env): Promise<SqlDb> {
  const choice = describeDatabaseChoice(opts, env);
  let db: SqlDb;
  if (choice.kind === 'postgres') db = openPostgresDb(choice.url);
  else {
    mkdirSync(opts.sqliteFile === undefined ? opts.dataDir : join(choice.file, '..'), { recursive: true });
    db = openSqliteDb(choice.file);
  }
  try {
    await applyMigrations(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
