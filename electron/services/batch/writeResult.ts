/**
 * A finished engine result as files: the NIfTI maps (mask, probability, uncertainty, std, agreement) and
 * report.json, written into a temp sibling folder and renamed into place (report.json last inside it), so a
 * reader never sees a half-written result. Used by `sdpm segment`/`demo`, `sdpm batch` and the queue workers.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SdpmError, writeNifti } from '../../core/index';
import type { ResultMessage } from '../../worker/protocol';

/** Writes a finished result into `outDir` atomically (temp sibling folder, then rename; report.json last). */
export async function writeResultAtomically(outDir: string, r: ResultMessage): Promise<void> {
  const out = resolve(outDir);
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.partial-${process.pid}-${Date.now()}`);
  await mkdir(tmp, { recursive: true });
  try {
    const g = r.geometry;
    const geom = { dimensions: g.dimensions, spacingMm: g.spacingMm, originLps: g.originLps, directionLps: g.directionLps as unknown as readonly [number, number, number, number, number, number, number, number, number] };
    await writeNifti(join(tmp, 'mask.nii.gz'), { ...geom, voxels: r.mask }, { description: 'sdpm lesion mask' });
    await writeNifti(join(tmp, 'probability.nii.gz'), { ...geom, voxels: r.probability }, { description: 'sdpm lesion probability' });
    if (r.uncertainty !== null) await writeNifti(join(tmp, 'uncertainty.nii.gz'), { ...geom, voxels: r.uncertainty }, { description: 'sdpm entropy of sample mean (bits)' });
    if (r.std !== null) await writeNifti(join(tmp, 'uncertainty-std.nii.gz'), { ...geom, voxels: r.std }, { description: 'sdpm std of samples' });
    if (r.agreement !== null) await writeNifti(join(tmp, 'agreement.nii.gz'), { ...geom, voxels: r.agreement }, { description: 'sdpm sample agreement with mask' });
    await writeFile(join(tmp, 'report.json'), `${JSON.stringify(r.report, null, 2)}\n`);
    const old = existsSync(out) ? `${tmp}.old` : null;
    if (old !== null) await rename(out, old);
    await rename(tmp, out);
    if (old !== null) await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err instanceof SdpmError ? err : new SdpmError('IO_ERROR', `cannot write outputs to ${out}: ${err instanceof Error ? err.message : String(err)}`, { path: out, cause: err });
  }
}
