/**
 * Crash test: a process is killed with SIGKILL while it signs a read (inside the signing
 * transaction, after the signature row was written) and just after the commit. Afterwards the
 * database holds either no signature and an unsigned, editable read, or one complete, verifying
 * signature; never half of one. The audit chain verifies in both cases, and signing works again.
 * Runs on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forEachDriver } from '../db/databaseDrivers';
import { PASSWORD, measurements, segBytes, setUpTrial } from './trialFixture';

const child = fileURLToPath(new URL('./crashSignChild.ts', import.meta.url));

function signAndKill(args: unknown, waitFor: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      p.kill('SIGKILL');
      reject(new Error(`child never reached "${waitFor}" in 120 s; stdout: ${out}; stderr: ${err}`));
    }, 120_000);
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(waitFor)) p.kill('SIGKILL');
    });
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal === 'SIGKILL' && out.includes(waitFor)) resolve();
      else reject(new Error(`child exited (${String(signal)}) before "${waitFor}"; stdout: ${out}; stderr: ${err}`));
    });
  });
}

forEachDriver('kill -9 during a signature', (driver) => {
  test('killed inside the signing transaction: no signature, read still editable; after the commit: one complete signature', async () => {
    const { db, where } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      const [t1, t2] = f.tasks.ana;
      for (const [i, t] of [t1!, t2!].entries()) await f.svc.reads.saveRead(f.ana, t, { segBytes: segBytes(t, i), measurements: measurements(5) });
      const before = (await f.svc.audit.view(f.aud, null)).length;

      await signAndKill({ where, taskId: t1, username: 'ana', password: PASSWORD, stopAt: 'sign:after-signature-insert' }, 'AT sign:after-signature-insert');
      const v1 = await f.svc.reads.readVersions(f.ana, t1!);
      assert.equal(v1.task.status, 'draft');
      assert.equal(v1.versions[0]!.signature, null);
      assert.equal((await db.query('SELECT COUNT(*) AS n FROM signatures')).map((r) => Number(r.n))[0], 0);
      assert.equal((await f.svc.audit.verify(f.aud)).ok, true);
      const signed = await f.svc.reads.signRead(f.ana, t1!, PASSWORD); // the lock was released with the dead process
      assert.equal(signed.manifest.readVersion, 1);

      await signAndKill({ where, taskId: t2, username: 'ana', password: PASSWORD, stopAt: 'never' }, 'SIGNED');
      const v2 = await f.svc.reads.readVersions(f.ana, t2!);
      assert.equal(v2.task.status, 'signed');
      assert.equal(v2.versions[0]!.signature?.workstation, 'ws-crash');
      const sigs = await f.svc.audit.verifySignatures(f.aud);
      assert.equal(sigs.length, 2);
      assert.ok(sigs.every((s) => s.ok));
      const after = await f.svc.audit.view(f.aud, null);
      assert.equal(after.filter((e) => e.action === 'read.sign').length, 2);
      assert.ok(after.length > before);
      assert.equal((await f.svc.audit.verify(f.aud)).ok, true);
    } finally {
      await db.close();
    }
  });
});
