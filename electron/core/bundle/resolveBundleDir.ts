/**
 * THE model-bundle resolver, shared by the CLI, the local API server, the Electron main process and the
 * engine's own fallback (runInference without `bundleDir`). In order:
 * 1. `explicit` (`--bundle DIR`): that folder, which must exist;
 * 2. `$SDPM_BUNDLE_DIR`: that folder, which must exist;
 * 3. `$SDPM_BUNDLES_DIR`: a bundles folder; the bundle named in its `DEFAULT` file;
 * 4. `<resourcesPath>/models/bundles` (packaged app, see resourceRoots.ts), then the repository's
 *    `models/bundles` (checkout, source or dist/): the first that exists; the bundle named in its `DEFAULT`.
 * A step that names something (1-3, or a bundles folder that exists without a usable DEFAULT) fails with
 * that problem rather than falling through to a bundle the user did not ask for. When nothing is found,
 * the BUNDLE_NOT_FOUND error lists every path tried.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SdpmError } from '../errors';
import { resourceRoots, type ResourceSearch } from './resourceRoots';

export type BundleSource = 'argument' | 'SDPM_BUNDLE_DIR' | 'SDPM_BUNDLES_DIR' | 'packaged' | 'repository';

export interface ResolvedBundle {
  /** absolute bundle folder (not yet validated: loadBundle checks its contents and checksums) */
  bundleDir: string;
  source: BundleSource;
  /** the DEFAULT file that named it (steps 3-4), else null */
  defaultFile: string | null;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/** The folder named on the first non-comment line of `<bundlesDir>/DEFAULT`. */
export function readDefaultBundle(bundlesDir: string): string {
  const file = join(bundlesDir, 'DEFAULT');
  if (!existsSync(file)) throw new SdpmError('BUNDLE_NOT_FOUND', `no default model bundle: ${file} does not exist (pass --bundle DIR)`, { path: file });
  const name = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (name === undefined || name.includes('/') || name.includes('\\') || name === '..' || name === '.') throw new SdpmError('BUNDLE_INVALID', `${file} must name one bundle folder in ${bundlesDir}`, { path: file });
  const dir = join(bundlesDir, name);
  if (!isDir(dir)) throw new SdpmError('BUNDLE_NOT_FOUND', `default bundle "${name}" named in ${file} does not exist: ${dir}`, { path: dir });
  return dir;
}

function exactFolder(dir: string, from: string): string {
  const abs = resolve(dir);
  if (!isDir(abs)) throw new SdpmError('BUNDLE_NOT_FOUND', `model bundle folder not found: ${abs} (from ${from})`, { path: abs });
  return abs;
}

export function resolveBundleDir(explicit: string | undefined, search: ResourceSearch = {}): ResolvedBundle {
  const env = search.env ?? process.env;
  if (explicit !== undefined && explicit !== '') return { bundleDir: exactFolder(explicit, '--bundle'), source: 'argument', defaultFile: null };
  const exact = env.SDPM_BUNDLE_DIR;
  if (exact !== undefined && exact !== '') return { bundleDir: exactFolder(exact, '$SDPM_BUNDLE_DIR'), source: 'SDPM_BUNDLE_DIR', defaultFile: null };
  const many = env.SDPM_BUNDLES_DIR;
  if (many !== undefined && many !== '') {
    const dir = resolve(many);
    if (!isDir(dir)) throw new SdpmError('BUNDLE_NOT_FOUND', `bundles folder not found: ${dir} (from $SDPM_BUNDLES_DIR)`, { path: dir });
    return { bundleDir: readDefaultBundle(dir), source: 'SDPM_BUNDLES_DIR', defaultFile: join(dir, 'DEFAULT') };
  }
  const { roots, tried } = resourceRoots(search);
  for (const root of roots) {
    const dir = join(root.dir, 'models', 'bundles');
    if (!isDir(dir)) {
      tried.push(`${dir} (${root.source}: not found)`);
      continue;
    }
    return { bundleDir: readDefaultBundle(dir), source: root.source, defaultFile: join(dir, 'DEFAULT') };
  }
  throw new SdpmError('BUNDLE_NOT_FOUND', `no model bundle found; tried: ${tried.join('; ')}. Pass --bundle DIR or set SDPM_BUNDLE_DIR.`);
}
