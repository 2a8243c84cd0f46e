/**
 * The ONE IPC wrapper (as in Electron Fiddle): every contract channel is registered here and nowhere
 * else. For each message it (1) checks the sender frame is our own page, (2) parses the payload with the
 * contract's schema, (3) runs the handler, (4) checks the response, and returns an envelope. It takes an
 * ipcMain-like object so it is unit-tested without Electron.
 */
import { channelNames } from '../ipc/contract';
import { dispatch, type Handlers } from '../ipc/dispatch';
import type { Logger } from '../core/index';

/** The part of Electron's IpcMainInvokeEvent the wrapper reads. */
export interface IpcInvokeEventLike {
  senderFrame: { url: string; parent?: unknown } | null;
}

/** The part of Electron's ipcMain the wrapper uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Returns true when the URL belongs to the app's own renderer (scheme + host), e.g. `app://sdpm/...`. */
export function isTrustedUrl(url: string, trustedOrigin: { protocol: string; host: string }): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === trustedOrigin.protocol && u.host === trustedOrigin.host && u.username === '' && u.password === '';
}

export function registerIpc(
  ipc: IpcMainLike,
  handlers: Handlers,
  trustedOrigin: { protocol: string; host: string },
  logger: Logger,
): () => void {
  for (const channel of channelNames) {
    ipc.handle(channel, async (event, ...args) => {
      const frame = event.senderFrame;
      // Sub-frames are never ours (the page has no iframes); a null frame means it navigated away or was destroyed.
      if (frame === null || (frame.parent !== null && frame.parent !== undefined) || !isTrustedUrl(frame.url, trustedOrigin)) {
        logger.warn('IPC message from an untrusted sender refused', { channel, url: frame?.url.slice(0, 200) ?? null });
        return { ok: false, error: { code: 'FORBIDDEN', message: `channel ${channel}: sender is not the app's own page` } };
      }
      if (args.length !== 1) {
        return { ok: false, error: { code: 'INVALID_ARGUMENT', message: `channel ${channel}: expected exactly one argument, got ${args.length}` } };
      }
      const envelope = await dispatch(handlers, channel, args[0]);
      if (!envelope.ok) logger.warn('IPC request failed', { channel, code: envelope.error.code, message: envelope.error.message });
      return envelope;
    });
  }
  return () => {
    for (const channel of channelNames) ipc.removeHandler(channel);
  };
}
