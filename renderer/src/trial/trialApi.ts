/**
 * The trial routes from the page: POST /api/trial:<name> on the local server, the user's session
 * token in `x-sdpm-session` (kept in memory only: a reload asks to sign in again); in Electron the same
 * routes go over the one trial IPC channel (window.sdpmTrial, electron/ipc/trialChannel.ts). The server
 * side resolves the session and checks the role; nothing here is access control.
 */
import { decodeWire, encodeWire } from '../../../electron/ipc/wireCodec';
import { TRIAL_BRIDGE_GLOBAL, type TrialBridge } from '../../../electron/ipc/trialChannel';

export class TrialApiError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'TrialApiError';
    this.code = code;
  }
}

let session: string | null = null;

export function setSession(token: string | null): void {
  session = token;
}

async function overHttp(route: string, request: Record<string, unknown>): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (session !== null) headers['x-sdpm-session'] = session;
  const res = await fetch(`/api/${encodeURIComponent(route)}`, { method: 'POST', headers, body: encodeWire(request) as Uint8Array<ArrayBuffer>, credentials: 'same-origin' });
  if (res.status === 401) throw new TrialApiError('AUTH_FAILED', 'not authorised: reopen the URL printed by `npm run serve`');
  return decodeWire(new Uint8Array(await res.arrayBuffer()));
}

export async function trialCall(route: string, request: Record<string, unknown>): Promise<Record<string, unknown>> {
  const ipc = (window as unknown as Record<string, unknown>)[TRIAL_BRIDGE_GLOBAL] as TrialBridge | undefined;
  const raw = ipc !== undefined ? await ipc.call(route, session, request) : await overHttp(route, request);
  const env = raw as { ok?: unknown; value?: unknown; error?: { code?: unknown; message?: unknown } };
  if (env.ok === true && typeof env.value === 'object' && env.value !== null) return env.value as Record<string, unknown>;
  throw new TrialApiError(typeof env.error?.code === 'string' ? env.error.code : 'INTERNAL', typeof env.error?.message === 'string' ? env.error.message : 'unknown error');
}

/** Reads a field of an answer as a list of records (the page trusts no transport: shape checked). */
export function list(value: Record<string, unknown>, key: string): Record<string, unknown>[] {
  const v = value[key];
  if (!Array.isArray(v)) throw new TrialApiError('INTERNAL', `answer has no list "${key}"`);
  return v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null);
}

export function text(v: unknown): string {
  return v === null || v === undefined ? '' : typeof v === 'number' ? String(Math.round(v * 100) / 100) : String(v);
}

export function errorText(err: unknown): string {
  return err instanceof TrialApiError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
}
