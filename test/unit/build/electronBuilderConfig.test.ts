// build/electron-builder.yml's extraResources, laid out as an installed app would have them
// (<resources>/app.asar + the extra resources beside it), must give the packaged app a default bundle that
// loads and passes its checksums, and the demo study, through the app's own resolvers.
// electron-builder itself cannot run here (it downloads Electron), so the copy rules are applied by hand;
// a filter pattern this test does not understand fails it rather than being skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appResources } from '../../../electron/main/appResources';
import { loadBundle } from '../../../electron/core/bundle/loadBundle';
import { memoryLogger } from '../../../electron/core/logger';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
// js-yaml comes with electron-builder and eslint
const yaml = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };

interface ExtraResource {
  from: string;
  to: string;
  filter?: string[];
}

function extraResources(): ExtraResource[] {
  const config = yaml.load(readFileSync(join(ROOT, 'build', 'electron-builder.yml'), 'utf8')) as { extraResources?: unknown };
  assert.ok(Array.isArray(config.extraResources), 'electron-builder.yml has no extraResources list');
  return config.extraResources as ExtraResource[];
}

/** The filter patterns used in the config, as predicates on a path relative to `from`. */
function keep(filter: readonly string[] | undefined): (rel: string) => boolean {
  const rules = (filter ?? ['**/*']).map((p) => {
    if (p === '**/*') return { exclude: false, dir: null };
    const m = /^!\*\*\/([^*/]+)\/\*\*$/.exec(p);
    if (m === null) throw new Error(`filter pattern ${p} is not understood by this test: extend it`);
    return { exclude: true, dir: m[1] ?? '' };
  });
  return (rel) => !rules.some((r) => r.exclude && rel.split('/').includes(r.dir ?? ''));
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else out.push(relative(dir, join(d, e.name)).split(sep).join('/'));
    }
  };
  walk(dir);
  return out;
}

test('packaged layout from electron-builder.yml: the default bundle loads with valid checksums and the demo study opens', () => {
  const resources = join(mkdtempSync(join(tmpdir(), 'sdpm-packaged-')), 'resources');
  for (const r of extraResources()) {
    const ok = keep(r.filter);
    const src = join(ROOT, r.from);
    cpSync(src, join(resources, r.to), { recursive: true, filter: (p) => p === src || ok(relative(src, p).split(sep).join('/')) });
  }
  // the asar holds package.json and dist/ only (files:); the resolvers must not need anything else from it
  mkdirSync(join(resources, 'app.asar', 'dist', 'main'), { recursive: true });
  writeFileSync(join(resources, 'app.asar', 'package.json'), readFileSync(join(ROOT, 'package.json')));
  const mainFile = join(resources, 'app.asar', 'dist', 'main', 'main.cjs');
  writeFileSync(mainFile, '');

  const r = appResources({ isPackaged: true, resourcesPath: resources, argv: ['sdpm-review'], from: mainFile, env: {} }, memoryLogger());
  assert.equal(typeof r.bundle, 'string', String(r.bundle));
  assert.ok((r.bundle as string).startsWith(join(resources, 'models', 'bundles')));
  const bundle = loadBundle(r.bundle as string); // verifies every SHA256SUMS line
  assert.ok(bundle.name.length > 0);
  assert.equal(r.demoFolder, join(resources, 'models', 'demo', 'ge-head-ich', 'dicom'));
  assert.deepEqual(filesUnder(r.demoFolder ?? ''), filesUnder(join(ROOT, 'models', 'demo', 'ge-head-ich', 'dicom')));
});

/** asarUnpack glob → RegExp (`**` any path, `*` within one segment). */
function globRe(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${re}$`);
}

test('packaged: every package the inference worker imports is asarUnpacked (it loads from app.asar.unpacked)', async () => {
  const config = yaml.load(readFileSync(join(ROOT, 'build', 'electron-builder.yml'), 'utf8')) as { asarUnpack?: unknown };
  assert.ok(Array.isArray(config.asarUnpack));
  const unpacked = (config.asarUnpack as string[]).map(globRe);
  const isUnpacked = (p: string): boolean => unpacked.some((re) => re.test(p));
  assert.ok(isUnpacked('dist/worker/worker.mjs'), 'dist/worker is not unpacked');
  // the worker as build/build.mjs bundles it (npm packages external), in memory
  const { build } = await import('esbuild');
  const out = await build({ entryPoints: [join(ROOT, 'electron/worker/inferenceWorker.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', write: false, metafile: true, logLevel: 'silent' });
  const imports = Object.values(out.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path));
  // packages the worker resolves at run time by name (the WebAssembly codecs), and onnxruntime-node's runtime dependency
  const text = out.outputFiles.map((f) => f.text).join('\n');
  const byName = [...text.matchAll(/pkg: "(@cornerstonejs\/codec-[^"]+)"/g)].map((m) => m[1] ?? '');
  // onnxruntime-node is not imported statically: ortRuntime.ts resolves its package folder by name (createRequire)
  const resolvedByName = [...text.matchAll(/\.resolve\("(onnxruntime-node)\/package\.json"\)/g)].map((m) => m[1] ?? '');
  const packages = [...new Set([...imports.map((p) => (p.startsWith('@') ? p.split('/').slice(0, 2) : p.split('/').slice(0, 1)).join('/')), ...byName, ...resolvedByName, 'onnxruntime-common'])].sort();
  assert.ok(packages.includes('onnxruntime-node') && packages.includes('dicom-parser') && byName.length === 3, packages.join(', '));
  assert.deepEqual(packages.filter((p) => !isUnpacked(`node_modules/${p}/package.json`)), []);
});
