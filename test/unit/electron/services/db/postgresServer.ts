/**
 * Starts a real PostgreSQL server from Debian's packages for a test: initdb into a temp folder,
 * pg_ctl start on a free 127.0.0.1 port (no Unix socket outside the folder), stop and delete at the
 * end. initdb refuses to run as root, so as root the server runs as the `postgres` system user (via
 * runuser) in a folder it owns. Returns null with the reason when PostgreSQL is not installed
 * (scripts/install-system-deps.sh installs it); under CI that is an error instead.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PostgresServer {
  /** Connection string of the `postgres` database (superuser, trust auth on loopback). */
  url: string;
  port: number;
  /** A fresh, empty database for one test; returns its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function binDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Null when PostgreSQL can be started here; otherwise why not (under CI a missing server is an error). */
export function postgresUnavailable(): string | null {
  if (binDir() !== null) return null;
  const why = 'PostgreSQL is not installed (scripts/install-system-deps.sh installs Debian postgresql)';
  if (process.env.CI === 'true') throw new Error(why);
  return why;
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = binDir();
  if (bin === null) throw new Error(postgresUnavailable() ?? 'PostgreSQL is not installed');
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-pg-'));
  const data = join(dir, 'data');
  let uid: number | null = null;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (tool: string, args: string[]): void => {
    const cmd = asRoot ? 'runuser' : join(bin, tool);
    const argv = asRoot ? ['-u', 'postgres', '--', join(bin, tool), ...args] : args;
    const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: dir, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off -c max_connections=40 -c shared_buffers=16MB`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  process.once('exit', stop);
  return {
    url,
    port,
    async createDatabase(name) {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/[^a-z0-9_]/g, '_')}"`);
      } finally {
        await c.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${name.replace(/[^a-z0-9_]/g, '_')}`;
    },
    stop,
  };
}
