/**
 * The model bundle for a long-running service (local server, desktop app), through the one resolver
 * (core/bundle/resolveBundleDir.ts). A service starts without a bundle: the resolver's error (which names
 * every path tried) is kept and returned to each SDPM request, so the page can show it.
 */
import { resolveBundleDir } from '../../core/index';
import type { ResourceSearch } from '../../core/index';
import { SdpmError } from '../../core/index';
import type { Logger } from '../../core/index';

export function resolveServiceBundle(explicit: string | undefined, search: ResourceSearch, logger: Logger): string | SdpmError {
  try {
    const r = resolveBundleDir(explicit, search);
    logger.info('model bundle', { bundleDir: r.bundleDir, source: r.source, ...(r.defaultFile !== null ? { defaultFile: r.defaultFile } : {}) });
    return r.bundleDir;
  } catch (err) {
    if (!(err instanceof SdpmError)) throw err;
    logger.warn('no model bundle; SDPM runs will report why', { code: err.code, error: err.message });
    return err;
  }
}
