import type { Logger } from '../core/index';

export interface CliContext {
  log: Logger;
  stdout(text: string): void;
  stderr(text: string): void;
}

/** One `sdpm` sub-command. `run` returns the process exit code; it throws SdpmError for handled failures. */
export interface CliCommand {
  name: string;
  summary: string;
  run(argv: readonly string[], ctx: CliContext): Promise<number>;
}
