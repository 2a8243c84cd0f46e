/** Test helper: a CliContext that captures stdout/stderr. */
import { silentLogger } from '../../../../../electron/core/logger';
import type { CliContext } from '../../../../../electron/cli/CliCommand';

export function captureCtx(): CliContext & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { log: silentLogger, stdout: (s) => out.push(s), stderr: (s) => err.push(s), out, err };
}
