/**
 * Readers and adjudicators: own task list (randomised order), save a read (every save is a new
 * version; none is ever overwritten), sign it (password again; printed name, UTC and local time,
 * meaning; bound to the SHA-256 of the exact SEG bytes and measurements), reopen a signed read
 * (reason + password; the signed version stays), and adjudication. A reader only ever reaches
 * their own tasks: another reader's task answers FORBIDDEN exactly as a missing one does.
 */
import { buildManifest, canonicalJson, caseOrder, decideAdjudication, localIsoWithOffset, manifestHash, measurementsHash, SdpmError, sha256Hex, type SignatureManifest, signatureReportHtml, signatureReportLines, textPdf } from '../../core/index';
import type { SqlDb } from '../db/SqlDb';
import type { ReadRow, TaskRow } from '../db/TrialRepository';
import { charterOf } from './AdminService';
import { inspectSeg } from './inspectSeg';
import { compareSegsOnStudy, measureSegOnSource } from './measureSegOnSource';
import type { AuthService } from './AuthService';
import type { Actor, TrialContext } from './TrialContext';

export interface Measurements {
  totalMl: number;
  lesions: { lesionId: number; volumeMl: number; voxelCount: number }[];
}

export interface ReadInput {
  /** The exact bytes of the DICOM SEG the reader exported; its UID is read from it. */
  segBytes: Uint8Array;
  /** The app's measurements; may be left out when the server can measure the SEG on the study's images. */
  measurements?: Measurements | undefined;
}

export interface ReadView {
  readId: string;
  version: number;
  /** The read's volume: measured on the study's images from the SEG ('seg'), or as the app sent it ('app'). */
  volumeMl: number;
  volumeSource: 'seg' | 'app';
  segSha256: string;
  segUid: string;
  measurements: Measurements;
  reason: string | null;
  signature: SignatureManifest | null;
}

export interface TaskListItem {
  taskId: string;
  kind: string;
  status: string;
  studyCode: string;
  studyUid: string;
  seriesUid: string;
  source: string;
}

const readDigest = (r: ReadRow): string => sha256Hex(`${r.segSha256}:${r.measurementsSha256}`);

export class ReadService {
  constructor(private readonly ctx: TrialContext, private readonly auth: AuthService) {}

  async myTasks(actor: Actor, trialId: string): Promise<TaskListItem[]> {
    this.ctx.guard(actor, 'task.listOwn');
    const trial = await this.ctx.repo.trial(trialId);
    if (trial === null) throw new SdpmError('NOT_FOUND', `no trial ${trialId}`);
    const seed = charterOf(trial.charterJson, trialId).caseOrderSeed;
    const tasks = await this.ctx.repo.tasksOfUser(actor.username, trialId);
    const order = caseOrder(tasks.map((t) => t.taskId), seed, actor.username);
    const out: TaskListItem[] = [];
    for (const id of order) {
      const t = tasks.find((x) => x.taskId === id)!;
      const s = (await this.ctx.repo.study(t.studyId))!;
      out.push({ taskId: t.taskId, kind: t.kind, status: t.status, studyCode: s.studyCode, studyUid: s.studyUid, seriesUid: s.seriesUid, source: s.source });
    }
    return out;
  }

  private async view(r: ReadRow): Promise<ReadView> {
    const sig = await this.ctx.repo.signatureOf(r.readId);
    return { readId: r.readId, version: r.version, volumeMl: r.volumeMl, volumeSource: r.volumeSource, segSha256: r.segSha256, segUid: r.segUid, measurements: JSON.parse(r.measurementsJson) as Measurements, reason: r.reason, signature: sig === null ? null : (JSON.parse(sig.manifestJson) as SignatureManifest) };
  }

  /** All versions of the actor's own read on a task, newest last, with their signatures. */
  async readVersions(actor: Actor, taskId: string): Promise<{ task: { taskId: string; status: string }; versions: ReadView[] }> {
    this.ctx.guard(actor, 'read.view');
    const task = await this.ctx.ownTask(actor, taskId);
    const versions = await Promise.all((await this.ctx.repo.reads(taskId)).map((r) => this.view(r)));
    return { task: { taskId, status: task.status }, versions };
  }

  /** The SEG bytes of one version of the actor's own read. */
  async readSeg(actor: Actor, taskId: string, version: number): Promise<Uint8Array> {
    this.ctx.guard(actor, 'read.view');
    await this.ctx.ownTask(actor, taskId);
    const r = (await this.ctx.repo.reads(taskId)).find((x) => x.version === version);
    if (r === undefined) throw new SdpmError('NOT_FOUND', `task ${taskId} has no read version ${version}`);
    return r.segBytes;
  }

  /** The printable signed-read report (manifestation + SEG UID and hash + measurements) of a signed version. */
  async signatureReport(actor: Actor, taskId: string, version: number): Promise<{ html: string; pdf: Uint8Array }> {
    this.ctx.guard(actor, 'read.view');
    const task = await this.ctx.ownTask(actor, taskId);
    const read = (await this.ctx.repo.reads(taskId)).find((r) => r.version === version);
    const sig = read === undefined ? null : await this.ctx.repo.signatureOf(read.readId);
    if (read === undefined || sig === null) throw new SdpmError('NOT_FOUND', `task ${taskId} has no signed version ${version}`);
    const study = (await this.ctx.repo.study(task.studyId))!;
    const m = JSON.parse(read.measurementsJson) as Measurements;
    const manifest = JSON.parse(sig.manifestJson) as SignatureManifest;
    const summary = { studyCode: study.studyCode, segUid: read.segUid, volumeMl: read.volumeMl, lesions: m.lesions };
    return { html: signatureReportHtml(manifest, summary), pdf: textPdf(`Signed read ${study.studyCode} v${read.version}`, signatureReportLines(manifest, summary), { landscape: false, fontSizePt: 9 }) };
  }

  async saveRead(actor: Actor, taskId: string, input: ReadInput): Promise<{ readId: string; version: number }> {
    this.ctx.guard(actor, 'read.save');
    if (input.measurements !== undefined && (!Number.isFinite(input.measurements.totalMl) || input.measurements.totalMl < 0)) throw new SdpmError('INVALID_ARGUMENT', 'measurements.totalMl must be a volume >= 0 mL');
    // Reading the images is slow: done before the transaction, on the actor's own task only.
    const own = await this.ctx.ownTask(actor, taskId);
    const ownStudy = (await this.ctx.repo.study(own.studyId))!;
    inspectSeg(input.segBytes, ownStudy);
    const measured = await measureSegOnSource(input.segBytes, ownStudy);
    if (measured === null && input.measurements === undefined) throw new SdpmError('INVALID_ARGUMENT', `the images of study ${ownStudy.studyCode} are not reachable from here to measure the SEG: send the measurements with it`);
    const measurements: Measurements = input.measurements ?? { totalMl: measured!.totalMl, lesions: measured!.segments.map((s) => ({ lesionId: s.segmentNumber, volumeMl: s.volumeMl, voxelCount: s.voxelCount })) };
    const measuredMl = measured?.totalMl ?? null;
    return this.ctx.repo.db.transaction(async (tx) => {
      const task = await this.ctx.ownTask(actor, taskId, tx);
      await this.ctx.openTrial(task.trialId, tx);
      if (task.status === 'signed') throw new SdpmError('RECORD_LOCKED', `the read of task ${taskId} is signed and locked: reopen it with a reason first`);
      if (task.kind === 'adjudication' && (await this.ctx.repo.decision(task.studyId, tx))?.outcome === 'adjudicated') throw new SdpmError('RECORD_LOCKED', 'this study is adjudicated already');
      const study = (await this.ctx.repo.study(task.studyId, tx))!;
      const { segUid } = inspectSeg(input.segBytes, study);
      const prev = await this.ctx.repo.latestRead(taskId, tx);
      const row: ReadRow = {
        readId: this.ctx.newId(), taskId, version: (prev?.version ?? 0) + 1, segBytes: input.segBytes, segSha256: sha256Hex(input.segBytes), segUid,
        measurementsJson: canonicalJson(measurements), measurementsSha256: measurementsHash(measurements), volumeMl: measuredMl ?? measurements.totalMl, volumeSource: measuredMl === null ? 'app' : 'seg',
        reason: task.status === 'reopened' ? 'correction after reopen' : null, createdBy: actor.username, createdAt: this.ctx.nowUtc(),
      };
      await this.ctx.repo.insertRead(tx, row);
      if (task.status === 'assigned') await this.ctx.repo.setTaskStatus(tx, taskId, 'draft');
      await this.ctx.audit(tx, actor, { action: 'read.save', trialId: task.trialId, objectType: 'read', objectId: row.readId, studyUid: study.studyUid, seriesUid: study.seriesUid, segUid: row.segUid, oldHash: prev === null ? null : readDigest(prev), newHash: readDigest(row), audience: 'actor', details: { version: row.version, volumeMl: row.volumeMl, volumeSource: row.volumeSource, appTotalMl: input.measurements?.totalMl ?? null } });
      return { readId: row.readId, version: row.version };
    });
  }

  /** Signs the latest version of the actor's read: password again, then one transaction (all or nothing). */
  async signRead(actor: Actor, taskId: string, password: string): Promise<{ signatureId: string; manifest: SignatureManifest }> {
    this.ctx.guard(actor, 'read.sign');
    await this.ctx.ownTask(actor, taskId);
    await this.auth.reauthenticate(actor, password);
    return this.ctx.repo.db.transaction(async (tx) => {
      const task = await this.ctx.ownTask(actor, taskId, tx);
      const trial = await this.ctx.openTrial(task.trialId, tx);
      if (task.status === 'signed') throw new SdpmError('RECORD_LOCKED', `the read of task ${taskId} is signed already`);
      const read = await this.ctx.repo.latestRead(taskId, tx);
      if (read === null) throw new SdpmError('INVALID_ARGUMENT', `task ${taskId} has no saved read to sign`);
      const study = (await this.ctx.repo.study(task.studyId, tx))!;
      const charter = charterOf(trial.charterJson, trial.trialId);
      const meaning = task.kind === 'adjudication' ? charter.signatureMeanings.adjudication : read.version > 1 && task.status === 'reopened' ? charter.signatureMeanings.reopen : charter.signatureMeanings.read;
      const now = this.ctx.now();
      const manifest = buildManifest(
        { trialId: trial.trialId, studyUid: study.studyUid, taskId, readId: read.readId, readVersion: read.version, segSha256: read.segSha256, measurementsSha256: read.measurementsSha256 },
        { username: actor.username, printedName: actor.printedName, meaning, signedAtUtc: now.toISOString(), signedAtLocal: localIsoWithOffset(now), workstation: actor.workstation },
      );
      const signatureId = this.ctx.newId();
      await this.ctx.repo.insertSignature(tx, { signatureId, readId: read.readId, username: actor.username, manifestJson: canonicalJson(manifest), manifestSha256: manifestHash(manifest), signedAtUtc: manifest.signedAtUtc });
      await this.ctx.faultPoint('sign:after-signature-insert');
      await this.ctx.repo.setTaskStatus(tx, taskId, 'signed');
      await this.ctx.audit(tx, actor, { action: 'read.sign', trialId: trial.trialId, objectType: 'signature', objectId: signatureId, studyUid: study.studyUid, seriesUid: study.seriesUid, segUid: read.segUid, newHash: manifestHash(manifest), audience: 'actor', details: { readId: read.readId, version: read.version, meaning } });
      await this.ctx.faultPoint('sign:after-audit');
      if (task.kind === 'read') await this.applyRuleIfBothSigned(tx, actor, task);
      return { signatureId, manifest };
    });
  }

  /** When both reads of a study are signed, the charter rule decides; adjudication gets a task. */
  private async applyRuleIfBothSigned(tx: SqlDb, actor: Actor, task: TaskRow): Promise<void> {
    const all = await this.ctx.repo.tasksOfStudy(task.studyId, tx);
    const reads = all.filter((t) => t.kind === 'read');
    if (reads.length !== 2 || reads.some((t) => t.taskId !== task.taskId && t.status !== 'signed')) return;
    const trial = (await this.ctx.repo.trial(task.trialId, tx))!;
    const charter = charterOf(trial.charterJson, trial.trialId);
    const [a, b] = await Promise.all(reads.map(async (t) => (await this.ctx.repo.latestRead(t.taskId, tx))!));
    const d = decideAdjudication(charter.adjudicationRule, a!.volumeMl, b!.volumeMl);
    const now = this.ctx.nowUtc();
    const study = (await this.ctx.repo.study(task.studyId, tx))!;
    if (d.needed) {
      await this.ctx.repo.upsertDecision(tx, { studyId: task.studyId, trialId: trial.trialId, outcome: 'pending', finalReadId: null, finalVolumeMl: null, decidedBy: null, reason: null, decidedAt: null, diffMl: d.diffMl, diffPercent: d.diffPercent, explanation: d.explanation });
      if (!all.some((t) => t.kind === 'adjudication')) {
        const studies = await this.ctx.repo.studies(trial.trialId, tx);
        const adjudicator = charter.adjudicators[studies.findIndex((s) => s.studyId === task.studyId) % charter.adjudicators.length]!;
        const adj: TaskRow = { taskId: this.ctx.newId(), trialId: trial.trialId, studyId: task.studyId, username: adjudicator, kind: 'adjudication', status: 'assigned', orderIndex: 0 };
        await this.ctx.repo.insertTask(tx, adj, now);
      }
    } else {
      const mean = (a!.volumeMl + b!.volumeMl) / 2;
      await this.ctx.repo.upsertDecision(tx, { studyId: task.studyId, trialId: trial.trialId, outcome: 'agreed', finalReadId: null, finalVolumeMl: mean, decidedBy: 'charter rule', reason: `mean of the two reads; ${d.explanation}`, decidedAt: now, diffMl: d.diffMl, diffPercent: d.diffPercent, explanation: d.explanation });
    }
    await this.ctx.audit(tx, { username: 'system', role: 'system', workstation: actor.workstation }, { action: d.needed ? 'adjudication.required' : 'reads.agreed', trialId: trial.trialId, objectType: 'study', objectId: task.studyId, studyUid: study.studyUid, seriesUid: study.seriesUid, audience: 'unblinded', details: { diffMl: d.diffMl, diffPercent: d.diffPercent } });
  }

  /** Reopening a signed read needs a reason and the password; a new version must then be saved and signed. */
  async reopenRead(actor: Actor, taskId: string, reason: string, password: string): Promise<void> {
    this.ctx.guard(actor, 'read.reopen');
    if (reason.trim() === '') throw new SdpmError('INVALID_ARGUMENT', 'reopening a signed read needs a reason');
    await this.ctx.ownTask(actor, taskId);
    await this.auth.reauthenticate(actor, password);
    await this.ctx.repo.db.transaction(async (tx) => {
      const task = await this.ctx.ownTask(actor, taskId, tx);
      await this.ctx.openTrial(task.trialId, tx);
      if (task.status !== 'signed') throw new SdpmError('CONFLICT', `the read of task ${taskId} is not signed: nothing to reopen`);
      const decision = await this.ctx.repo.decision(task.studyId, tx);
      if (decision?.outcome === 'adjudicated') throw new SdpmError('CONFLICT', 'this study is adjudicated: its reads can no longer be reopened');
      const read = (await this.ctx.repo.latestRead(taskId, tx))!;
      await this.ctx.repo.setTaskStatus(tx, taskId, 'reopened');
      // The rule decided on the old read: the study waits again until both reads are signed.
      if (decision !== null) await this.ctx.repo.deleteDecision(tx, task.studyId);
      const study = (await this.ctx.repo.study(task.studyId, tx))!;
      await this.ctx.audit(tx, actor, { action: 'read.reopen', trialId: task.trialId, objectType: 'read', objectId: read.readId, studyUid: study.studyUid, seriesUid: study.seriesUid, segUid: read.segUid, oldHash: readDigest(read), reason, audience: 'actor', details: { version: read.version } });
    });
  }

  /** Both signed reads of the adjudicator's own adjudication task, side by side (readers shown as A and B). */
  async adjudicationView(actor: Actor, taskId: string): Promise<{ studyCode: string; studyUid: string; seriesUid: string; explanation: string; reads: (ReadView & { label: 'A' | 'B'; segBytes: Uint8Array })[]; comparison: { title: string; caption: string; png: Uint8Array }[]; comparisonNote: string | null }> {
    this.ctx.guard(actor, 'adjudication.view');
    const task = await this.ctx.ownTask(actor, taskId);
    if (task.kind !== 'adjudication') throw new SdpmError('FORBIDDEN', `task ${taskId} is not an adjudication task`);
    const study = (await this.ctx.repo.study(task.studyId))!;
    const reads = (await this.ctx.repo.tasksOfStudy(task.studyId)).filter((t) => t.kind === 'read');
    const out = [];
    for (const [i, t] of reads.entries()) {
      const r = (await this.ctx.repo.latestRead(t.taskId))!;
      out.push({ ...(await this.view(r)), label: i === 0 ? ('A' as const) : ('B' as const), segBytes: r.segBytes });
    }
    const d = await this.ctx.repo.decision(task.studyId);
    // Both contours on the same slices; a study whose images this server cannot read still gets the volumes.
    let comparison: { title: string; caption: string; png: Uint8Array }[] = [];
    let comparisonNote: string | null = null;
    const [a, b] = out;
    if (a !== undefined && b !== undefined) {
      try {
        comparison = await compareSegsOnStudy(a.segBytes, b.segBytes, study);
        if (comparison.length === 0) comparisonNote = 'the study images are not reachable from this server: contours cannot be drawn';
      } catch (err) {
        comparisonNote = `contours cannot be drawn: ${err instanceof Error ? err.message : String(err)}`;
      }
    }
    return { studyCode: study.studyCode, studyUid: study.studyUid, seriesUid: study.seriesUid, explanation: d?.explanation ?? '', reads: out, comparison, comparisonNote };
  }

  /** The adjudicator picks read A or B, or their own signed third read, with a reason. */
  async decide(actor: Actor, taskId: string, choice: 'A' | 'B' | 'own', reason: string): Promise<{ finalVolumeMl: number }> {
    this.ctx.guard(actor, 'adjudication.decide');
    if (reason.trim() === '') throw new SdpmError('INVALID_ARGUMENT', 'an adjudication decision needs a reason');
    return this.ctx.repo.db.transaction(async (tx) => {
      const task = await this.ctx.ownTask(actor, taskId, tx);
      if (task.kind !== 'adjudication') throw new SdpmError('FORBIDDEN', `task ${taskId} is not an adjudication task`);
      await this.ctx.openTrial(task.trialId, tx);
      const prev = await this.ctx.repo.decision(task.studyId, tx);
      if (prev === null || prev.outcome !== 'pending') throw new SdpmError('CONFLICT', 'this study is not waiting for adjudication');
      const reads = (await this.ctx.repo.tasksOfStudy(task.studyId, tx)).filter((t) => t.kind === 'read');
      const source = choice === 'own' ? task : choice === 'A' ? reads[0] : reads[1];
      const read = source === undefined ? null : await this.ctx.repo.latestRead(source.taskId, tx);
      if (read === null || (await this.ctx.repo.signatureOf(read.readId, tx)) === null) throw new SdpmError('CONFLICT', choice === 'own' ? 'save and sign your own read first' : `read ${choice} is not signed`);
      const now = this.ctx.nowUtc();
      await this.ctx.repo.upsertDecision(tx, { ...prev, outcome: 'adjudicated', finalReadId: read.readId, finalVolumeMl: read.volumeMl, decidedBy: actor.username, reason: `${choice === 'own' ? 'adjudicator read' : `read ${choice}`}: ${reason}`, decidedAt: now });
      if (task.status !== 'signed') await this.ctx.repo.setTaskStatus(tx, taskId, 'signed');
      const study = (await this.ctx.repo.study(task.studyId, tx))!;
      await this.ctx.audit(tx, actor, { action: 'adjudication.decide', trialId: task.trialId, objectType: 'study', objectId: task.studyId, studyUid: study.studyUid, seriesUid: study.seriesUid, segUid: read.segUid, newHash: readDigest(read), reason, audience: 'actor', details: { choice, finalVolumeMl: read.volumeMl } });
      return { finalVolumeMl: read.volumeMl };
    });
  }
}
