/**
 * The default model bundle: with `bundlesDir`, the folder named in `<bundlesDir>/DEFAULT`; without, the
 * one resolver's answer (resolveBundleDir.ts: $SDPM_BUNDLE_DIR, $SDPM_BUNDLES_DIR, packaged resources,
 * then the repository's models/bundles found by walking up from the running file).
 */
import { readDefaultBundle, resolveBundleDir } from './resolveBundleDir';
import type { ResourceSearch } from './resourceRoots';

export function resolveDefaultBundle(bundlesDir?: string, search: ResourceSearch = {}): string {
  return bundlesDir !== undefined ? readDefaultBundle(bundlesDir) : resolveBundleDir(undefined, search).bundleDir;
}
