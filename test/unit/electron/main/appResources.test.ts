import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appResources, bundleArgument } from '../../../../electron/main/appResources';
import { isSdpmError } from '../../../../electron/core/errors';
import { memoryLogger } from '../../../../electron/core/logger';

function put(path: string, text = ''): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** An installed app as electron-builder lays it out: resources/app.asar (dist + package.json) and the extraResources. */
function packagedApp(withResources: boolean): { resources: string; mainFile: string } {
  const tmp = mkdtempSync(join(tmpdir(), 'sdpm-app-'));
  const resources = join(tmp, 'resources');
  put(join(resources, 'app.asar', 'package.json'), JSON.stringify({ name: 'sdpm-review', main: 'dist/main/main.cjs' }));
  const mainFile = put(join(resources, 'app.asar', 'dist', 'main', 'main.cjs'));
  if (withResources) {
    put(join(resources, 'models', 'bundles', 'DEFAULT'), '# default\nsdpm-shipped\n');
    mkdirSync(join(resources, 'models', 'bundles', 'sdpm-shipped'));
    put(join(resources, 'models', 'demo', 'ge-head-ich', 'dicom', 'CT0001.dcm'));
  }
  return { resources, mainFile };
}

test('packaged app: the default bundle and the demo study come from process.resourcesPath, with no --bundle', () => {
  const { resources, mainFile } = packagedApp(true);
  const logger = memoryLogger();
  const r = appResources({ isPackaged: true, resourcesPath: resources, argv: ['/opt/SDPM Review/sdpm-review'], from: mainFile, env: {} }, logger);
  assert.equal(r.bundle, join(resources, 'models', 'bundles', 'sdpm-shipped'));
  assert.equal(r.demoFolder, join(resources, 'models', 'demo', 'ge-head-ich', 'dicom'));
  assert.deepEqual(logger.records.find((x) => x.message === 'model bundle')?.fields?.source, 'packaged');
});

test('not packaged: resourcesPath (Electron own resources) is ignored and the checkout is used', () => {
  const { resources } = packagedApp(true);
  const r = appResources({ isPackaged: false, resourcesPath: resources, argv: ['electron', '.'], env: {} }, memoryLogger());
  assert.equal(typeof r.bundle, 'string');
  assert.match(r.bundle as string, /models\/bundles\/[^/]+$/);
  assert.ok(!(r.bundle as string).startsWith(resources));
  assert.match(r.demoFolder ?? '', /models\/demo\/ge-head-ich\/dicom$/);
});

test('a packaged app without its resources starts, and SDPM requests get an error naming the paths tried', () => {
  const { resources, mainFile } = packagedApp(false);
  const logger = memoryLogger();
  const r = appResources({ isPackaged: true, resourcesPath: resources, argv: ['app'], from: mainFile, env: {} }, logger);
  assert.ok(isSdpmError(r.bundle, 'BUNDLE_NOT_FOUND'));
  assert.ok((r.bundle as Error).message.includes(join(resources, 'models', 'bundles')));
  assert.equal(r.demoFolder, null);
  assert.ok(logger.records.some((x) => x.level === 'warn' && /no demo study/.test(x.message)));
});

test('--bundle on the app command line wins', () => {
  const { resources, mainFile } = packagedApp(true);
  const other = join(resources, 'models', 'bundles', 'sdpm-shipped');
  assert.equal(bundleArgument(['app', '--bundle', '/b']), '/b');
  assert.equal(bundleArgument(['app', '--bundle=/c']), '/c');
  assert.equal(bundleArgument(['app', '--no-sandbox']), undefined);
  const r = appResources({ isPackaged: true, resourcesPath: join(resources, 'none'), argv: ['app', `--bundle=${other}`], from: mainFile, env: {} }, memoryLogger());
  assert.equal(r.bundle, other);
});
