/**
 * Exports a probability or uncertainty map (float per voxel, on the Volume grid) as a NIfTI-1 float32
 * file (.nii or .nii.gz) with the Volume's geometry, through the loader's NIfTI writer, so any viewer
 * (ITK-SNAP, 3D Slicer, FSLeyes) overlays it on the CT converted the same way.
 */
import { SdpmError } from '../errors';
import type { VolumeGeometry } from '../dicom/Volume';
import { writeNifti } from '../dicom/niftiWrite';

export async function writeFloatMap(filePath: string, geometry: VolumeGeometry, values: Float32Array, description: string): Promise<void> {
  const n = geometry.dimensions[0] * geometry.dimensions[1] * geometry.dimensions[2];
  if (values.length !== n) throw new SdpmError('GEOMETRY_MISMATCH', `${filePath}: map has ${values.length} values, grid ${geometry.dimensions.join('x')} has ${n}`, { path: filePath });
  await writeNifti(filePath, { dimensions: geometry.dimensions, spacingMm: geometry.spacingMm, originLps: geometry.originLps, directionLps: geometry.directionLps, voxels: values }, { datatype: 'float32', description: description.slice(0, 79) });
}
