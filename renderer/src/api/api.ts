/**
 * The only module that touches the API object. `call` returns the parsed value or throws `ApiError`
 * with the service's stable code; responses are parsed again here (the page trusts no transport).
 */
import { channels, events, type Channel, type EventName, type EventPayload, type Request, type Response } from '../../../electron/ipc/contract';
import { BRIDGE_GLOBAL, type SdpmBridge } from '../../../electron/ipc/SdpmApi';
import { createHttpBridge } from './httpBridge';

export class ApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

let bridge: SdpmBridge | null = null;

function getBridge(): SdpmBridge {
  if (bridge === null) {
    const exposed = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL];
    bridge = exposed !== undefined ? (exposed as SdpmBridge) : createHttpBridge();
  }
  return bridge;
}

export function isElectron(): boolean {
  return (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] !== undefined;
}

export async function call<C extends Channel>(channel: C, request: Request<C>): Promise<Response<C>> {
  const fn = getBridge()[channel] as (r: Request<C>) => Promise<unknown>;
  const envelope = (await fn(request)) as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (envelope.ok === true) return channels[channel].response(envelope.value, `${channel} response`) as Response<C>;
  const code = typeof envelope.error?.code === 'string' ? envelope.error.code : 'INTERNAL';
  const message = typeof envelope.error?.message === 'string' ? envelope.error.message : 'unknown error';
  throw new ApiError(code, message);
}

export function onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
  return getBridge().onEvent(name, (raw) => listener(events[name](raw, `event ${name}`) as EventPayload<E>));
}
