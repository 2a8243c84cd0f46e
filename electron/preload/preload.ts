/**
 * Sandboxed preload: exposes `window.sdpm` with exactly one function per contract channel plus a
 * filtered event subscription. The page never sees ipcRenderer. Payloads are parsed again in main.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { channelNames, isEventName, type EventName, type EventPayload } from '../ipc/contract';
import { BRIDGE_GLOBAL } from '../ipc/SdpmApi';
import { EVENT_CHANNEL } from '../ipc/eventChannel';
import { TRIAL_BRIDGE_GLOBAL, TRIAL_CHANNEL, type TrialBridge } from '../ipc/trialChannel';

const api: Record<string, unknown> = {};
for (const channel of channelNames) {
  api[channel] = (request: unknown) => ipcRenderer.invoke(channel, request);
}
api.onEvent = <E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): (() => void) => {
  if (!isEventName(name)) throw new Error(`unknown event ${String(name)}`);
  const wrapped = (_event: IpcRendererEvent, eventName: unknown, payload: unknown) => {
    if (eventName === name) listener(payload as EventPayload<E>);
  };
  ipcRenderer.on(EVENT_CHANNEL, wrapped);
  return () => {
    ipcRenderer.removeListener(EVENT_CHANNEL, wrapped);
  };
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, api);
// Core-lab trial routes: one channel (route, session token, request); main resolves the session and checks the role.
const trial: TrialBridge = { call: (route, sessionToken, request) => ipcRenderer.invoke(TRIAL_CHANNEL, route, sessionToken, request) };
contextBridge.exposeInMainWorld(TRIAL_BRIDGE_GLOBAL, trial);
