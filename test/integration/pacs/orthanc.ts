/**
 * A real Orthanc (Debian `orthanc` + `orthanc-dicomweb`) for the PACS tests: started in the foreground
 * from a generated config on free loopback ports, HTTP authentication on, storage in a temp folder,
 * stopped (SIGTERM) at the end. `kill()` + `start()` simulate an archive that dies mid-transfer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readdir } from 'node:fs/promises';

export const ORTHANC_BIN = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const GE_HEAD_DIR = new URL('../../../../shared/data/dicom/ge-head-ncct/', import.meta.url).pathname;
export const GE_HEAD_PATIENT_ID = 'QMNx85rKkkg';
export const GE_HEAD_STUDY_UID = '1.2.826.0.1.3680043.9.4245.1760717064491086528325869788156915668';
export const GE_HEAD_SERIES_UID = '1.2.826.0.1.3680043.9.4245.3115138630835728997848661150714813892';

/** Why the Orthanc tests cannot run here, or undefined when they can. */
export function orthancMissing(): string | undefined {
  if (!existsSync(ORTHANC_BIN)) return `${ORTHANC_BIN} not installed (run scripts/install-system-deps.sh)`;
  if (!existsSync(DICOMWEB_PLUGIN)) return `${DICOMWEB_PLUGIN} not installed (orthanc-dicomweb)`;
  if (!existsSync(GE_HEAD_DIR)) return `${GE_HEAD_DIR} missing (shared test data)`;
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface OrthancOptions {
  /** AE titles Orthanc should know (for C-GET / C-MOVE destinations): name -> [AE, host, port]. */
  modalities?: Record<string, [string, string, number]>;
}

export class OrthancServer {
  readonly user = 'sdpm';
  readonly password = `pw-${Math.random().toString(36).slice(2, 10)}`;
  readonly aeTitle = 'ORTHANCTEST';
  readonly dir = mkdtempSync(join(tmpdir(), 'sdpm-orthanc-'));
  httpPort = 0;
  dicomPort = 0;
  private proc: ChildProcess | undefined;
  private log = '';

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }
  get dicomWebUrl(): string {
    return `${this.httpUrl}/dicom-web`;
  }

  async init(options: OrthancOptions = {}): Promise<void> {
    this.httpPort = await freePort();
    this.dicomPort = await freePort();
    const config = {
      Name: 'sdpm-test',
      HttpPort: this.httpPort,
      DicomPort: this.dicomPort,
      DicomAet: this.aeTitle,
      RemoteAccessAllowed: false,
      AuthenticationEnabled: true,
      RegisteredUsers: { [this.user]: this.password },
      StorageDirectory: join(this.dir, 'storage'),
      IndexDirectory: join(this.dir, 'index'),
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false },
      DicomModalities: options.modalities ?? {},
      DicomCheckModalityHost: false,
      DicomAlwaysAllowEcho: true,
      DicomAlwaysAllowStore: true,
      HttpTimeout: 10,
      StableAge: 1,
      ConcurrentJobs: 1,
      HttpThreadsCount: 4,
    };
    writeFileSync(join(this.dir, 'orthanc.json'), JSON.stringify(config, null, 2));
  }

  async start(): Promise<void> {
    this.log = '';
    const proc = spawn(ORTHANC_BIN, [join(this.dir, 'orthanc.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d: Buffer) => (this.log += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (this.log += d.toString()));
    this.proc = proc;
    const auth = `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
    for (let i = 0; i < 300; i += 1) {
      if (proc.exitCode !== null) throw new Error(`Orthanc exited (${proc.exitCode}): ${this.log.slice(-2000)}`);
      try {
        const r = await fetch(`${this.httpUrl}/system`, { headers: { Authorization: auth } });
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((res) => setTimeout(res, 200));
    }
    throw new Error(`Orthanc did not answer within 60 s: ${this.log.slice(-2000)}`);
  }

  /** SIGKILL: the archive dies without a goodbye (connections drop mid-transfer). */
  async kill(): Promise<void> {
    await this.stopWith('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.stopWith('SIGTERM');
  }

  private async stopWith(sig: NodeJS.Signals): Promise<void> {
    const p = this.proc;
    this.proc = undefined;
    if (p === undefined || p.exitCode !== null) return;
    const done = new Promise<void>((res) => p.once('exit', () => res()));
    p.kill(sig);
    const t = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await done;
    clearTimeout(t);
  }

  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  authHeader(): string {
    return `Basic ${Buffer.from(`${this.user}:${this.password}`).toString('base64')}`;
  }
}

export async function geHeadFiles(): Promise<string[]> {
  return (await readdir(GE_HEAD_DIR)).filter((f) => f.endsWith('.dcm')).sort().map((f) => join(GE_HEAD_DIR, f));
}
