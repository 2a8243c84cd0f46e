/**
 * Several reading workstations on one database: two independent connections (two service instances,
 * as two processes would have) append to the audit trail at the same time. The chain must stay one
 * unbroken sequence: appends are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { openTrialDatabase } from '../../../../../electron/services/db/openTrialDatabase';
import { createTrialServices } from '../../../../../electron/services/trial/createTrialServices';
import { forEachDriver } from '../db/databaseDrivers';
import { PASSWORD, setUpTrial } from './trialFixture';

forEachDriver('two workstations on one database', (driver) => {
  test('concurrent audited actions from two connections keep one unbroken chain', async () => {
    const { db, where } = await driver.fresh();
    const other = await openTrialDatabase('url' in where ? { dataDir: tmpdir(), url: where.url } : { dataDir: tmpdir(), sqliteFile: where.sqliteFile }, {});
    try {
      const f = await setUpTrial(db);
      const ws2 = createTrialServices(other, { workstation: 'ws-2' });
      const before = (await f.svc.audit.view(f.aud, null)).length;
      const n = 12;
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < n; i++) {
        jobs.push(f.svc.auth.login(i % 2 === 0 ? 'ana' : 'ben', PASSWORD));
        jobs.push(ws2.auth.login(i % 2 === 0 ? 'cho' : 'aud', PASSWORD));
      }
      await Promise.all(jobs);
      const entries = await f.svc.audit.view(f.aud, null);
      assert.equal(entries.length, before + 2 * n);
      assert.equal(entries.filter((e) => e.workstation === 'ws-2').length, n);
      const verdict = await f.svc.audit.verify(f.aud);
      assert.equal(verdict.ok, true, JSON.stringify(verdict.firstBreak));
    } finally {
      await other.close();
      await db.close();
    }
  });
});
