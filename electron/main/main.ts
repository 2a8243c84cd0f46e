/**
 * Electron main process: one window, hardened (contextIsolation, sandbox, no nodeIntegration, CSP,
 * navigation/new windows/permissions denied), the contract registered through the one IPC wrapper,
 * and inference in a utilityProcess. Domain work lives in electron/services/app/createServices (plain Node).
 */
import { app, BrowserWindow, dialog, ipcMain } from 'electron';
import { join } from 'node:path';
import { stderrLogger } from '../core/index';
import { EVENT_CHANNEL } from '../ipc/eventChannel';
import { createServices } from '../services/app/createServices';
import { hardenApp } from './hardenApp';
import { isTrustedUrl, registerIpc } from './registerIpc';
import { registerTrialIpc } from './registerTrialIpc';
import { openTrialRoutes } from '../server/trialRoutesHttp';
import { APP_ORIGIN, registerAppScheme, serveRenderer } from './serveRenderer';
import { createUtilityInference } from './createUtilityInference';
import { appResources } from './appResources';
import { EncryptedSecretStore } from '../services/pacs/EncryptedSecretStore';
import { safeStorageCipher } from './pacsSecretCipher';

const logger = stderrLogger('info');
const distDir = join(__dirname, '..');
let mainWindow: BrowserWindow | null = null;

registerAppScheme();
hardenApp(logger, (url) => isTrustedUrl(url, APP_ORIGIN));

async function start(): Promise<void> {
  await app.whenReady();
  serveRenderer(join(distDir, 'renderer'));
  const resources = appResources({ isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, argv: process.argv }, logger);
  const { handlers } = createServices({
    mode: 'electron',
    version: app.getVersion(),
    dataDir: app.getPath('userData'),
    demoFolder: resources.demoFolder,
    logger,
    chooseFolder: async () => {
      const opts = { title: 'Open a CT study folder', properties: ['openDirectory' as const] };
      const r = mainWindow === null ? await dialog.showOpenDialog(opts) : await dialog.showOpenDialog(mainWindow, opts);
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
    emit: (name, payload) => mainWindow?.webContents.send(EVENT_CHANNEL, name, payload),
    inference: createUtilityInference(join(distDir, 'worker', 'utility.cjs'), resources.bundle, logger, app.getVersion()),
    pacsSecrets: new EncryptedSecretStore(join(app.getPath('userData'), 'pacs-secrets.json'), safeStorageCipher),
  });
  registerIpc(ipcMain, handlers, APP_ORIGIN, logger);
  registerTrialIpc(ipcMain, await openTrialRoutes(app.getPath('userData'), process.env.SDPM_TRIAL_DB_URL, logger), APP_ORIGIN, logger);

  mainWindow = new BrowserWindow({
    width: 1600,
    height: 1000,
    title: 'SDPM Review',
    backgroundColor: '#111111',
    webPreferences: {
      preload: join(distDir, 'preload', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  });
  mainWindow.on('closed', () => {
    mainWindow = null;
  });
  await mainWindow.loadURL(`${APP_ORIGIN.protocol}//${APP_ORIGIN.host}/index.html`);
}

app.on('window-all-closed', () => app.quit());
start().catch((err: unknown) => {
  logger.error('start-up failed', { error: err instanceof Error ? err.stack ?? err.message : String(err) });
  app.exit(1);
});
