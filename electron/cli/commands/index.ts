import type { CliCommand } from '../CliCommand';
import { convert } from './convert';
import { evaluate } from './evaluate';
import { info } from './info';

/** Every sub-command, in the order `sdpm --help` lists them. One import and one entry per command. */
export const commands: readonly CliCommand[] = [info, convert, evaluate];
