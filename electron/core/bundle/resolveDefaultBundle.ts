/**
 * Finds the default model bundle: the folder named on the first non-comment line of
 * `<bundlesDir>/DEFAULT` (written by the Python side when it ships a bundle). `bundlesDir` defaults to
 * `$SDPM_BUNDLES_DIR` or `models/bundles` of this checkout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SdpmError } from '../errors';

export function defaultBundlesDir(): string {
  const env = process.env.SDPM_BUNDLES_DIR;
  if (env !== undefined && env !== '') return resolve(env);
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../models/bundles');
}

export function resolveDefaultBundle(bundlesDir: string = defaultBundlesDir()): string {
  const file = join(bundlesDir, 'DEFAULT');
  if (!existsSync(file)) throw new SdpmError('BUNDLE_NOT_FOUND', `no default model bundle: ${file} does not exist (pass --bundle DIR)`, { path: file });
  const name = readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (name === undefined || name.includes('/') || name.includes('\\') || name === '..') throw new SdpmError('BUNDLE_INVALID', `${file} must name one bundle folder in ${bundlesDir}`, { path: file });
  const dir = join(bundlesDir, name);
  if (!existsSync(dir)) throw new SdpmError('BUNDLE_NOT_FOUND', `default bundle "${name}" named in ${file} does not exist: ${dir}`, { path: dir });
  return dir;
}
