#!/usr/bin/env node
// `npm run build`: bundles the Electron main process, preload, inference worker and local API server with
// esbuild, and the renderer with Vite. Output in dist/ (gitignored). `--only=main,renderer,...` limits it.
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',') ?? null;
const want = (name) => only === null || only.includes(name);
const t0 = performance.now();

// Core code uses import.meta.url (createRequire, wasm lookup); in CommonJS bundles it becomes the file URL.
const cjsImportMeta = {
  define: { 'import.meta.url': '__sdpm_import_meta_url' },
  banner: { js: "const __sdpm_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
};
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning', absWorkingDir: root };

const jobs = [];
if (want('main')) {
  jobs.push(
    build({
      ...common,
      ...cjsImportMeta,
      entryPoints: ['electron/main/main.ts'],
      outfile: 'dist/main/main.cjs',
      format: 'cjs',
      // Node packages stay in node_modules (packaged in the asar); native onnxruntime is loaded by the worker only.
      packages: 'external',
      external: ['electron'],
    }),
  );
}
if (want('preload')) {
  // A sandboxed preload may require only 'electron' (and a few built-ins): everything else is bundled in.
  jobs.push(build({ ...common, entryPoints: ['electron/preload/preload.ts'], outfile: 'dist/preload/preload.cjs', format: 'cjs', external: ['electron'], platform: 'node', target: 'chrome130' }));
}
const workerEntry = ['electron/worker/inferenceWorker.ts'].find((p) => existsSync(join(root, p)));
if (want('worker') && workerEntry !== undefined) {
  jobs.push(build({ ...common, entryPoints: [workerEntry], outfile: 'dist/worker/worker.mjs', format: 'esm', packages: 'external' }));
}
if (want('worker')) {
  // Electron utilityProcess entry: relays the worker protocol to the worker thread above.
  jobs.push(build({ ...common, ...cjsImportMeta, entryPoints: ['electron/main/utilityEntry.ts'], outfile: 'dist/worker/utility.cjs', format: 'cjs', packages: 'external' }));
}
if (want('server') && existsSync(join(root, 'electron/server/serve.ts'))) {
  jobs.push(build({ ...common, entryPoints: ['electron/server/serve.ts'], outfile: 'dist/server/serve.mjs', format: 'esm', packages: 'external' }));
}
await Promise.all(jobs);

if (want('renderer')) {
  if (only === null) rmSync(join(root, 'dist/renderer'), { recursive: true, force: true });
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'build/vite.config.ts'), logLevel: 'warn' });
}
process.stdout.write(`build: done in ${((performance.now() - t0) / 1000).toFixed(1)} s${workerEntry === undefined ? ' (no inference worker entry yet)' : ''}\n`);
