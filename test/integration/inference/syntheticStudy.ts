/** Small synthetic head-CT-like NIfTI studies for end-to-end inference tests (fast with the tiny bundle). */
import { writeNifti } from '../../../electron/core/dicom/niftiWrite';

/** nx×ny×nz int16 HU: air (-1024) outside an ellipse of brain (30 HU) with a bright 65 HU blob; slice 0 is all air. */
export async function writeSyntheticStudy(path: string, opts: { nx?: number; ny?: number; nz?: number; blobShift?: number } = {}): Promise<void> {
  const nx = opts.nx ?? 96;
  const ny = opts.ny ?? 80;
  const nz = opts.nz ?? 3;
  const vox = new Int16Array(nx * ny * nz).fill(-1024);
  for (let k = 1; k < nz; k++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const u = (i - nx / 2) / (nx * 0.42);
        const v = (j - ny / 2) / (ny * 0.45);
        if (u * u + v * v < 1) vox[k * nx * ny + j * nx + i] = Math.hypot(i - nx * 0.6 - (opts.blobShift ?? 0), j - ny * 0.45) < nx * 0.09 ? 65 : 30 + ((i * 7 + j * 3) % 5);
      }
    }
  }
  await writeNifti(path, { dimensions: [nx, ny, nz], spacingMm: [0.9, 0.9, 5], originLps: [-40, -30, 10], directionLps: [1, 0, 0, 0, 1, 0, 0, 0, 1], voxels: vox });
}
