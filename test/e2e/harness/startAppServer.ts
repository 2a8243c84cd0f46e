/**
 * Starts the real local API server (`node dist/server/serve.mjs`, the production build) as a child
 * process with a fresh data folder, and returns its tokenised URL. Killing it (SIGKILL) simulates a crash.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const SERVER_ENTRY = join(ROOT, 'dist', 'server', 'serve.mjs');

export interface AppServer {
  url: string;
  origin: string;
  dataDir: string;
  child: ChildProcess;
  stderr: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function builtAppMissing(): string | null {
  if (!existsSync(SERVER_ENTRY)) return `no production build (${SERVER_ENTRY}); run \`npm run build\``;
  if (!existsSync(join(ROOT, 'dist', 'renderer', 'index.html'))) return 'renderer not built; run `npm run build`';
  return null;
}

export async function startAppServer(opts: { dataDir?: string; demo?: string; bundle?: string } = {}): Promise<AppServer> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'sdpm-e2e-data-'));
  const args = [SERVER_ENTRY, '--port', '0', '--data-dir', dataDir];
  if (opts.demo !== undefined) args.push('--demo', opts.demo);
  if (opts.bundle !== undefined) args.push('--bundle', opts.bundle);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${err}`)), 60_000);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /SDPM server: (\S+)/.exec(out);
      if (m !== null) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${err}`));
    });
  });
  return {
    url,
    origin: new URL(url).origin,
    dataDir,
    child,
    stderr: () => err,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
