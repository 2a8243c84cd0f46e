/**
 * Where the shipped resources (model bundles in `models/bundles/`, the demo study in `models/demo/`) live,
 * for every way this code runs:
 * - packaged app: electron-builder copies them as extraResources next to the asar, under Electron's
 *   `process.resourcesPath` (`<resources>/models/...`). Core never imports `electron`: the Electron main
 *   process passes `resourcesPath` in, and only when `app.isPackaged`.
 * - a checkout, from source (tsx) or from the esbuild bundles in `dist/` (`npm run build`): the repository
 *   root, found by walking up from the running file to the folder whose package.json is named
 *   `sdpm-review`. Walking up (instead of a fixed `../..`) is what keeps this right when the same code is
 *   bundled into dist/main/main.cjs, dist/worker/worker.mjs or dist/server/serve.mjs.
 * Roots come in that order; `tried` says, for each search step, what was looked at (for error messages).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'sdpm-review';

export interface ResourceSearch {
  /** Electron's `process.resourcesPath`, passed only when `app.isPackaged` */
  resourcesPath?: string;
  /** file or folder where the walk up to the sdpm-review package.json starts (default: the running file) */
  from?: string;
  /** environment to read SDPM_* overrides from (default: `process.env`) */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ResourceRoot {
  dir: string;
  source: 'packaged' | 'repository';
}

/** This module's file; after bundling, the bundle that is running (import.meta.url is defined for CJS bundles too). */
function runningFile(): string {
  return fileURLToPath(import.meta.url);
}

function isSdpmPackage(dir: string): boolean {
  const p = join(dir, 'package.json');
  if (!existsSync(p)) return false;
  try {
    const pkg: unknown = JSON.parse(readFileSync(p, 'utf8'));
    return typeof pkg === 'object' && pkg !== null && (pkg as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    // an unreadable or non-JSON package.json is not ours: keep walking up
    return false;
  }
}

/** The nearest folder at or above `from` holding a package.json named sdpm-review, or null. */
export function findPackageRoot(from: string): string | null {
  let dir = resolve(from);
  if (existsSync(dir) && !statSync(dir).isDirectory()) dir = dirname(dir);
  const top = parse(dir).root;
  for (;;) {
    if (isSdpmPackage(dir)) return dir;
    if (dir === top) return null;
    dir = dirname(dir);
  }
}

export function resourceRoots(search: ResourceSearch = {}): { roots: ResourceRoot[]; tried: string[] } {
  const roots: ResourceRoot[] = [];
  const tried: string[] = [];
  if (search.resourcesPath !== undefined && search.resourcesPath !== '') roots.push({ dir: resolve(search.resourcesPath), source: 'packaged' });
  const from = search.from ?? runningFile();
  const repo = findPackageRoot(from);
  if (repo === null) tried.push(`no package.json named ${PACKAGE_NAME} at or above ${resolve(from)}`);
  else if (!roots.some((r) => r.dir === repo)) roots.push({ dir: repo, source: 'repository' });
  return { roots, tried };
}

/** The product's version (package.json of the repository or packaged app root); "unknown" when none is found. */
export function packageVersion(search: ResourceSearch = {}): string {
  for (const r of resourceRoots(search).roots) {
    try {
      const v = (JSON.parse(readFileSync(join(r.dir, 'package.json'), 'utf8')) as { version?: unknown }).version;
      if (typeof v === 'string') return v;
    } catch {
      // try the next root
    }
  }
  return 'unknown';
}
