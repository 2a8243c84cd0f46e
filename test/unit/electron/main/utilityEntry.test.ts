/**
 * The utilityProcess relay (dist/worker/utility.cjs) without Electron: a shim gives the child process the
 * `process.parentPort` Electron would, over Node's fork IPC. A job that cannot run must come back as one
 * protocol `error` message with the engine's code, relayed from the worker thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../..', import.meta.url));
const ENTRY = join(ROOT, 'dist', 'worker', 'utility.cjs');

test('the utility process relays a failing job as one protocol error with its code', { timeout: 60_000 }, async (t) => {
  if (!existsSync(ENTRY)) {
    t.skip(`not built (${ENTRY}); run npm run build`);
    return;
  }
  const shim = join(mkdtempSync(join(tmpdir(), 'sdpm-shim-')), 'parentPort.cjs');
  writeFileSync(shim, "process.parentPort = { on: (e, l) => process.on('message', (d) => l({ data: d })), postMessage: (m) => process.send(m) };\n");
  const child = fork(ENTRY, [], { execArgv: ['--require', shim], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  try {
    const reply = await new Promise<Record<string, unknown>>((resolve, reject) => {
      child.on('message', (m) => {
        const msg = m as Record<string, unknown>;
        if (msg.type === 'error' || msg.type === 'result') resolve(msg);
      });
      child.on('exit', (code) => reject(new Error(`relay exited with ${code}`)));
      child.send({
        type: 'start',
        jobId: 'job-1',
        request: { input: { kind: 'path', path: '/nonexistent/ct' }, bundleDir: '/nonexistent/bundle', mode: 'avg', provider: 'cpu', seed: 0 },
      });
    });
    assert.equal(reply.type, 'error');
    assert.equal(reply.jobId, 'job-1');
    const error = reply.error as { code: string; message: string };
    assert.match(error.code, /^(BUNDLE_NOT_FOUND|SERIES_EMPTY_FOLDER|IO_ERROR|SERIES_NOT_FOUND)$/);
    assert.match(error.message, /nonexistent/);
  } finally {
    child.kill();
  }
});
