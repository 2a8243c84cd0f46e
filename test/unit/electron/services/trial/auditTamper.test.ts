/**
 * Tamper tests: someone with direct access to the database file or server switches the append-only
 * triggers off and edits, deletes or reorders one audit row, or moves a signature onto another read.
 * Verification must notice and name the entry or the signature. Runs on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SqlDb } from '../../../../../electron/services/db/SqlDb';
import { forEachDriver } from '../db/databaseDrivers';
import { PASSWORD, measurements, readAndSignAll, segBytes, setUpTrial, type TrialFixture } from './trialFixture';

async function disableAppendOnly(db: SqlDb): Promise<void> {
  if (db.dialect === 'postgres') {
    for (const t of ['audit', 'reads', 'signatures']) await db.exec(`ALTER TABLE ${t} DISABLE TRIGGER USER`);
  } else {
    for (const t of ['audit', 'reads', 'signatures']) await db.exec(`DROP TRIGGER ${t}_no_update; DROP TRIGGER ${t}_no_delete;`);
  }
}

async function trailOf(db: SqlDb): Promise<{ f: TrialFixture; n: number }> {
  const f = await setUpTrial(db);
  await readAndSignAll(f);
  const n = (await f.svc.audit.view(f.aud, null)).length;
  assert.ok(n >= 20);
  assert.equal((await f.svc.audit.verify(f.aud)).ok, true);
  return { f, n };
}

forEachDriver('audit and signature tampering', (driver) => {
  test('an edited audit row is named by verify', async () => {
    const { db } = await driver.fresh();
    try {
      const { f } = await trailOf(db);
      await disableAppendOnly(db);
      await db.run("UPDATE audit SET reason = 'nothing happened here' WHERE seq = 9");
      const v = await f.svc.audit.verify(f.aud);
      assert.equal(v.ok, false);
      assert.equal(v.firstBreak?.seq, 9);
      assert.match(v.firstBreak!.reason, /entry 9 was altered/);
    } finally {
      await db.close();
    }
  });

  test('a deleted audit row is named by verify (middle and newest)', async () => {
    const { db } = await driver.fresh();
    try {
      const { f, n } = await trailOf(db);
      await disableAppendOnly(db);
      await db.run('DELETE FROM audit WHERE seq = $1', [n]);
      const last = await f.svc.audit.verify(f.aud);
      assert.equal(last.firstBreak?.seq, n);
      assert.match(last.firstBreak!.reason, /missing/);
      await db.run('DELETE FROM audit WHERE seq = 12');
      const mid = await f.svc.audit.verify(f.aud);
      assert.equal(mid.firstBreak?.seq, 12);
      assert.match(mid.firstBreak!.reason, /entry 12 is missing/);
    } finally {
      await db.close();
    }
  });

  test('two swapped audit rows are named by verify', async () => {
    const { db } = await driver.fresh();
    try {
      const { f } = await trailOf(db);
      await disableAppendOnly(db);
      await db.transaction(async (tx) => {
        await tx.run('UPDATE audit SET seq = -1 WHERE seq = 6');
        await tx.run('UPDATE audit SET seq = 6 WHERE seq = 7');
        await tx.run('UPDATE audit SET seq = 7 WHERE seq = -1');
      });
      const v = await f.svc.audit.verify(f.aud);
      assert.equal(v.firstBreak?.seq, 6);
    } finally {
      await db.close();
    }
  });

  test('a signature copied or moved onto another read does not verify; nor does a read changed after signing', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      const [t1, t2] = f.tasks.ana;
      await f.svc.reads.saveRead(f.ana, t1!, { segBytes: segBytes('a1', 0), measurements: measurements(10) });
      await f.svc.reads.signRead(f.ana, t1!, PASSWORD);
      const { readId: unsigned } = await f.svc.reads.saveRead(f.ana, t2!, { segBytes: segBytes('a2', 1), measurements: measurements(20) });
      assert.ok((await f.svc.audit.verifySignatures(f.aud)).every((s) => s.ok));
      // copy: a new row with the same manifest and hash, pointing at the unsigned read
      await db.run("INSERT INTO signatures (signature_id, read_id, username, manifest_json, manifest_sha256, signed_at_utc) SELECT 'copied', $1, username, manifest_json, manifest_sha256, signed_at_utc FROM signatures", [unsigned]);
      const copied = (await f.svc.audit.verifySignatures(f.aud)).find((s) => s.signatureId === 'copied')!;
      assert.equal(copied.ok, false);
      assert.match(copied.problems.join('; '), /readId/);
      assert.match(copied.problems.join('; '), /segSha256/);
      // change the signed read's SEG bytes behind the application's back
      await disableAppendOnly(db);
      await db.run("DELETE FROM signatures WHERE signature_id = 'copied'");
      await db.run('UPDATE reads SET seg_bytes = $1 WHERE read_id <> $2', [segBytes('forged'), unsigned]);
      const changed = await f.svc.audit.verifySignatures(f.aud);
      assert.equal(changed.length, 1);
      assert.equal(changed[0]!.ok, false);
      assert.match(changed[0]!.problems.join(), /segSha256/);
    } finally {
      await db.close();
    }
  });
});
