/**
 * Versioned schema migrations, applied in order when a database is opened and recorded in
 * `schema_migrations` (version, name, applied_at). Never edit a released migration: add the next one.
 * Each migration is one SQL text with two dialect words substituted: {BLOB} (BLOB / BYTEA) and
 * {REAL} (REAL / DOUBLE PRECISION). Timestamps are ISO 8601 UTC text in both dialects.
 *
 * The audit trail, the read versions and the signatures are append-only: triggers reject UPDATE and
 * DELETE on them in both databases (and TRUNCATE in PostgreSQL), so the application cannot rewrite
 * history by mistake; deliberate tampering by someone with direct database access is caught by the
 * hash chain (electron/core/trial/auditChain.ts) and by signature verification.
 */
import type { Dialect, SqlDb } from './SqlDb';
import { col } from './SqlDb';

export interface Migration {
  version: number;
  name: string;
  sql: (d: Dialect) => string;
}

const APPEND_ONLY = ['audit', 'reads', 'signatures'];

function appendOnlyTriggers(d: Dialect): string {
  if (d === 'sqlite') {
    return APPEND_ONLY.map(
      (t) => `CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;
CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} is append-only'); END;`,
    ).join('\n');
  }
  return [
    `CREATE FUNCTION sdpm_append_only() RETURNS trigger LANGUAGE plpgsql AS $f$ BEGIN RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP; END $f$;`,
    ...APPEND_ONLY.map(
      (t) => `CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION sdpm_append_only();
CREATE TRIGGER ${t}_no_truncate BEFORE TRUNCATE ON ${t} FOR EACH STATEMENT EXECUTE FUNCTION sdpm_append_only();`,
    ),
  ].join('\n');
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users, trials, studies, tasks, reads, signatures, decisions, audit',
    sql: (d) => `
CREATE TABLE users (username TEXT PRIMARY KEY, printed_name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at TEXT NOT NULL, created_by TEXT NOT NULL);
CREATE TABLE sessions (token_sha256 TEXT PRIMARY KEY, username TEXT NOT NULL REFERENCES users(username), workstation TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE trials (trial_id TEXT PRIMARY KEY, title TEXT NOT NULL, charter_json TEXT NOT NULL, charter_sha256 TEXT NOT NULL, status TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, locked_by TEXT, locked_at TEXT);
CREATE TABLE studies (study_id TEXT PRIMARY KEY, trial_id TEXT NOT NULL REFERENCES trials(trial_id), study_code TEXT NOT NULL, study_uid TEXT NOT NULL, series_uid TEXT NOT NULL, source TEXT NOT NULL, created_at TEXT NOT NULL,
  UNIQUE (trial_id, study_uid, series_uid), UNIQUE (trial_id, study_code));
CREATE TABLE tasks (task_id TEXT PRIMARY KEY, trial_id TEXT NOT NULL REFERENCES trials(trial_id), study_id TEXT NOT NULL REFERENCES studies(study_id), username TEXT NOT NULL REFERENCES users(username),
  kind TEXT NOT NULL, status TEXT NOT NULL, order_index INTEGER NOT NULL, created_at TEXT NOT NULL, UNIQUE (study_id, username, kind));
CREATE TABLE reads (read_id TEXT PRIMARY KEY, task_id TEXT NOT NULL REFERENCES tasks(task_id), version INTEGER NOT NULL, seg_bytes {BLOB} NOT NULL, seg_sha256 TEXT NOT NULL, seg_uid TEXT NOT NULL,
  measurements_json TEXT NOT NULL, measurements_sha256 TEXT NOT NULL, volume_ml {REAL} NOT NULL, reason TEXT, created_by TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (task_id, version));
CREATE TABLE signatures (signature_id TEXT PRIMARY KEY, read_id TEXT NOT NULL UNIQUE REFERENCES reads(read_id), username TEXT NOT NULL, manifest_json TEXT NOT NULL, manifest_sha256 TEXT NOT NULL, signed_at_utc TEXT NOT NULL);
CREATE TABLE decisions (study_id TEXT PRIMARY KEY REFERENCES studies(study_id), trial_id TEXT NOT NULL, outcome TEXT NOT NULL, final_read_id TEXT, final_volume_ml {REAL}, decided_by TEXT, reason TEXT,
  decided_at TEXT, diff_ml {REAL} NOT NULL, diff_percent {REAL} NOT NULL, explanation TEXT NOT NULL);
CREATE TABLE audit (seq INTEGER PRIMARY KEY, at_utc TEXT NOT NULL, username TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, trial_id TEXT, object_type TEXT NOT NULL, object_id TEXT,
  study_uid TEXT, series_uid TEXT, seg_uid TEXT, old_hash TEXT, new_hash TEXT, reason TEXT, workstation TEXT NOT NULL, audience TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, entry_hash TEXT NOT NULL);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY, entry_count INTEGER NOT NULL, last_hash TEXT NOT NULL);
CREATE INDEX tasks_by_user ON tasks (username, trial_id);
CREATE INDEX reads_by_task ON reads (task_id, version);
${appendOnlyTriggers(d)}
`.replaceAll('{BLOB}', d === 'sqlite' ? 'BLOB' : 'BYTEA').replaceAll('{REAL}', d === 'sqlite' ? 'REAL' : 'DOUBLE PRECISION'),
  },
  {
    version: 2,
    name: "reads.volume_source: 'seg' (measured by the server on the study's images) or 'app' (as the app sent it)",
    sql: () => "ALTER TABLE reads ADD COLUMN volume_source TEXT NOT NULL DEFAULT 'app';",
  },
];

/** Applies the migrations this database lacks; returns the versions applied now. */
export async function applyMigrations(db: SqlDb, nowUtc: () => string = () => new Date().toISOString()): Promise<number[]> {
  await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied: number[] = [];
  for (const m of migrations) {
    const done = await db.transaction(async (tx) => {
      // Several workstations may open a new PostgreSQL database at once: one migrates, the others wait.
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(734101)');
      const rows = await tx.query('SELECT version FROM schema_migrations WHERE version = $1', [m.version]);
      if (rows.length > 0) return false;
      await tx.exec(m.sql(tx.dialect));
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, nowUtc()]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}

export async function schemaVersion(db: SqlDb): Promise<number> {
  const rows = await db.query('SELECT MAX(version) AS v FROM schema_migrations');
  return rows[0] === undefined ? 0 : (col.numOrNull(rows[0], 'v') ?? 0);
}
