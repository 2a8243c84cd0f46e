/**
 * The trial repository: every query the trial services make, written once over `SqlDb`, so the
 * embedded SQLite file and a PostgreSQL server run the very same code. Rows come back typed.
 * Methods named `...Tx` take the transaction handle; the others use the plain connection.
 */
import { type AuditEntry, type AuditHead, parseRole, type Role } from '../../core/index';
import { col, type SqlDb, type SqlRow } from './SqlDb';

export interface UserRow { username: string; printedName: string; role: Role; passwordHash: string; createdAt: string }
export interface TrialRow { trialId: string; title: string; charterJson: string; charterSha256: string; status: 'open' | 'locked'; createdBy: string; createdAt: string; lockedAt: string | null }
export interface StudyRow { studyId: string; trialId: string; studyCode: string; studyUid: string; seriesUid: string; source: string }
export type TaskKind = 'read' | 'adjudication';
export type TaskStatus = 'assigned' | 'draft' | 'signed' | 'reopened';
export interface TaskRow { taskId: string; trialId: string; studyId: string; username: string; kind: TaskKind; status: TaskStatus; orderIndex: number }
export interface ReadRow { readId: string; taskId: string; version: number; segBytes: Uint8Array; segSha256: string; segUid: string; measurementsJson: string; measurementsSha256: string; volumeMl: number; volumeSource: 'seg' | 'app'; reason: string | null; createdBy: string; createdAt: string }
export interface SignatureRow { signatureId: string; readId: string; username: string; manifestJson: string; manifestSha256: string; signedAtUtc: string }
export interface DecisionRow { studyId: string; trialId: string; outcome: 'agreed' | 'pending' | 'adjudicated'; finalReadId: string | null; finalVolumeMl: number | null; decidedBy: string | null; reason: string | null; decidedAt: string | null; diffMl: number; diffPercent: number; explanation: string }

const toUser = (r: SqlRow): UserRow => ({ username: col.str(r, 'username'), printedName: col.str(r, 'printed_name'), role: parseRole(col.str(r, 'role')), passwordHash: col.str(r, 'password_hash'), createdAt: col.str(r, 'created_at') });
const toTrial = (r: SqlRow): TrialRow => ({ trialId: col.str(r, 'trial_id'), title: col.str(r, 'title'), charterJson: col.str(r, 'charter_json'), charterSha256: col.str(r, 'charter_sha256'), status: col.str(r, 'status') === 'locked' ? 'locked' : 'open', createdBy: col.str(r, 'created_by'), createdAt: col.str(r, 'created_at'), lockedAt: col.strOrNull(r, 'locked_at') });
const toStudy = (r: SqlRow): StudyRow => ({ studyId: col.str(r, 'study_id'), trialId: col.str(r, 'trial_id'), studyCode: col.str(r, 'study_code'), studyUid: col.str(r, 'study_uid'), seriesUid: col.str(r, 'series_uid'), source: col.str(r, 'source') });
const toTask = (r: SqlRow): TaskRow => ({ taskId: col.str(r, 'task_id'), trialId: col.str(r, 'trial_id'), studyId: col.str(r, 'study_id'), username: col.str(r, 'username'), kind: col.str(r, 'kind') as TaskKind, status: col.str(r, 'status') as TaskStatus, orderIndex: col.num(r, 'order_index') });
const toRead = (r: SqlRow): ReadRow => ({ readId: col.str(r, 'read_id'), taskId: col.str(r, 'task_id'), version: col.num(r, 'version'), segBytes: col.bytes(r, 'seg_bytes'), segSha256: col.str(r, 'seg_sha256'), segUid: col.str(r, 'seg_uid'), measurementsJson: col.str(r, 'measurements_json'), measurementsSha256: col.str(r, 'measurements_sha256'), volumeMl: col.num(r, 'volume_ml'), volumeSource: col.str(r, 'volume_source') === 'seg' ? 'seg' : 'app', reason: col.strOrNull(r, 'reason'), createdBy: col.str(r, 'created_by'), createdAt: col.str(r, 'created_at') });
const toSignature = (r: SqlRow): SignatureRow => ({ signatureId: col.str(r, 'signature_id'), readId: col.str(r, 'read_id'), username: col.str(r, 'username'), manifestJson: col.str(r, 'manifest_json'), manifestSha256: col.str(r, 'manifest_sha256'), signedAtUtc: col.str(r, 'signed_at_utc') });
const toDecision = (r: SqlRow): DecisionRow => ({ studyId: col.str(r, 'study_id'), trialId: col.str(r, 'trial_id'), outcome: col.str(r, 'outcome') as DecisionRow['outcome'], finalReadId: col.strOrNull(r, 'final_read_id'), finalVolumeMl: col.numOrNull(r, 'final_volume_ml'), decidedBy: col.strOrNull(r, 'decided_by'), reason: col.strOrNull(r, 'reason'), decidedAt: col.strOrNull(r, 'decided_at'), diffMl: col.num(r, 'diff_ml'), diffPercent: col.num(r, 'diff_percent'), explanation: col.str(r, 'explanation') });
export const toAuditEntry = (r: SqlRow): AuditEntry => ({
  seq: col.num(r, 'seq'), atUtc: col.str(r, 'at_utc'), username: col.str(r, 'username'), role: col.str(r, 'role'), action: col.str(r, 'action'), trialId: col.strOrNull(r, 'trial_id'),
  objectType: col.str(r, 'object_type'), objectId: col.strOrNull(r, 'object_id'), studyUid: col.strOrNull(r, 'study_uid'), seriesUid: col.strOrNull(r, 'series_uid'), segUid: col.strOrNull(r, 'seg_uid'),
  oldHash: col.strOrNull(r, 'old_hash'), newHash: col.strOrNull(r, 'new_hash'), reason: col.strOrNull(r, 'reason'), workstation: col.str(r, 'workstation'),
  audience: col.str(r, 'audience') as AuditEntry['audience'], details: col.str(r, 'details'), prevHash: col.str(r, 'prev_hash'), entryHash: col.str(r, 'entry_hash'),
});

const one = <T>(rows: SqlRow[], map: (r: SqlRow) => T): T | null => (rows[0] === undefined ? null : map(rows[0]));

export class TrialRepository {
  constructor(readonly db: SqlDb) {}

  // users and sessions
  async user(username: string, q: SqlDb = this.db): Promise<UserRow | null> {
    return one(await q.query('SELECT * FROM users WHERE username = $1', [username]), toUser);
  }
  async users(): Promise<UserRow[]> {
    return (await this.db.query('SELECT * FROM users ORDER BY username')).map(toUser);
  }
  async insertUser(tx: SqlDb, u: UserRow, createdBy: string): Promise<void> {
    await tx.run('INSERT INTO users (username, printed_name, role, password_hash, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6)', [u.username, u.printedName, u.role, u.passwordHash, u.createdAt, createdBy]);
  }
  async insertSession(tx: SqlDb, tokenSha256: string, username: string, workstation: string, createdAt: string, expiresAt: string): Promise<void> {
    await tx.run('INSERT INTO sessions (token_sha256, username, workstation, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [tokenSha256, username, workstation, createdAt, expiresAt]);
  }
  async session(tokenSha256: string): Promise<{ username: string; workstation: string; expiresAt: string } | null> {
    return one(await this.db.query('SELECT * FROM sessions WHERE token_sha256 = $1', [tokenSha256]), (r) => ({ username: col.str(r, 'username'), workstation: col.str(r, 'workstation'), expiresAt: col.str(r, 'expires_at') }));
  }
  async deleteSession(tokenSha256: string): Promise<void> {
    await this.db.run('DELETE FROM sessions WHERE token_sha256 = $1', [tokenSha256]);
  }

  // trials and studies
  async trial(trialId: string, q: SqlDb = this.db): Promise<TrialRow | null> {
    return one(await q.query('SELECT * FROM trials WHERE trial_id = $1', [trialId]), toTrial);
  }
  async trials(): Promise<TrialRow[]> {
    return (await this.db.query('SELECT * FROM trials ORDER BY trial_id')).map(toTrial);
  }
  async insertTrial(tx: SqlDb, t: TrialRow): Promise<void> {
    await tx.run('INSERT INTO trials (trial_id, title, charter_json, charter_sha256, status, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [t.trialId, t.title, t.charterJson, t.charterSha256, t.status, t.createdBy, t.createdAt]);
  }
  async lockTrial(tx: SqlDb, trialId: string, by: string, at: string): Promise<number> {
    return tx.run("UPDATE trials SET status = 'locked', locked_by = $2, locked_at = $3 WHERE trial_id = $1 AND status = 'open'", [trialId, by, at]);
  }
  async studies(trialId: string, q: SqlDb = this.db): Promise<StudyRow[]> {
    return (await q.query('SELECT * FROM studies WHERE trial_id = $1 ORDER BY study_code', [trialId])).map(toStudy);
  }
  async study(studyId: string, q: SqlDb = this.db): Promise<StudyRow | null> {
    return one(await q.query('SELECT * FROM studies WHERE study_id = $1', [studyId]), toStudy);
  }
  async insertStudy(tx: SqlDb, s: StudyRow, createdAt: string): Promise<void> {
    await tx.run('INSERT INTO studies (study_id, trial_id, study_code, study_uid, series_uid, source, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [s.studyId, s.trialId, s.studyCode, s.studyUid, s.seriesUid, s.source, createdAt]);
  }

  // tasks
  async task(taskId: string, q: SqlDb = this.db): Promise<TaskRow | null> {
    return one(await q.query('SELECT * FROM tasks WHERE task_id = $1', [taskId]), toTask);
  }
  async tasksOfUser(username: string, trialId: string): Promise<TaskRow[]> {
    return (await this.db.query('SELECT * FROM tasks WHERE username = $1 AND trial_id = $2 ORDER BY kind, order_index', [username, trialId])).map(toTask);
  }
  async tasksOfStudy(studyId: string, q: SqlDb = this.db): Promise<TaskRow[]> {
    return (await q.query('SELECT * FROM tasks WHERE study_id = $1 ORDER BY kind, username', [studyId])).map(toTask);
  }
  async tasksOfTrial(trialId: string): Promise<TaskRow[]> {
    return (await this.db.query('SELECT * FROM tasks WHERE trial_id = $1 ORDER BY study_id, kind, username', [trialId])).map(toTask);
  }
  async insertTask(tx: SqlDb, t: TaskRow, createdAt: string): Promise<void> {
    await tx.run('INSERT INTO tasks (task_id, trial_id, study_id, username, kind, status, order_index, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [t.taskId, t.trialId, t.studyId, t.username, t.kind, t.status, t.orderIndex, createdAt]);
  }
  async setTaskStatus(tx: SqlDb, taskId: string, status: TaskStatus): Promise<void> {
    await tx.run('UPDATE tasks SET status = $2 WHERE task_id = $1', [taskId, status]);
  }

  // reads and signatures
  async latestRead(taskId: string, q: SqlDb = this.db): Promise<ReadRow | null> {
    return one(await q.query('SELECT * FROM reads WHERE task_id = $1 ORDER BY version DESC LIMIT 1', [taskId]), toRead);
  }
  async reads(taskId: string): Promise<ReadRow[]> {
    return (await this.db.query('SELECT * FROM reads WHERE task_id = $1 ORDER BY version', [taskId])).map(toRead);
  }
  async read(readId: string, q: SqlDb = this.db): Promise<ReadRow | null> {
    return one(await q.query('SELECT * FROM reads WHERE read_id = $1', [readId]), toRead);
  }
  async insertRead(tx: SqlDb, r: ReadRow): Promise<void> {
    await tx.run(
      'INSERT INTO reads (read_id, task_id, version, seg_bytes, seg_sha256, seg_uid, measurements_json, measurements_sha256, volume_ml, volume_source, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)',
      [r.readId, r.taskId, r.version, r.segBytes, r.segSha256, r.segUid, r.measurementsJson, r.measurementsSha256, r.volumeMl, r.volumeSource, r.reason, r.createdBy, r.createdAt],
    );
  }
  async signatureOf(readId: string, q: SqlDb = this.db): Promise<SignatureRow | null> {
    return one(await q.query('SELECT * FROM signatures WHERE read_id = $1', [readId]), toSignature);
  }
  async insertSignature(tx: SqlDb, s: SignatureRow): Promise<void> {
    await tx.run('INSERT INTO signatures (signature_id, read_id, username, manifest_json, manifest_sha256, signed_at_utc) VALUES ($1, $2, $3, $4, $5, $6)', [s.signatureId, s.readId, s.username, s.manifestJson, s.manifestSha256, s.signedAtUtc]);
  }

  // decisions
  async decision(studyId: string, q: SqlDb = this.db): Promise<DecisionRow | null> {
    return one(await q.query('SELECT * FROM decisions WHERE study_id = $1', [studyId]), toDecision);
  }
  async deleteDecision(tx: SqlDb, studyId: string): Promise<void> {
    await tx.run('DELETE FROM decisions WHERE study_id = $1', [studyId]);
  }
  async upsertDecision(tx: SqlDb, d: DecisionRow): Promise<void> {
    await tx.run('DELETE FROM decisions WHERE study_id = $1', [d.studyId]);
    await tx.run(
      'INSERT INTO decisions (study_id, trial_id, outcome, final_read_id, final_volume_ml, decided_by, reason, decided_at, diff_ml, diff_percent, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
      [d.studyId, d.trialId, d.outcome, d.finalReadId, d.finalVolumeMl, d.decidedBy, d.reason, d.decidedAt, d.diffMl, d.diffPercent, d.explanation],
    );
  }

  // audit
  async auditEntries(q: SqlDb = this.db): Promise<AuditEntry[]> {
    return (await q.query('SELECT * FROM audit ORDER BY seq')).map(toAuditEntry);
  }
  async auditHead(q: SqlDb = this.db): Promise<AuditHead | null> {
    return one(await q.query('SELECT entry_count, last_hash FROM audit_head WHERE id = 1'), (r) => ({ count: col.num(r, 'entry_count'), lastHash: col.str(r, 'last_hash') }));
  }
  /** Serialises audit appends across connections and processes (SQLite's BEGIN IMMEDIATE already does). */
  async lockAuditTx(tx: SqlDb): Promise<void> {
    if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(734102)');
  }
  async insertAudit(tx: SqlDb, e: AuditEntry): Promise<void> {
    await tx.run(
      'INSERT INTO audit (seq, at_utc, username, role, action, trial_id, object_type, object_id, study_uid, series_uid, seg_uid, old_hash, new_hash, reason, workstation, audience, details, prev_hash, entry_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)',
      [e.seq, e.atUtc, e.username, e.role, e.action, e.trialId, e.objectType, e.objectId, e.studyUid, e.seriesUid, e.segUid, e.oldHash, e.newHash, e.reason, e.workstation, e.audience, e.details, e.prevHash, e.entryHash],
    );
    const n = await tx.run('UPDATE audit_head SET entry_count = $1, last_hash = $2 WHERE id = 1', [e.seq, e.entryHash]);
    if (n === 0) await tx.run('INSERT INTO audit_head (id, entry_count, last_hash) VALUES (1, $1, $2)', [e.seq, e.entryHash]);
  }
}
