/**
 * Registers the trial channel on ipcMain: the sender must be the app's own top-level page (as for
 * every contract channel in registerIpc.ts); the route name and the session token must be strings;
 * then the shared trial route handler (electron/server/trialRoutesHttp.ts) parses, authenticates and
 * authorises, exactly as over HTTP.
 */
import type { Logger } from '../core/index';
import { TRIAL_CHANNEL } from '../ipc/trialChannel';
import type { TrialHttpHandler } from '../server/trialRoutesHttp';
import { isTrustedUrl, type IpcMainLike } from './registerIpc';

export function registerTrialIpc(ipc: IpcMainLike, handler: TrialHttpHandler, trustedOrigin: { protocol: string; host: string }, logger: Logger): () => void {
  ipc.handle(TRIAL_CHANNEL, async (event, ...args) => {
    const frame = event.senderFrame;
    if (frame === null || (frame.parent !== null && frame.parent !== undefined) || !isTrustedUrl(frame.url, trustedOrigin)) {
      logger.warn('trial IPC message from an untrusted sender refused', { url: frame?.url.slice(0, 200) ?? null });
      return { ok: false, error: { code: 'FORBIDDEN', message: "trial channel: sender is not the app's own page" } };
    }
    const [route, session, request] = args;
    if (args.length !== 3 || typeof route !== 'string' || (session !== null && typeof session !== 'string')) {
      return { ok: false, error: { code: 'INVALID_ARGUMENT', message: 'trial channel: expected (route, session token or null, request)' } };
    }
    const envelope = await handler(route, session, request);
    if (!envelope.ok) logger.warn('trial IPC request failed', { route: route.slice(0, 80), code: envelope.error.code });
    return envelope;
  });
  return () => ipc.removeHandler(TRIAL_CHANNEL);
}
