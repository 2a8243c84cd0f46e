/**
 * What every `sdpm trial` sub-command shares: opening the trial database (embedded file in the data
 * folder, or PostgreSQL with --db / SDPM_TRIAL_DB_URL), the acting user's password (SDPM_PASSWORD,
 * else the first line of standard input; never a command-line argument, which other users of the
 * machine could read), and signing in as `--as <user>`.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { SdpmError } from '../../core/index';
import { openTrialDatabase } from '../../services/db/openTrialDatabase';
import { createTrialServices, type TrialServices } from '../../services/trial/createTrialServices';
import type { Actor } from '../../services/trial/TrialContext';

export const COMMON_HELP = `common options:
  --as USER         the account that acts (its password: SDPM_PASSWORD, else the first line of stdin)
  --db URL          PostgreSQL connection string (default: SDPM_TRIAL_DB_URL, else the embedded database)
  --data-dir DIR    the data folder holding the embedded database trial.db (default ~/.sdpm-review)
`;

export const commonOptions = {
  as: { type: 'string' },
  db: { type: 'string' },
  'data-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

let stdinLines: AsyncIterator<string> | null = null;

/** One secret: from the environment variable, else the next line of standard input. */
export async function readSecret(envName: string, what: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  stdinLines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  const next = await stdinLines.next();
  if (next.done === true || next.value === '') throw new SdpmError('INVALID_ARGUMENT', `${what}: set ${envName} or give it as the first line of standard input`);
  return next.value;
}

export async function openServices(values: { db?: string | undefined; 'data-dir'?: string | undefined }): Promise<TrialServices> {
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.sdpm-review'));
  const db = await openTrialDatabase({ dataDir, url: values.db });
  return createTrialServices(db);
}

export async function signIn(svc: TrialServices, username: string | undefined): Promise<{ actor: Actor; password: string }> {
  if (username === undefined) throw new SdpmError('INVALID_ARGUMENT', '--as USER is required (the account that acts)');
  const password = await readSecret('SDPM_PASSWORD', `password of ${username}`);
  const { actor } = await svc.auth.login(username, password);
  return { actor, password };
}

export function need(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new SdpmError('INVALID_ARGUMENT', `${flag} is required`);
  return value;
}
