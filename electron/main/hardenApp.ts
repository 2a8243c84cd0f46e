/**
 * Electron security checklist, applied once at start-up: every web contents may not navigate, open
 * windows, attach webviews or get any permission (camera, notifications, ...).
 */
import { app, session, type WebContents } from 'electron';
import type { Logger } from '../core/index';

export function hardenApp(logger: Logger, isOwnUrl: (url: string) => boolean): void {
  app.enableSandbox();
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isOwnUrl(url) || url !== contents.getURL()) {
        event.preventDefault();
        logger.warn('navigation denied', { url: url.slice(0, 200) });
      }
    });
    contents.on('will-redirect', (event, url) => {
      event.preventDefault();
      logger.warn('redirect denied', { url: url.slice(0, 200) });
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      logger.warn('new window denied', { url: url.slice(0, 200) });
      return { action: 'deny' };
    });
  });
  app.whenReady()
    .then(() => {
      session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => {
        logger.warn('permission request denied', { permission });
        callback(false);
      });
      session.defaultSession.setPermissionCheckHandler(() => false);
    })
    .catch((err: unknown) => logger.error('could not install permission handlers', { error: String(err) }));
}
