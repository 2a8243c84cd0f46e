/**
 * `npm run serve` / `node dist/server/serve.mjs [--port N] [--data-dir DIR] [--demo DIR] [--bundle DIR]`: the browser
 * mode. Prints one line `SDPM server: <url with token>` on stdout; everything else goes to stderr.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { stderrLogger } from '../core/logger';
import { createServices } from './createServices';
import { startServer, type RunningServer } from './startServer';
import { createWorkerInference } from './createWorkerInference';

const here = fileURLToPath(new URL('.', import.meta.url));
/** Repository (or install) root: dist/server/ or electron/server/ are two levels down. */
const root = resolve(here, '..', '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string', default: '0' }, 'data-dir': { type: 'string' }, demo: { type: 'string' }, token: { type: 'string' }, bundle: { type: 'string' } },
  });
  const logger = stderrLogger('info');
  const dataDir = resolve(values['data-dir'] ?? join(homedir(), '.sdpm-review'));
  const demoCandidate = values.demo ?? join(root, 'models', 'demo', 'ge-head-ich', 'dicom');
  const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  let server: RunningServer | null = null;
  const { handlers } = createServices({
    mode: 'browser',
    version,
    dataDir,
    demoFolder: existsSync(demoCandidate) ? resolve(demoCandidate) : null,
    logger,
    chooseFolder: null,
    emit: (name, payload) => server?.emit(name, payload),
    inference: await createWorkerInference(root, logger, version, values.bundle),
  });
  const rendererDir = join(root, 'dist', 'renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) logger.warn('renderer not built: run `npm run build` first', { rendererDir });
  const opts: Parameters<typeof startServer>[0] = { handlers, rendererDir, logger, port: Number(values.port) };
  if (values.token !== undefined) opts.token = values.token;
  server = await startServer(opts);
  process.stdout.write(`SDPM server: ${server.url}\n`);
  const stop = () => {
    server?.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`sdpm serve: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
