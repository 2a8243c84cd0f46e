import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSdpmError, type ErrorCode } from '../../../../../electron/core/errors';
import { forEachDriver } from '../db/databaseDrivers';
import { PASSWORD, TRIAL_ID, measurements, readAndSignAll, segBytes, setUpTrial } from './trialFixture';

const rejects = (p: Promise<unknown>, code: ErrorCode) => assert.rejects(p, (e: unknown) => isSdpmError(e, code));

forEachDriver('trial workflow', (driver) => {
  test('double read, the charter rule, adjudication, final table, intact audit chain', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      // each reader sees only their own three tasks, in their own seeded order
      const anaList = await f.svc.reads.myTasks(f.ana, TRIAL_ID);
      const benList = await f.svc.reads.myTasks(f.ben, TRIAL_ID);
      assert.deepEqual(new Set(anaList.map((t) => t.taskId)), new Set(f.tasks.ana));
      assert.deepEqual(new Set(benList.map((t) => t.taskId)), new Set(f.tasks.ben));
      await readAndSignAll(f);
      const status = await f.svc.admin.status(f.admin, TRIAL_ID);
      const outcomes = status.studies.map((s) => s.decision?.outcome);
      assert.deepEqual(outcomes, ['agreed', 'pending', 'agreed']);
      assert.equal(status.studies[0]!.decision!.finalVolumeMl, 10.5);
      // the adjudicator now has exactly one task; sees both reads side by side
      const choTasks = await f.svc.reads.myTasks(f.cho, TRIAL_ID);
      assert.equal(choTasks.length, 1);
      const view = await f.svc.reads.adjudicationView(f.cho, choTasks[0]!.taskId);
      assert.deepEqual(view.reads.map((r) => r.volumeMl).sort((a, b) => a - b), [16, 24]);
      assert.ok(view.reads.every((r) => r.signature !== null && r.segBytes.byteLength > 0));
      await rejects(f.svc.reads.decide(f.cho, choTasks[0]!.taskId, 'A', ''), 'INVALID_ARGUMENT');
      const { finalVolumeMl } = await f.svc.reads.decide(f.cho, choTasks[0]!.taskId, 'B', 'B includes the cortical ribbon A missed');
      assert.equal(finalVolumeMl, view.reads[1]!.volumeMl);
      const { csv } = await f.svc.admin.exportResults(f.admin, TRIAL_ID);
      const rows = csv.trim().split('\n');
      assert.equal(rows.length, 4);
      assert.match(rows[2]!, /,adjudicated,/);
      assert.match(rows[2]!, /,cho,"?read B: B includes the cortical ribbon A missed/);
      assert.match(rows[1]!, /,agreed,10.5,charter rule,/);
      const verdict = await f.svc.audit.verify(f.aud);
      assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
      assert.ok(verdict.entriesChecked > 20);
      assert.ok((await f.svc.audit.verifySignatures(f.aud)).every((s) => s.ok));
    } finally {
      await db.close();
    }
  });

  test("the adjudicator's own third read: saved, signed with the adjudication meaning, then chosen with a reason", async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      await readAndSignAll(f);
      const adjTask = (await f.svc.reads.myTasks(f.cho, TRIAL_ID))[0]!.taskId;
      await rejects(f.svc.reads.decide(f.cho, adjTask, 'own', 'my own contour'), 'CONFLICT'); // nothing signed yet
      await f.svc.reads.saveRead(f.cho, adjTask, { segBytes: segBytes('cho-1', 1), measurements: measurements(19.5) });
      const { manifest } = await f.svc.reads.signRead(f.cho, adjTask, PASSWORD);
      assert.equal(manifest.meaning, 'Adjudication read');
      assert.equal((await f.svc.reads.decide(f.cho, adjTask, 'own', 'both reads missed part of the lesion')).finalVolumeMl, 19.5);
      const d = (await f.svc.admin.status(f.admin, TRIAL_ID)).studies[1]!.decision!;
      assert.deepEqual([d.outcome, d.finalVolumeMl, d.decidedBy, d.reason], ['adjudicated', 19.5, 'cho', 'adjudicator read: both reads missed part of the lesion']);
      await rejects(f.svc.reads.decide(f.cho, adjTask, 'A', 'again'), 'CONFLICT');
      await rejects(f.svc.reads.reopenRead(f.ana, f.tasks.ana[1]!, 'late change', PASSWORD), 'CONFLICT'); // adjudicated: closed
    } finally {
      await db.close();
    }
  });

  test('a signed read is locked; reopening needs reason and password; both versions stay', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      const task = f.tasks.ana[0]!;
      await rejects(f.svc.reads.signRead(f.ana, task, PASSWORD), 'INVALID_ARGUMENT'); // nothing saved yet
      // the SEG must be a DICOM SEG of this study's series; its UID comes from the file
      await rejects(f.svc.reads.saveRead(f.ana, task, { segBytes: new TextEncoder().encode('not dicom'), measurements: measurements(1) }), 'DICOM_NOT_DICOM');
      // without the app's measurements the server must measure the SEG itself; these images are not here
      await rejects(f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('v0') }), 'INVALID_ARGUMENT');
      await rejects(f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('other', 1), measurements: measurements(1) }), 'SEG_NO_REFERENCE');
      await rejects(f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('other', { studyUid: '1.2.826.0.1.1', seriesUid: '9.9' }), measurements: measurements(1) }), 'SEG_NO_REFERENCE');
      await f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('v1'), measurements: measurements(12) });
      await rejects(f.svc.reads.signRead(f.ana, task, 'wrong password!!'), 'AUTH_FAILED');
      const { manifest } = await f.svc.reads.signRead(f.ana, task, PASSWORD);
      assert.equal(manifest.printedName, 'Ana Reader');
      assert.equal(manifest.meaning, 'Initial read per protocol');
      assert.match(manifest.signedAtUtc, /Z$/);
      assert.match(manifest.signedAtLocal, /[+-]\d\d:\d\d$/);
      await rejects(f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('v2'), measurements: measurements(13) }), 'RECORD_LOCKED');
      await rejects(f.svc.reads.reopenRead(f.ana, task, '', PASSWORD), 'INVALID_ARGUMENT');
      await rejects(f.svc.reads.reopenRead(f.ana, task, 'missed a lesion', 'nope-nope-nope'), 'AUTH_FAILED');
      await f.svc.reads.saveRead(f.ben, f.tasks.ben[0]!, { segBytes: segBytes('ben-v1'), measurements: measurements(12.5) });
      await f.svc.reads.signRead(f.ben, f.tasks.ben[0]!, PASSWORD);
      const decided = async () => (await f.svc.admin.status(f.admin, TRIAL_ID)).studies[0]!.decision;
      assert.equal((await decided())?.finalVolumeMl, 12.25);
      await f.svc.reads.reopenRead(f.ana, task, 'missed a lesion', PASSWORD);
      assert.equal(await decided(), null); // the rule decided on the old read: undecided until signed again
      await f.svc.reads.saveRead(f.ana, task, { segBytes: segBytes('v2'), measurements: measurements(13) });
      const second = await f.svc.reads.signRead(f.ana, task, PASSWORD);
      assert.equal(second.manifest.meaning, 'Corrected read per protocol');
      assert.equal((await decided())?.finalVolumeMl, 12.75);
      const { versions } = await f.svc.reads.readVersions(f.ana, task);
      assert.deepEqual(versions.map((v) => [v.version, v.volumeMl, v.signature?.meaning]), [[1, 12, 'Initial read per protocol'], [2, 13, 'Corrected read per protocol']]);
      assert.match(versions[0]!.segUid, /^2\.25\.\d+$/);
      assert.equal(versions[0]!.volumeSource, 'app'); // the fixture study's images are not on this machine
      assert.notEqual(versions[0]!.segUid, versions[1]!.segUid);
      assert.deepEqual(await f.svc.reads.readSeg(f.ana, task, 1), segBytes('v1'));
      const report = (await f.svc.reads.signatureReport(f.ana, task, 2)).html;
      assert.match(report, /Electronically signed by Ana Reader/);
      assert.match(report, /Meaning: Corrected read per protocol/);
      assert.match(report, new RegExp(`SOP Instance UID ${versions[1]!.segUid.replaceAll('.', '\\.')}, SHA-256 [0-9a-f]{64}`));
      assert.match(report, /\(UTC\) · \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d \(local\)/);
      const actions = (await f.svc.audit.view(f.aud, TRIAL_ID)).map((e) => e.action);
      for (const a of ['read.save', 'read.sign', 'read.reopen', 'sign.auth-failed']) assert.ok(actions.includes(a), a);
      const reopen = (await f.svc.audit.view(f.aud, TRIAL_ID)).find((e) => e.action === 'read.reopen')!;
      assert.equal(reopen.reason, 'missed a lesion');
      assert.equal(reopen.studyUid, '1.2.826.0.1.1');
    } finally {
      await db.close();
    }
  });

  test('trial lock stops every change; failed logins are audited for unblinded eyes only', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      await rejects(f.svc.auth.login('ana', 'not the password'), 'AUTH_FAILED');
      await rejects(f.svc.auth.login('mallory', 'whatever-whatever'), 'AUTH_FAILED');
      const failed = (await f.svc.audit.view(f.aud, null)).filter((e) => e.action === 'login.failed');
      assert.deepEqual(failed.map((e) => e.username), ['ana', 'mallory']);
      assert.equal((await f.svc.audit.view(f.ana, null)).some((e) => e.action === 'login.failed'), false);
      await f.svc.admin.lockTrial(f.admin, TRIAL_ID, 'database lock for the primary analysis');
      await rejects(f.svc.reads.saveRead(f.ana, f.tasks.ana[0]!, { segBytes: segBytes('x'), measurements: measurements(1) }), 'TRIAL_LOCKED');
      await rejects(f.svc.admin.importStudies(f.admin, TRIAL_ID, [{ studyUid: '9', seriesUid: '9.1', source: '/x' }]), 'TRIAL_LOCKED');
      assert.ok((await f.svc.audit.view(f.ana, TRIAL_ID)).some((e) => e.action === 'trial.lock'));
    } finally {
      await db.close();
    }
  });

  test('the database itself refuses UPDATE and DELETE on the audit trail, reads and signatures', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      await readAndSignAll(f);
      for (const sql of ["UPDATE audit SET reason = 'x' WHERE seq = 2", 'DELETE FROM audit WHERE seq = 3', "UPDATE reads SET volume_ml = 1", 'DELETE FROM signatures']) {
        await assert.rejects(db.run(sql), /append-only/, sql);
      }
      assert.equal((await f.svc.audit.verify(f.aud)).ok, true);
    } finally {
      await db.close();
    }
  });
});
