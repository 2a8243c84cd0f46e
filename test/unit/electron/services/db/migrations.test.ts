import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyMigrations, migrations, schemaVersion } from '../../../../../electron/services/db/migrations';
import { forEachDriver } from './databaseDrivers';

forEachDriver('migrations', (driver) => {
  test('applied once at open, recorded, and not again', async () => {
    const { db } = await driver.fresh();
    try {
      assert.equal(await schemaVersion(db), migrations[migrations.length - 1]!.version);
      const rows = await db.query('SELECT version, name, applied_at FROM schema_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => Number(r.version)), migrations.map((m) => m.version));
      assert.ok(rows.every((r) => typeof r.applied_at === 'string' && /Z$/.test(r.applied_at)));
      assert.deepEqual(await applyMigrations(db), []);
      await db.run("INSERT INTO users (username, printed_name, role, password_hash, created_at, created_by) VALUES ('x', 'X', 'reader', 'h', 't', 'test')");
      assert.equal((await db.query('SELECT COUNT(*) AS n FROM users')).map((r) => Number(r.n))[0], 1);
    } finally {
      await db.close();
    }
  });
});
