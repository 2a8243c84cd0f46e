/**
 * The API object over HTTP, for browser mode and tests: POST /api/<channel> with the wire codec, events
 * from /api/events (Server-Sent Events). The token travels as the HttpOnly cookie set on page load.
 */
import { channelNames, events, isEventName, type EventName, type EventPayload } from '../../../electron/ipc/contract';
import type { SdpmBridge } from '../../../electron/ipc/SdpmApi';
import { decodeWire, encodeWire } from '../../../electron/ipc/wireCodec';

export function createHttpBridge(base = ''): SdpmBridge {
  const api: Record<string, unknown> = {};
  for (const channel of channelNames) {
    api[channel] = async (request: unknown) => {
      const res = await fetch(`${base}/api/${encodeURIComponent(channel)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: encodeWire(request) as Uint8Array<ArrayBuffer>,
        credentials: 'same-origin',
      });
      if (res.status === 401) throw new Error('not authorised: reopen the URL printed by `npm run serve`');
      return decodeWire(new Uint8Array(await res.arrayBuffer()));
    };
  }
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let source: EventSource | null = null;
  const ensureSource = () => {
    if (source !== null) return;
    source = new EventSource(`${base}/api/events`);
    source.onmessage = (msg: MessageEvent<string>) => {
      const data = JSON.parse(msg.data) as { name?: unknown; payload?: unknown };
      if (typeof data.name !== 'string' || !isEventName(data.name)) return;
      const payload = events[data.name](data.payload, `event ${data.name}`);
      for (const l of listeners.get(data.name) ?? []) l(payload);
    };
  };
  api.onEvent = <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void) => {
    ensureSource();
    const set = listeners.get(name) ?? new Set();
    set.add(listener as (p: unknown) => void);
    listeners.set(name, set);
    return () => set.delete(listener as (p: unknown) => void);
  };
  return api as SdpmBridge;
}
