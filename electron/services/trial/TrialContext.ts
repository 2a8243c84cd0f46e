/**
 * What every trial service shares: the repository, the clock, the workstation name, id generation,
 * the signed-in actor, the audit writer and the access guards. Every service call starts with
 * `guard(actor, action)` (the roles table), then checks object ownership itself.
 */
import { randomUUID } from 'node:crypto';
import { type Action, type AuditAudience, type AuditEntry, chainAuditEntry, requireAllowed, type Role, SdpmError } from '../../core/index';
import type { SqlDb } from '../db/SqlDb';
import type { TaskRow, TrialRepository, TrialRow } from '../db/TrialRepository';

export interface Actor {
  username: string;
  role: Role;
  printedName: string;
  workstation: string;
}

export interface TrialDeps {
  repo: TrialRepository;
  workstation: string;
  now?: () => Date;
  newId?: () => string;
  /** scrypt cost for new password hashes (default 2^15; tests use less to stay fast on 2 cores). */
  scryptN?: number;
  /** Test hook: called at named points inside transactions (crash tests kill the process there). */
  faultPoint?: (name: string) => void | Promise<void>;
}

export interface AuditInput {
  action: string;
  trialId?: string | null;
  objectType: string;
  objectId?: string | null;
  studyUid?: string | null;
  seriesUid?: string | null;
  segUid?: string | null;
  oldHash?: string | null;
  newHash?: string | null;
  reason?: string | null;
  audience: AuditAudience;
  details?: Record<string, string | number | boolean | null>;
}

export class TrialContext {
  readonly repo: TrialRepository;
  readonly workstation: string;
  readonly now: () => Date;
  readonly newId: () => string;
  readonly faultPoint: (name: string) => void | Promise<void>;
  readonly scryptN: number | undefined;

  constructor(deps: TrialDeps) {
    this.repo = deps.repo;
    this.workstation = deps.workstation;
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? randomUUID;
    this.faultPoint = deps.faultPoint ?? (() => undefined);
    this.scryptN = deps.scryptN;
  }

  nowUtc(): string {
    return this.now().toISOString();
  }

  guard(actor: Actor, action: Action): void {
    requireAllowed(actor.role, action);
  }

  /** Appends one chained audit entry inside the caller's transaction (after taking the audit lock). */
  async audit(tx: SqlDb, who: { username: string; role: string; workstation: string }, input: AuditInput): Promise<AuditEntry> {
    await this.repo.lockAuditTx(tx);
    const head = await this.repo.auditHead(tx);
    const entry = chainAuditEntry(
      {
        atUtc: this.nowUtc(),
        username: who.username,
        role: who.role,
        action: input.action,
        trialId: input.trialId ?? null,
        objectType: input.objectType,
        objectId: input.objectId ?? null,
        studyUid: input.studyUid ?? null,
        seriesUid: input.seriesUid ?? null,
        segUid: input.segUid ?? null,
        oldHash: input.oldHash ?? null,
        newHash: input.newHash ?? null,
        reason: input.reason ?? null,
        workstation: who.workstation,
        audience: input.audience,
        details: input.details === undefined ? '' : JSON.stringify(input.details),
      },
      head,
    );
    await this.repo.insertAudit(tx, entry);
    return entry;
  }

  async openTrial(trialId: string, q?: SqlDb): Promise<TrialRow> {
    const trial = await this.repo.trial(trialId, q);
    if (trial === null) throw new SdpmError('NOT_FOUND', `no trial ${trialId}`);
    if (trial.status === 'locked') throw new SdpmError('TRIAL_LOCKED', `trial ${trialId} is locked (database lock at ${trial.lockedAt ?? '?'}): no further changes`);
    return trial;
  }

  /**
   * The actor's own task, or FORBIDDEN. A task that does not exist and one that belongs to someone
   * else answer the same way, so probing ids reveals nothing.
   */
  async ownTask(actor: Actor, taskId: string, q?: SqlDb): Promise<TaskRow> {
    const task = await this.repo.task(taskId, q);
    if (task === null || task.username !== actor.username) throw new SdpmError('FORBIDDEN', `task ${taskId} is not assigned to ${actor.username}`);
    return task;
  }
}
