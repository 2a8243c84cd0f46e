/**
 * The trial routes over Electron IPC: one channel carrying (route name, session token, request). The
 * preload exposes it as `window.sdpmTrial.call`; main checks the sender and hands it to the same
 * `callTrialRoute` the local server uses, so the session is resolved and the role checked in main.
 */
import type { Envelope } from './contract';

export const TRIAL_CHANNEL = 'trial:call';
export const TRIAL_BRIDGE_GLOBAL = 'sdpmTrial';

export interface TrialBridge {
  call(route: string, sessionToken: string | null, request: unknown): Promise<Envelope<unknown>>;
}
