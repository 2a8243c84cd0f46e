/**
 * A one-node Slurm cluster on localhost for tests: munged (as the munge user), slurmctld and slurmd from
 * Debian's packages, started in the foreground in a temporary folder with their own config, sockets,
 * state and ports, and stopped by `stop()`. Returns null with the reason when a binary is missing.
 * Runs as root here (CI): SlurmUser=root, slurmd must be root to launch jobs as the submitting user.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';

export interface SlurmCluster {
  env: NodeJS.ProcessEnv;
  dir: string;
  run(cmd: string, args: string[]): string;
  stop(): Promise<void>;
  logs(): string;
}

const BINS = ['/usr/sbin/munged', '/usr/sbin/slurmctld', '/usr/sbin/slurmd', '/usr/bin/sbatch', '/usr/bin/squeue', '/usr/bin/scancel', '/usr/bin/sinfo'];

export function slurmMissing(): string | null {
  const missing = BINS.filter((b) => !existsSync(b));
  if (missing.length > 0) return `Slurm/munge not installed (${missing.join(', ')}): run scripts/install-system-deps.sh`;
  if (userInfo().uid !== 0) return 'the Slurm test starts slurmd, which must run as root (it launches jobs as the submitting user)';
  return null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (typeof a === 'object' && a !== null ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startSlurm(dir: string): Promise<SlurmCluster> {
  mkdirSync(dir, { recursive: true });
  // munged runs as the munge user: it must reach its folder through ours (mkdtemp makes 0700 folders)
  chmodSync(dirname(dir), 0o755);
  chmodSync(dir, 0o755);
  const node = hostname().split('.')[0] ?? 'localhost';
  const [ctldPort, dPort] = [await freePort(), await freePort()];
  const munge = join(dir, 'munge');
  mkdirSync(munge, { recursive: true });
  const muid = Number(execFileSync('id', ['-u', 'munge']).toString().trim());
  const mgid = Number(execFileSync('id', ['-g', 'munge']).toString().trim());
  writeFileSync(join(munge, 'munge.key'), randomBytes(1024));
  chmodSync(join(munge, 'munge.key'), 0o400);
  for (const p of [munge, join(munge, 'munge.key')]) chownSync(p, muid, mgid);
  chmodSync(munge, 0o700);
  const socket = join(munge, 'munge.socket');
  const conf = join(dir, 'slurm.conf');
  for (const d of ['state', 'spool', 'log']) mkdirSync(join(dir, d), { recursive: true });
  writeFileSync(
    conf,
    [
      'ClusterName=sdpmtest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'SchedulerType=sched/builtin',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'MpiDefault=none',
      'ReturnToService=2',
      'SlurmctldTimeout=30',
      'SlurmdTimeout=30',
      'KillWait=2',
      'MinJobAge=300',
      'InactiveLimit=0',
      `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const procs: ChildProcess[] = [];
  const start = (cmd: string, args: string[]): void => {
    const p = spawn(cmd, args, { env, stdio: 'ignore' });
    procs.push(p);
  };
  start('runuser', ['-u', 'munge', '--', '/usr/sbin/munged', '--foreground', '--force', `--key-file=${join(munge, 'munge.key')}`, `--socket=${socket}`, `--pid-file=${join(munge, 'munged.pid')}`, `--seed-file=${join(munge, 'seed')}`, `--log-file=${join(munge, 'munged.log')}`]);
  for (let i = 0; i < 50 && !existsSync(socket); i++) await sleep(100);
  start('/usr/sbin/slurmctld', ['-D', '-i', '-f', conf]);
  start('/usr/sbin/slurmd', ['-D', '-f', conf, '-N', node]);
  const run = (cmd: string, args: string[]): string => execFileSync(cmd, args, { env, encoding: 'utf8', timeout: 30_000 });
  const logs = (): string => {
    const read = (p: string): string => (existsSync(p) ? execFileSync('tail', ['-n', '30', p], { encoding: 'utf8' }) : `(no ${p})`);
    return [join(munge, 'munged.log'), join(dir, 'log', 'slurmctld.log'), join(dir, 'log', 'slurmd.log')].map((p) => `--- ${p}\n${read(p)}`).join('\n');
  };
  const stop = async (): Promise<void> => {
    for (const p of procs.reverse()) p.kill('SIGTERM');
    await sleep(500);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
  };
  // ready when the node is idle
  let state = '';
  for (const t0 = Date.now(); Date.now() - t0 < 60_000; ) {
    try {
      state = run('/usr/bin/sinfo', ['-h', '-N', '-o', '%T']).trim();
      if (state === 'idle') return { env, dir, run, stop, logs };
    } catch {
      // slurmctld not listening yet
    }
    await sleep(250);
  }
  await stop();
  throw new Error(`the Slurm node did not become idle (state "${state}")\n${logs()}`);
}
