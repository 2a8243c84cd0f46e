/** Runs one `sdpm` sub-command in-process with captured output, formatting errors as the dispatcher does. */
import { commands } from '../../../electron/cli/commands';
import { toErrorPayload } from '../../../electron/core/errors';
import { createLogger } from '../../../electron/core/logger';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const ctx = { log: createLogger((r) => (err += `[${r.level}] ${r.message}\n`), 'warn'), stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s) };
  const cmd = commands.find((c) => c.name === args[0]);
  if (cmd === undefined) throw new Error(`no command ${args[0]}`);
  try {
    return { code: await cmd.run(args.slice(1), ctx), out, err };
  } catch (e) {
    const p = toErrorPayload(e);
    return { code: p.code === 'INVALID_ARGUMENT' ? 2 : 1, out, err: `${err}error [${p.code}] ${p.message}\n` };
  }
}
