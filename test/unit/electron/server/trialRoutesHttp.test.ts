/**
 * The trial routes over the local server's HTTP: the app token alone is not enough (each user signs
 * in; the session travels in x-sdpm-session), and a reader's session cannot reach another reader's
 * task or the administrator's routes. The role is checked on the server, whatever the page sends.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../../../electron/server/startServer';
import { openTrialRoutes } from '../../../../electron/server/trialRoutesHttp';
import { decodeWire, encodeWire } from '../../../../electron/ipc/wireCodec';
import type { Handlers } from '../../../../electron/ipc/dispatch';
import { silentLogger } from '../../../../electron/core/logger';
import { openTrialDatabase } from '../../../../electron/services/db/openTrialDatabase';
import { PASSWORD, TRIAL_ID, setUpTrial } from '../services/trial/trialFixture';

const handlers = new Proxy({} as Handlers, { get: () => async () => ({}) });

test('trial routes over HTTP: sign-in, session header, server-side role and ownership checks', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-trial-http-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>t</title>');
  const db = await openTrialDatabase({ dataDir: dir }, {});
  const f = await setUpTrial(db);
  await db.close();
  const trial = await openTrialRoutes(dir, undefined, silentLogger);
  const server = await startServer({ handlers, rendererDir: dir, logger: silentLogger, trial });
  const post = async (route: string, body: unknown, session?: string): Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string } }> => {
    const headers: Record<string, string> = { 'x-sdpm-token': server.token, 'content-type': 'application/octet-stream' };
    if (session !== undefined) headers['x-sdpm-session'] = session;
    const res = await fetch(`${server.origin}/api/${route}`, { method: 'POST', headers, body: encodeWire(body) as Uint8Array<ArrayBuffer> });
    assert.equal(res.status, 200);
    return decodeWire(new Uint8Array(await res.arrayBuffer())) as { ok: boolean; value?: Record<string, unknown>; error?: { code: string } };
  };
  try {
    const noSession = await post('trial:myTasks', { trialId: TRIAL_ID });
    assert.equal(noSession.error?.code, 'AUTH_FAILED');
    const bad = await post('trial:login', { username: 'ana', password: 'wrong password' });
    assert.equal(bad.error?.code, 'AUTH_FAILED');
    const login = await post('trial:login', { username: 'ana', password: PASSWORD });
    const session = String(login.value?.token);
    assert.equal(login.value?.role, 'reader');
    const mine = await post('trial:myTasks', { trialId: TRIAL_ID }, session);
    assert.deepEqual(new Set((mine.value?.tasks as { taskId: string }[]).map((t) => t.taskId)), new Set(f.tasks.ana));
    assert.equal((await post('trial:readVersions', { taskId: f.tasks.ben[0] }, session)).error?.code, 'FORBIDDEN');
    assert.equal((await post('trial:status', { trialId: TRIAL_ID }, session)).error?.code, 'FORBIDDEN');
    // and a page that claims a role gets nowhere: the request schema has no such field
    assert.equal((await post('trial:status', { trialId: TRIAL_ID, role: 'admin' }, session)).error?.code, 'INVALID_ARGUMENT');
    await post('trial:logout', {}, session);
    assert.equal((await post('trial:me', {}, session)).error?.code, 'AUTH_FAILED');
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
