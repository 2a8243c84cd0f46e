/**
 * The bundled demo study (`models/demo/ge-head-ich`: DICOM in `dicom/`, the generator's truth in
 * `truth.json`), found the same way as the model bundle (resourceRoots.ts), so `npm run demo`, the
 * server's and the app's "open demo study" work from source, from dist/ and from a packaged app:
 * 1. `explicit` (`--demo DIR`) or `$SDPM_DEMO_DIR`: a demo folder holding `dicom/`, or a DICOM folder itself;
 * 2. `<resourcesPath>/models/demo/ge-head-ich` (packaged), then the repository's.
 * SERIES_NOT_FOUND lists every path tried.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SdpmError } from '../errors';
import { resourceRoots, type ResourceSearch } from './resourceRoots';

export const DEMO_STUDY = 'ge-head-ich';

export interface ResolvedDemoStudy {
  /** the demo folder */
  dir: string;
  /** the DICOM series to open */
  dicomDir: string;
  /** the generator's truth (`trueVolumeMl`), when shipped */
  truthFile: string | null;
  source: 'argument' | 'SDPM_DEMO_DIR' | 'packaged' | 'repository';
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

function demoIn(dir: string, source: ResolvedDemoStudy['source']): ResolvedDemoStudy {
  const dicom = join(dir, 'dicom');
  const truth = join(dir, 'truth.json');
  return { dir, dicomDir: isDir(dicom) ? dicom : dir, truthFile: existsSync(truth) ? truth : null, source };
}

export function resolveDemoStudy(explicit: string | undefined, search: ResourceSearch = {}): ResolvedDemoStudy {
  const env = search.env ?? process.env;
  for (const [value, source] of [[explicit, 'argument'], [env.SDPM_DEMO_DIR, 'SDPM_DEMO_DIR']] as const) {
    if (value === undefined || value === '') continue;
    const dir = resolve(value);
    if (!isDir(dir)) throw new SdpmError('SERIES_NOT_FOUND', `demo study folder not found: ${dir} (from ${source === 'argument' ? '--demo' : '$SDPM_DEMO_DIR'})`, { path: dir });
    return demoIn(dir, source);
  }
  const { roots, tried } = resourceRoots(search);
  for (const root of roots) {
    const dir = join(root.dir, 'models', 'demo', DEMO_STUDY);
    if (isDir(join(dir, 'dicom'))) return demoIn(dir, root.source);
    tried.push(`${join(dir, 'dicom')} (${root.source}: not found)`);
  }
  throw new SdpmError('SERIES_NOT_FOUND', `demo study not found; tried: ${tried.join('; ')} (it is made by the data pipeline, see models/demo)`);
}
