/**
 * Where the utility process loads the inference worker thread from. Packaged, the utility entry runs from
 * `<resources>/app.asar/dist/worker/` (Electron serves files inside the asar to the main and utility
 * processes), but a worker thread is an ES module loaded by Node's own loader, which cannot be relied on to
 * read from inside an asar. `dist/worker/**` and every package the worker imports are asarUnpacked
 * (build/electron-builder.yml), so the worker is loaded from the real folder `app.asar.unpacked/dist/worker/`,
 * and its imports resolve from `app.asar.unpacked/node_modules`. From a checkout the path is unchanged.
 */
import { join } from 'node:path';

/** Replaces the `app.asar` path segment with `app.asar.unpacked` (either separator), if there is one. */
export function unpackedPath(p: string): string {
  return p.replace(/([\\/])app\.asar(?=[\\/]|$)/, '$1app.asar.unpacked');
}

/** The worker thread entry next to the utility entry (`utilityDir`: its __dirname). */
export function workerEntryPath(utilityDir: string): string {
  return join(unpackedPath(utilityDir), 'worker.mjs');
}
