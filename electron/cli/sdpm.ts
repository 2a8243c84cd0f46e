/**
 * `sdpm` command line: dispatches to one module per sub-command in `commands/`. Core only (no Electron).
 * Exit codes: 0 ok, 1 a handled error (printed as `error [CODE] message`), 2 bad usage.
 */
import { toErrorPayload } from '../core/index';
import { stderrLogger } from '../core/index';
import type { CliCommand, CliContext } from './CliCommand';
import { commands } from './commands';

function usage(list: readonly CliCommand[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  return ['usage: sdpm <command> [options]', '', ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`), '', 'sdpm <command> --help for the options of one command.'].join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const ctx: CliContext = {
    log: stderrLogger(process.env.SDPM_LOG === 'debug' ? 'debug' : 'info'),
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
  };
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout(`${usage(commands)}\n`);
    return name === undefined ? 2 : 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (cmd === undefined) {
    ctx.stderr(`sdpm: unknown command '${name}'\n${usage(commands)}\n`);
    return 2;
  }
  try {
    return await cmd.run(rest, ctx);
  } catch (err) {
    const p = toErrorPayload(err);
    ctx.stderr(`error [${p.code}] ${p.message}${p.path !== undefined && !p.message.includes(p.path) ? ` (${p.path})` : ''}\n`);
    if (p.code === 'INTERNAL' && err instanceof Error && err.stack !== undefined) ctx.log.debug(err.stack);
    return p.code === 'INVALID_ARGUMENT' ? 2 : 1;
  }
}
