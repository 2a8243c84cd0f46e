import type { CliCommand } from '../CliCommand';
import { batch } from './batch';
import { convert } from './convert';
import { demo } from './demo';
import { evaluate } from './evaluate';
import { exportSeg } from './exportSeg';
import { info } from './info';
import { pacs } from './pacs';
import { queue } from './queue';
import { readSegCommand } from './readSegCommand';
import { segment } from './segment';
import { setupGpu } from './setupGpu';
import { trial } from './trial';

/** Every sub-command, in the order `sdpm --help` lists them. One import and one entry per command. */
export const commands: readonly CliCommand[] = [info, convert, segment, batch, queue, demo, evaluate, exportSeg, readSegCommand, pacs, trial, setupGpu];
