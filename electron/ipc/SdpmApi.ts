/**
 * The API object the renderer sees: one function per channel plus an event subscription. In Electron the
 * preload builds it over IPC (contextBridge); in browser mode renderer/src/api builds it over HTTP.
 * Functions resolve to an envelope, never reject for service errors (transport failures do reject).
 */
import type { Channel, Envelope, EventName, EventPayload, Request, Response } from './contract';

export type SdpmBridge = { [C in Channel]: (request: Request<C>) => Promise<Envelope<Response<C>>> } & {
  /** Subscribes to a service event; returns the unsubscribe function. */
  onEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** Name of the global the preload exposes (`window.sdpm`). */
export const BRIDGE_GLOBAL = 'sdpm';
