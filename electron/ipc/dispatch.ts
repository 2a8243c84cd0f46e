/**
 * The single place a request is parsed, handled and its response checked, shared by the Electron IPC
 * wrapper (electron/main/registerIpc.ts) and the local API server. Errors become `{ code, message }`.
 */
import { channels, isChannel, type Channel, type Envelope, type Request, type Response } from './contract';
import { SchemaError } from './schema';

export type Handlers = { [C in Channel]: (request: Request<C>) => Promise<Response<C>> };

/** Anything thrown with a string `code` keeps it (SdpmError from core); everything else is INTERNAL. */
export function errorToEnvelope(err: unknown): Envelope<never> {
  if (err instanceof SchemaError) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: err.message } };
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const path = (err as { path?: unknown }).path;
    const error: { code: string; message: string; path?: string } = { code: typeof code === 'string' ? code : 'INTERNAL', message: err.message };
    if (typeof path === 'string') error.path = path;
    return { ok: false, error };
  }
  return { ok: false, error: { code: 'INTERNAL', message: String(err) } };
}

export async function dispatch(handlers: Handlers, channel: string, raw: unknown): Promise<Envelope<unknown>> {
  if (!isChannel(channel)) return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `unknown channel "${channel.slice(0, 80)}"` } };
  return dispatchChannel(handlers, channel, raw);
}

async function dispatchChannel<C extends Channel>(handlers: Handlers, channel: C, raw: unknown): Promise<Envelope<Response<C>>> {
  let request: Request<C>;
  try {
    request = channels[channel].request(raw, 'request') as Request<C>;
  } catch (err) {
    return errorToEnvelope(err);
  }
  try {
    const handler = handlers[channel] as (r: Request<C>) => Promise<Response<C>>;
    const value = await handler(request);
    // Checking our own output catches service bugs at the edge instead of in the page.
    return { ok: true, value: channels[channel].response(value, 'response') as Response<C> };
  } catch (err) {
    return errorToEnvelope(err);
  }
}
