/**
 * The desktop app's model bundle and demo study, through the shared resolvers (core/bundle): packaged,
 * the extraResources under Electron's `process.resourcesPath` come first (electron-builder.yml copies
 * models/bundles and models/demo/ge-head-ich there); then the sdpm-review package found by walking up from
 * the running file (a checkout: dist/main/main.cjs → the repository). `--bundle DIR` on the app's command
 * line and $SDPM_BUNDLE_DIR / $SDPM_BUNDLES_DIR / $SDPM_DEMO_DIR win over both.
 * No `electron` import: main.ts passes `app.isPackaged`, `process.resourcesPath` and `process.argv` in.
 */
import type { ResourceSearch } from '../core/index';
import { resolveDemoStudy } from '../core/index';
import { SdpmError } from '../core/index';
import type { Logger } from '../core/index';
import { resolveServiceBundle } from '../services/app/resolveServiceBundle';

export interface AppFacts {
  isPackaged: boolean;
  resourcesPath: string;
  argv: readonly string[];
  /** where the walk up starts (default: the running file); for tests */
  from?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface AppResources {
  /** the bundle folder, or why none was found (each SDPM request then answers with it) */
  bundle: string | SdpmError;
  /** the demo study's DICOM folder, or null ("open demo study" then says it is unavailable) */
  demoFolder: string | null;
}

/** `--bundle DIR` or `--bundle=DIR` (e.g. `electron . --bundle DIR`, `SDPM\ Review --bundle=DIR`). */
export function bundleArgument(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a.startsWith('--bundle=')) return a.slice('--bundle='.length);
    if (a === '--bundle') return argv[i + 1];
  }
  return undefined;
}

export function appResources(facts: AppFacts, logger: Logger): AppResources {
  const search: ResourceSearch = {
    ...(facts.isPackaged ? { resourcesPath: facts.resourcesPath } : {}),
    ...(facts.from !== undefined ? { from: facts.from } : {}),
    ...(facts.env !== undefined ? { env: facts.env } : {}),
  };
  let demoFolder: string | null = null;
  try {
    demoFolder = resolveDemoStudy(undefined, search).dicomDir;
  } catch (err) {
    if (!(err instanceof SdpmError)) throw err;
    logger.warn('no demo study; "open demo study" is unavailable', { error: err.message });
  }
  return { bundle: resolveServiceBundle(bundleArgument(facts.argv), search, logger), demoFolder };
}
