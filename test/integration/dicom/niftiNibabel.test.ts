/**
 * Independent reader check: the NIfTI our writer makes from the Philips phantom is read by nibabel
 * (Debian's python3-nibabel) and compared with dcm2niix's conversion of the same series: same data and
 * the same voxel-to-world mapping (dcm2niix stores rows in the opposite order, so the comparison maps
 * through world coordinates).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadVolumeFromFolder } from '../../../electron/core/dicom/loadVolumeFromFolder';
import { writeNifti } from '../../../electron/core/dicom/niftiWrite';
import { makeTempDir } from '../../fixtures/dicom-generated/syntheticCt';
import { sharedDicom, skipWithoutData } from './sharedData';

const PY = '/usr/bin/python3';
const hasNibabel = spawnSync(PY, ['-c', 'import nibabel, numpy'], { encoding: 'utf8' }).status === 0;

const SCRIPT = `
import sys, json, numpy as np, nibabel as nib
ours, ref = nib.load(sys.argv[1]), nib.load(sys.argv[2])
a, b = ours.get_fdata(), ref.get_fdata()
# map every reference voxel index to ours through world coordinates
m = np.linalg.inv(ours.affine) @ ref.affine
idx = np.indices(b.shape).reshape(3, -1)
mapped = (m[:3, :3] @ idx + m[:3, 3:4])
r = np.rint(mapped).astype(int)
print(json.dumps({
  "qform_code": int(ours.header["qform_code"]), "sform_code": int(ours.header["sform_code"]),
  "max_index_offset": float(np.abs(mapped - r).max()),
  "max_abs_diff": float(np.abs(a[r[0], r[1], r[2]] - b.reshape(-1)).max()),
  "qform_vs_sform": float(np.abs(ours.header.get_qform() - ours.header.get_sform()).max()),
}))
`;

test('nibabel reads our NIfTI of the Philips phantom as the same image as dcm2niix', { skip: skipWithoutData || (hasNibabel ? false : `${PY} with nibabel not available`) }, async () => {
  const dir = await makeTempDir('nib');
  try {
    const out = join(dir, 'philips.nii.gz');
    await writeNifti(out, await loadVolumeFromFolder(sharedDicom('philips-head-phantom')));
    const r = spawnSync(PY, ['-c', SCRIPT, out, sharedDicom('reference-nifti/philips_phantom_head_201.nii.gz')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const res = JSON.parse(r.stdout) as { qform_code: number; sform_code: number; max_index_offset: number; max_abs_diff: number; qform_vs_sform: number };
    process.stdout.write(`# nibabel: ${JSON.stringify(res)}\n`);
    assert.equal(res.qform_code, 1);
    assert.equal(res.sform_code, 1);
    assert.ok(res.max_index_offset < 1e-3);
    assert.equal(res.max_abs_diff, 0);
    assert.ok(res.qform_vs_sform < 1e-3);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
