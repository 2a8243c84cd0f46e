/**
 * The study administrator's side (unblinded): create a trial from its charter, import studies,
 * assign each study to two readers, follow the status, export the final table, lock the trial at
 * database lock. Every call checks the role first (core/trial/roles.ts).
 */
import { type Charter, parseCharterText, SdpmError, sha256Hex } from '../../core/index';
import type { DecisionRow, StudyRow, TaskRow } from '../db/TrialRepository';
import type { Actor, TrialContext } from './TrialContext';

export interface StudyImport {
  studyUid: string;
  seriesUid: string;
  /** Where the images are (folder or batch result), for the readers' workstations. */
  source: string;
}

export interface StudyStatus {
  studyId: string;
  studyCode: string;
  studyUid: string;
  seriesUid: string;
  tasks: { taskId: string; username: string; kind: string; status: string; volumeMl: number | null; version: number | null }[];
  decision: DecisionRow | null;
}

export function charterOf(charterJson: string, trialId: string): Charter {
  return parseCharterText(charterJson, `charter of trial ${trialId}`);
}

export class AdminService {
  constructor(private readonly ctx: TrialContext) {}

  async createTrial(actor: Actor, charterText: string, source: string): Promise<{ trialId: string }> {
    this.ctx.guard(actor, 'trial.create');
    const charter = parseCharterText(charterText, source);
    return this.ctx.repo.db.transaction(async (tx) => {
      if ((await this.ctx.repo.trial(charter.trialId, tx)) !== null) throw new SdpmError('CONFLICT', `trial ${charter.trialId} exists already`);
      const need: [string[], string][] = [[charter.readers, 'reader'], [charter.adjudicators, 'adjudicator']];
      for (const [names, role] of need) {
        for (const name of names) {
          const u = await this.ctx.repo.user(name, tx);
          if (u === null || u.role !== role) throw new SdpmError('CHARTER_INVALID', `${source}: ${name} must be an existing account with the ${role} role`, { path: source });
        }
      }
      const charterJson = JSON.stringify(charter);
      const charterSha256 = sha256Hex(charterText);
      await this.ctx.repo.insertTrial(tx, { trialId: charter.trialId, title: charter.title, charterJson, charterSha256, status: 'open', createdBy: actor.username, createdAt: this.ctx.nowUtc(), lockedAt: null });
      await this.ctx.audit(tx, actor, { action: 'trial.create', trialId: charter.trialId, objectType: 'trial', objectId: charter.trialId, newHash: charterSha256, audience: 'all', details: { title: charter.title } });
      return { trialId: charter.trialId };
    });
  }

  async importStudies(actor: Actor, trialId: string, studies: readonly StudyImport[]): Promise<{ imported: { studyId: string; studyCode: string }[] }> {
    this.ctx.guard(actor, 'trial.importStudies');
    return this.ctx.repo.db.transaction(async (tx) => {
      await this.ctx.openTrial(trialId, tx);
      const existing = await this.ctx.repo.studies(trialId, tx);
      const imported: { studyId: string; studyCode: string }[] = [];
      let n = existing.length;
      for (const s of studies) {
        if (existing.some((e) => e.studyUid === s.studyUid && e.seriesUid === s.seriesUid)) continue;
        n += 1;
        const row: StudyRow = { studyId: this.ctx.newId(), trialId, studyCode: `S${String(n).padStart(3, '0')}`, studyUid: s.studyUid, seriesUid: s.seriesUid, source: s.source };
        await this.ctx.repo.insertStudy(tx, row, this.ctx.nowUtc());
        await this.ctx.audit(tx, actor, { action: 'study.import', trialId, objectType: 'study', objectId: row.studyId, studyUid: s.studyUid, seriesUid: s.seriesUid, audience: 'unblinded', details: { studyCode: row.studyCode, source: s.source } });
        imported.push({ studyId: row.studyId, studyCode: row.studyCode });
      }
      return { imported };
    });
  }

  /**
   * Assigns a study to two readers of the charter (default: the first two). An assignment that
   * exists already is kept (idempotent); a third reader or a non-charter reader is refused.
   */
  async assign(actor: Actor, trialId: string, studyId: string, readers?: readonly [string, string]): Promise<{ taskIds: string[] }> {
    this.ctx.guard(actor, 'trial.assign');
    return this.ctx.repo.db.transaction(async (tx) => {
      const trial = await this.ctx.openTrial(trialId, tx);
      const charter = charterOf(trial.charterJson, trialId);
      const pair = readers ?? [charter.readers[0]!, charter.readers[1]!];
      if (pair[0] === pair[1]) throw new SdpmError('INVALID_ARGUMENT', 'a study needs two different readers');
      for (const r of pair) if (!charter.readers.includes(r)) throw new SdpmError('INVALID_ARGUMENT', `${r} is not a reader of trial ${trialId}`);
      const study = await this.ctx.repo.study(studyId, tx);
      if (study === null || study.trialId !== trialId) throw new SdpmError('NOT_FOUND', `no study ${studyId} in trial ${trialId}`);
      const tasks = (await this.ctx.repo.tasksOfStudy(studyId, tx)).filter((t) => t.kind === 'read');
      const others = tasks.filter((t) => !pair.includes(t.username));
      if (others.length > 0) throw new SdpmError('CONFLICT', `study ${study.studyCode} is assigned to ${others.map((t) => t.username).join(', ')} already`);
      const taskIds: string[] = [];
      for (const username of pair) {
        const have = tasks.find((t) => t.username === username);
        if (have !== undefined) {
          taskIds.push(have.taskId);
          continue;
        }
        const task: TaskRow = { taskId: this.ctx.newId(), trialId, studyId, username, kind: 'read', status: 'assigned', orderIndex: 0 };
        await this.ctx.repo.insertTask(tx, task, this.ctx.nowUtc());
        await this.ctx.audit(tx, actor, { action: 'task.assign', trialId, objectType: 'task', objectId: task.taskId, studyUid: study.studyUid, seriesUid: study.seriesUid, audience: 'unblinded', details: { reader: username, kind: 'read' } });
        taskIds.push(task.taskId);
      }
      return { taskIds };
    });
  }

  async status(actor: Actor, trialId: string): Promise<{ trialId: string; title: string; status: string; studies: StudyStatus[] }> {
    this.ctx.guard(actor, 'trial.status');
    const trial = await this.ctx.repo.trial(trialId);
    if (trial === null) throw new SdpmError('NOT_FOUND', `no trial ${trialId}`);
    const tasks = await this.ctx.repo.tasksOfTrial(trialId);
    const studies: StudyStatus[] = [];
    for (const s of await this.ctx.repo.studies(trialId)) {
      const mine = tasks.filter((t) => t.studyId === s.studyId);
      const rows = [];
      for (const t of mine) {
        const r = await this.ctx.repo.latestRead(t.taskId);
        rows.push({ taskId: t.taskId, username: t.username, kind: t.kind, status: t.status, volumeMl: r?.volumeMl ?? null, version: r?.version ?? null });
      }
      studies.push({ studyId: s.studyId, studyCode: s.studyCode, studyUid: s.studyUid, seriesUid: s.seriesUid, tasks: rows, decision: await this.ctx.repo.decision(s.studyId) });
    }
    return { trialId, title: trial.title, status: trial.status, studies };
  }

  /** The final table (CSV): one row per study, with who decided the final volume and why. Audited. */
  async exportResults(actor: Actor, trialId: string): Promise<{ csv: string; sha256: string }> {
    this.ctx.guard(actor, 'trial.exportResults');
    const st = await this.status(actor, trialId);
    const q = (v: string | number | null): string => (v === null ? '' : typeof v === 'number' ? String(Math.round(v * 1000) / 1000) : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
    const lines = ['study_code,study_uid,series_uid,reader_1,volume_1_ml,reader_2,volume_2_ml,diff_ml,diff_percent,outcome,final_volume_ml,decided_by,reason,decided_at'];
    for (const s of st.studies) {
      const reads = s.tasks.filter((t) => t.kind === 'read');
      const d = s.decision;
      lines.push([s.studyCode, s.studyUid, s.seriesUid, reads[0]?.username ?? null, reads[0]?.volumeMl ?? null, reads[1]?.username ?? null, reads[1]?.volumeMl ?? null, d?.diffMl ?? null, d?.diffPercent ?? null, d?.outcome ?? 'not read', d?.finalVolumeMl ?? null, d?.decidedBy ?? null, d?.reason ?? null, d?.decidedAt ?? null].map(q).join(','));
    }
    const csv = `${lines.join('\n')}\n`;
    const sha256 = sha256Hex(csv);
    await this.ctx.repo.db.transaction((tx) => this.ctx.audit(tx, actor, { action: 'trial.export', trialId, objectType: 'trial', objectId: trialId, newHash: sha256, audience: 'unblinded', details: { rows: st.studies.length } }));
    return { csv, sha256 };
  }

  /** Database lock: no further change to any record of the trial. Needs a reason; audited for everyone. */
  async lockTrial(actor: Actor, trialId: string, reason: string): Promise<void> {
    this.ctx.guard(actor, 'trial.lock');
    if (reason.trim() === '') throw new SdpmError('INVALID_ARGUMENT', 'locking a trial needs a reason');
    await this.ctx.repo.db.transaction(async (tx) => {
      await this.ctx.openTrial(trialId, tx);
      await this.ctx.repo.lockTrial(tx, trialId, actor.username, this.ctx.nowUtc());
      await this.ctx.audit(tx, actor, { action: 'trial.lock', trialId, objectType: 'trial', objectId: trialId, reason, audience: 'all' });
    });
  }
}
