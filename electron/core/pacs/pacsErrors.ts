/**
 * One way to word a PACS failure: "<peer>, <what> (study <uid>): <problem>". The peer label comes from
 * describePeer and never contains a secret.
 */
import { SdpmError, type ErrorCode } from '../errors';

export interface PacsContext {
  peerLabel: string;
  /** e.g. "find studies", "retrieve instance 1.2.3". */
  action: string;
  studyInstanceUid?: string;
}

export function pacsMessage(ctx: PacsContext, problem: string): string {
  const study = ctx.studyInstanceUid === undefined ? '' : ` (study ${ctx.studyInstanceUid})`;
  return `${ctx.peerLabel}, ${ctx.action}${study}: ${problem}`;
}

export function pacsError(code: ErrorCode, ctx: PacsContext, problem: string, cause?: unknown): SdpmError {
  return new SdpmError(code, pacsMessage(ctx, problem), cause === undefined ? undefined : { cause });
}

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 4 && typeof e === 'object' && e !== null; i += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Maps a network-level failure (fetch, socket) to a typed error. `userSignal` tells a user's cancel
 * (CANCELLED) from our own timeout (PACS_TIMEOUT).
 */
export function networkError(err: unknown, ctx: PacsContext, userSignal: AbortSignal | undefined, timeoutMs: number): SdpmError {
  if (err instanceof SdpmError) return err;
  if (userSignal?.aborted === true) return pacsError('CANCELLED', ctx, 'cancelled');
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return pacsError('PACS_TIMEOUT', ctx, `no complete answer within ${timeoutMs / 1000} s`, err);
  const code = causeCode(err);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EAI_AGAIN') {
    return pacsError('PACS_UNREACHABLE', ctx, `cannot connect (${code}): is the archive running and the address right?`, err);
  }
  let msg = err instanceof Error ? err.message : String(err);
  for (let e: unknown = err, i = 0; i < 4 && e instanceof Error; i += 1, e = e.cause) msg = e.message;
  return pacsError('PACS_UNREACHABLE', ctx, `connection failed or dropped during the transfer (${code ?? msg})`, err);
}
