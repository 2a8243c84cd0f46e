import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registerIpc, isTrustedUrl, type IpcInvokeEventLike, type IpcMainLike } from '../../../../electron/main/registerIpc';
import type { Handlers } from '../../../../electron/ipc/dispatch';
import { channelNames } from '../../../../electron/ipc/contract';
import { memoryLogger } from '../../../../electron/core/logger';

const ORIGIN = { protocol: 'app:', host: 'sdpm' };

function fakeIpc() {
  const listeners = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
  const ipc: IpcMainLike = {
    handle: (channel, listener) => {
      listeners.set(channel, listener);
    },
    removeHandler: (channel) => {
      listeners.delete(channel);
    },
  };
  return { ipc, listeners };
}

function handlersWith(calls: string[]): Handlers {
  return new Proxy({} as Handlers, {
    get: (_t, channel: string) => async (request: unknown) => {
      calls.push(channel);
      if (channel === 'journal:discard') return {};
      if (channel === 'study:chooseFolder') return { folder: '/data/ct' };
      if (channel === 'inference:cancel') return { unexpected: true };
      throw new Error(`handler ${channel} not used in this test (${JSON.stringify(request)})`);
    },
  });
}

const own = (url = 'app://sdpm/index.html'): IpcInvokeEventLike => ({ senderFrame: { url, parent: null } });

test('every contract channel is registered, and unregistering removes them all', () => {
  const { ipc, listeners } = fakeIpc();
  const off = registerIpc(ipc, handlersWith([]), ORIGIN, memoryLogger());
  assert.deepEqual([...listeners.keys()].sort(), [...channelNames].sort());
  off();
  assert.equal(listeners.size, 0);
});

test('a message from our own page with a valid payload reaches the handler', async () => {
  const { ipc, listeners } = fakeIpc();
  const calls: string[] = [];
  registerIpc(ipc, handlersWith(calls), ORIGIN, memoryLogger());
  const r = await listeners.get('study:chooseFolder')!(own(), {});
  assert.deepEqual(r, { ok: true, value: { folder: '/data/ct' } });
  assert.deepEqual(calls, ['study:chooseFolder']);
});

for (const [label, event] of [
  ['another origin', own('https://evil.example/index.html')],
  ['a file:// page', own('file:///tmp/index.html')],
  ['a look-alike host', own('app://sdpm.evil/index.html')],
  ['credentials in the URL', own('app://x@sdpm/index.html')],
  ['a sub-frame of our page', { senderFrame: { url: 'app://sdpm/index.html', parent: {} } }],
  ['a destroyed frame', { senderFrame: null }],
] as const) {
  test(`a message from ${label} is refused and the handler never runs`, async () => {
    const { ipc, listeners } = fakeIpc();
    const calls: string[] = [];
    const logger = memoryLogger();
    registerIpc(ipc, handlersWith(calls), ORIGIN, logger);
    const r = (await listeners.get('journal:discard')!(event, { studyKey: 'study-1' })) as { ok: boolean; error?: { code: string } };
    assert.equal(r.ok, false);
    assert.equal(r.error?.code, 'FORBIDDEN');
    assert.deepEqual(calls, []);
    assert.ok(logger.records.some((x) => x.level === 'warn' && x.message.includes('untrusted sender')));
  });
}

test('a payload that does not match the schema is refused with INVALID_ARGUMENT naming the field', async () => {
  const { ipc, listeners } = fakeIpc();
  const calls: string[] = [];
  registerIpc(ipc, handlersWith(calls), ORIGIN, memoryLogger());
  const bad = [{ studyKey: 42 }, { studyKey: 'ok', extra: 1 }, null, 'study-1', { studyKey: '' }];
  for (const payload of bad) {
    const r = (await listeners.get('journal:discard')!(own(), payload)) as { ok: boolean; error?: { code: string; message: string } };
    assert.equal(r.ok, false, JSON.stringify(payload));
    assert.equal(r.error?.code, 'INVALID_ARGUMENT');
    assert.match(r.error?.message ?? '', /^request/);
  }
  assert.deepEqual(calls, []);
});

test('extra arguments are refused', async () => {
  const { ipc, listeners } = fakeIpc();
  registerIpc(ipc, handlersWith([]), ORIGIN, memoryLogger());
  const r = (await listeners.get('journal:discard')!(own(), { studyKey: 'a' }, 'more')) as { ok: boolean; error?: { code: string } };
  assert.equal(r.error?.code, 'INVALID_ARGUMENT');
});

test('a handler response that breaks the contract becomes an error, not data in the page', async () => {
  const { ipc, listeners } = fakeIpc();
  registerIpc(ipc, handlersWith([]), ORIGIN, memoryLogger());
  const r = (await listeners.get('inference:cancel')!(own(), { runId: 'r1' })) as { ok: boolean; error?: { code: string; message: string } };
  assert.equal(r.ok, false);
  assert.match(r.error?.message ?? '', /response\.unexpected/);
});

test('isTrustedUrl rejects garbage', () => {
  assert.equal(isTrustedUrl('not a url', ORIGIN), false);
  assert.equal(isTrustedUrl('app://sdpm/x', ORIGIN), true);
});
