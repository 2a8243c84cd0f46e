import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startServer } from '../../../../electron/server/startServer';
import { decodeWire, encodeWire } from '../../../../electron/ipc/wireCodec';
import type { Handlers } from '../../../../electron/ipc/dispatch';
import { silentLogger } from '../../../../electron/core/logger';

function rendererDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sdpm-renderer-'));
  writeFileSync(join(d, 'index.html'), '<!doctype html><title>t</title>');
  return d;
}

const handlers = new Proxy({} as Handlers, {
  get: (_t, ch: string) => async () => {
    if (ch === 'study:chooseFolder') return { folder: null };
    throw new Error('unused');
  },
});

/** Raw HTTP so the Host header can be forged (fetch forbids setting it). */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: Uint8Array }) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

test('the server listens on 127.0.0.1 only, with a random token per run', async () => {
  const a = await startServer({ handlers, rendererDir: rendererDir(), logger: silentLogger });
  const b = await startServer({ handlers, rendererDir: rendererDir(), logger: silentLogger });
  try {
    assert.match(a.origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(a.token, b.token);
    assert.ok(a.token.length >= 40);
  } finally {
    await a.close();
    await b.close();
  }
});

test('without the token nothing is served; the token URL sets an HttpOnly cookie that then works', async () => {
  const s = await startServer({ handlers, rendererDir: rendererDir(), logger: silentLogger, token: 'T0ken-for-test-0123456789abcdef' });
  const port = Number(new URL(s.origin).port);
  const host = `127.0.0.1:${port}`;
  try {
    assert.equal((await raw(port, { path: '/', headers: { host } })).status, 401);
    assert.equal((await raw(port, { path: '/?token=wrong', headers: { host } })).status, 401);
    const login = await raw(port, { path: '/?token=T0ken-for-test-0123456789abcdef', headers: { host } });
    assert.equal(login.status, 303);
    assert.equal(login.headers.location, '/');
    const cookie = String(login.headers['set-cookie']);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const page = await raw(port, { path: '/', headers: { host, cookie: cookie.split(';')[0]! } });
    assert.equal(page.status, 200);
    assert.match(String(page.headers['content-security-policy']), /script-src 'self' 'wasm-unsafe-eval'/);
    assert.doesNotMatch(String(page.headers['content-security-policy']), /'unsafe-eval'/);
    const api = await raw(port, { method: 'POST', path: '/api/study:chooseFolder', headers: { host, 'x-sdpm-token': s.token }, body: encodeWire({}) });
    assert.deepEqual(decodeWire(new Uint8Array(api.body)), { ok: true, value: { folder: null } });
  } finally {
    await s.close();
  }
});

test('a forged Host (DNS rebinding) or a foreign Origin is refused even with the token', async () => {
  const s = await startServer({ handlers, rendererDir: rendererDir(), logger: silentLogger });
  const port = Number(new URL(s.origin).port);
  try {
    const rebinding = await raw(port, { path: '/', headers: { host: `evil.example:${port}`, 'x-sdpm-token': s.token } });
    assert.equal(rebinding.status, 421);
    const cross = await raw(port, {
      method: 'POST',
      path: '/api/study:chooseFolder',
      headers: { host: `127.0.0.1:${port}`, 'x-sdpm-token': s.token, origin: 'https://evil.example' },
      body: encodeWire({}),
    });
    assert.equal(cross.status, 403);
  } finally {
    await s.close();
  }
});

test('a malformed payload gets INVALID_ARGUMENT, and static paths cannot escape the renderer folder', async () => {
  const s = await startServer({ handlers, rendererDir: rendererDir(), logger: silentLogger });
  const port = Number(new URL(s.origin).port);
  const headers = { host: `127.0.0.1:${port}`, 'x-sdpm-token': s.token };
  try {
    const r = await raw(port, { method: 'POST', path: '/api/journal:read', headers, body: encodeWire({ studyKey: 5 }) });
    const env = decodeWire(new Uint8Array(r.body)) as { ok: boolean; error: { code: string; message: string } };
    assert.equal(env.ok, false);
    assert.equal(env.error.code, 'INVALID_ARGUMENT');
    assert.match(env.error.message, /request\.studyKey/);
    const escape = await raw(port, { path: '/..%2f..%2f..%2fetc%2fpasswd', headers });
    assert.notEqual(escape.status, 200);
  } finally {
    await s.close();
  }
});
