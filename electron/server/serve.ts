/**
 * `npm run serve` / `node dist/server/serve.mjs [--port N] [--data-dir DIR] [--demo DIR] [--bundle DIR] [--trial-db URL] [--check]`:
 * the browser mode. Prints one line `SDPM server: <url with token>` on stdout; everything else goes to stderr.
 * The bundle and the demo study come from the shared resolvers (core/bundle/resolveBundleDir.ts,
 * resolveDemoStudy.ts): without --bundle/--demo, the repository's defaults, found from this file (source or dist/).
 * `--check` prints what would be used (bundle, demo study, renderer, worker) as one JSON line and exits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { findPackageRoot } from '../core/index';
import { resolveDemoStudy } from '../core/index';
import { SdpmError } from '../core/index';
import { silentLogger, stderrLogger } from '../core/index';
import { createServices } from '../services/app/createServices';
import { startServer, type RunningServer } from './startServer';
import { createWorkerInference } from '../services/app/createWorkerInference';
import { resolveServiceBundle } from '../services/app/resolveServiceBundle';
import { openTrialRoutes } from './trialRoutesHttp';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Repository (or install) root: the sdpm-review package above dist/server/ or electron/server/. */
const root = findPackageRoot(here) ?? resolve(here, '..', '..');

function demoFolder(explicit: string | undefined, log: (m: string, f: Record<string, unknown>) => void): string | null {
  try {
    return resolveDemoStudy(explicit).dicomDir;
  } catch (err) {
    if (!(err instanceof SdpmError)) throw err;
    log('no demo study; "open demo study" is unavailable', { error: err.message });
    return null;
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' }, 'trial-db': { type: 'string' }, demo: { type: 'string' }, token: { type: 'string' }, bundle: { type: 'string' }, check: { type: 'boolean', default: false } },
  });
  const logger = stderrLogger('info');
  const rendererDir = join(root, 'dist', 'renderer');
  if (values.check === true) {
    const bundle = resolveServiceBundle(values.bundle, {}, silentLogger);
    const demo = demoFolder(values.demo, () => undefined);
    const worker = join(root, 'dist', 'worker', 'worker.mjs');
    const report = { root, bundleDir: typeof bundle === 'string' ? bundle : null, bundleError: typeof bundle === 'string' ? null : bundle.message, demoFolder: demo, rendererBuilt: existsSync(join(rendererDir, 'index.html')), workerBuilt: existsSync(worker) };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.sdpm-review'));
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  let server: RunningServer | null = null;
  const { handlers } = createServices({
    mode: 'browser',
    version,
    dataDir,
    demoFolder: demoFolder(values.demo, (m, f) => logger.warn(m, f)),
    logger,
    chooseFolder: null,
    emit: (name, payload) => server?.emit(name, payload),
    inference: await createWorkerInference(root, logger, version, resolveServiceBundle(values.bundle, {}, logger)),
  });
  if (!existsSync(join(rendererDir, 'index.html'))) logger.warn('renderer not built: run `npm run build` first', { rendererDir });
  const opts: Parameters<typeof startServer>[0] = { handlers, rendererDir, logger, port: Number(values.port) };
  opts.trial = await openTrialRoutes(dataDir, values['trial-db'], logger);
  if (values.token !== undefined) opts.token = values.token;
  server = await startServer(opts);
  const stop = () => {
    server?.close().then(() => process.exit(0), () => process.exit(1));
  };
  // handlers first, then the line that tells a supervisor (or a test) the server is up and may be stopped
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`SDPM server: ${server.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`sdpm serve: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
