/**
 * The trial IPC channel: only the app's own top-level page may call it; it carries (route, session,
 * request) to the same route layer as HTTP, so the session is resolved and the role checked in main.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerTrialIpc } from '../../../../electron/main/registerTrialIpc';
import type { IpcInvokeEventLike, IpcMainLike } from '../../../../electron/main/registerIpc';
import { TRIAL_CHANNEL } from '../../../../electron/ipc/trialChannel';
import { openTrialRoutes } from '../../../../electron/server/trialRoutesHttp';
import { memoryLogger, silentLogger } from '../../../../electron/core/logger';
import { openTrialDatabase } from '../../../../electron/services/db/openTrialDatabase';
import { PASSWORD, TRIAL_ID, setUpTrial } from '../services/trial/trialFixture';

const ORIGIN = { protocol: 'app:', host: 'sdpm' };
const own: IpcInvokeEventLike = { senderFrame: { url: 'app://sdpm/index.html', parent: null } };

test('trial IPC: sender checked, then the shared route layer resolves the session and the role', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-trial-ipc-'));
  try {
    const db = await openTrialDatabase({ dataDir: dir }, {});
    const f = await setUpTrial(db);
    await db.close();
    let listener: ((event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>) | undefined;
    const ipc: IpcMainLike = { handle: (channel, l) => void (channel === TRIAL_CHANNEL && (listener = l)), removeHandler: () => (listener = undefined) };
    const off = registerTrialIpc(ipc, await openTrialRoutes(dir, undefined, silentLogger), ORIGIN, memoryLogger());
    assert.ok(listener !== undefined);
    const call = (event: IpcInvokeEventLike, ...args: unknown[]) => listener!(event, ...args) as Promise<{ ok: boolean; value?: Record<string, unknown>; error?: { code: string } }>;

    const foreign = await call({ senderFrame: { url: 'https://evil.example/', parent: null } }, 'trial:login', null, { username: 'ana', password: PASSWORD });
    assert.equal(foreign.error?.code, 'FORBIDDEN');
    const framed = await call({ senderFrame: { url: 'app://sdpm/index.html', parent: {} } }, 'trial:login', null, { username: 'ana', password: PASSWORD });
    assert.equal(framed.error?.code, 'FORBIDDEN');
    assert.equal((await call(own, 'trial:login', { username: 'ana' })).error?.code, 'INVALID_ARGUMENT');

    const login = await call(own, 'trial:login', null, { username: 'ana', password: PASSWORD });
    const token = String(login.value?.token);
    const mine = await call(own, 'trial:myTasks', token, { trialId: TRIAL_ID });
    assert.deepEqual(new Set((mine.value?.tasks as { taskId: string }[]).map((t) => t.taskId)), new Set(f.tasks.ana));
    assert.equal((await call(own, 'trial:readVersions', token, { taskId: f.tasks.ben[0] })).error?.code, 'FORBIDDEN');
    assert.equal((await call(own, 'trial:status', token, { trialId: TRIAL_ID })).error?.code, 'FORBIDDEN');
    assert.equal((await call(own, 'trial:myTasks', null, { trialId: TRIAL_ID })).error?.code, 'AUTH_FAILED');
    off();
    assert.equal(listener, undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
