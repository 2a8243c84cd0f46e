/**
 * The two drivers every trial test runs on: the embedded SQLite file (in a temp folder) and a real
 * PostgreSQL server started for the test file. `forEachDriver` registers the same tests once per
 * driver, each with a fresh, migrated database.
 */
import { after, before, describe } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTrialDatabase } from '../../../../../electron/services/db/openTrialDatabase';
import type { SqlDb } from '../../../../../electron/services/db/SqlDb';
import { postgresUnavailable, startPostgres, type PostgresServer } from './postgresServer';

export interface DriverHandle {
  name: 'sqlite' | 'postgres';
  /** A fresh migrated database; `where` is the SQLite file or the connection string (for child processes). */
  fresh(): Promise<{ db: SqlDb; where: { sqliteFile: string } | { url: string } }>;
}

let counter = 0;

export function forEachDriver(title: string, body: (driver: DriverHandle) => void): void {
  describe(`${title} [sqlite]`, () => {
    let dir = '';
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sdpm-trial-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));
    body({
      name: 'sqlite',
      async fresh() {
        const sqliteFile = join(dir, `t${++counter}.db`);
        return { db: await openTrialDatabase({ dataDir: dir, sqliteFile }, {}), where: { sqliteFile } };
      },
    });
  });
  const unavailable = postgresUnavailable();
  describe(`${title} [postgres]`, unavailable === null ? {} : { skip: unavailable }, () => {
    let server: PostgresServer | null = null;
    before(async () => {
      server = await startPostgres();
    });
    after(() => server?.stop());
    body({
      name: 'postgres',
      async fresh() {
        if (server === null) throw new Error('PostgreSQL did not start');
        const url = await server.createDatabase(`t${process.pid}_${++counter}`);
        return { db: await openTrialDatabase({ dataDir: tmpdir(), url }, {}), where: { url } };
      },
    });
  });
}
