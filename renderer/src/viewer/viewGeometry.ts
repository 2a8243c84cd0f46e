/**
 * View geometry the reader sees in numbers: the slice position with the DICOM sign, and the camera that
 * makes the head fill a view.
 */
type Vec = readonly number[];

const dot = (a: Vec, b: Vec) => (a[0] ?? 0) * (b[0] ?? 0) + (a[1] ?? 0) * (b[1] ?? 0) + (a[2] ?? 0) * (b[2] ?? 0);
const cross = (a: Vec, b: Vec): [number, number, number] => [
  (a[1] ?? 0) * (b[2] ?? 0) - (a[2] ?? 0) * (b[1] ?? 0),
  (a[2] ?? 0) * (b[0] ?? 0) - (a[0] ?? 0) * (b[2] ?? 0),
  (a[0] ?? 0) * (b[1] ?? 0) - (a[1] ?? 0) * (b[0] ?? 0),
];

/**
 * Position (mm) of the slice through `focalLps` along the volume axis the view cuts, with the sign DICOM
 * uses: for the acquired (axial) plane the slice normal is row x column of ImageOrientationPatient, so the
 * value equals ImagePositionPatient . normal of that slice (the vertex of a head CT is positive). For the
 * other two views: along the row direction (i) and the column direction (j). The camera's own normal points
 * towards the viewer and would flip the sign on some views; it is used only to pick the axis.
 */
export function dicomSlicePositionMm(focalLps: Vec, viewPlaneNormal: Vec, directionLps: Vec): number {
  const di = directionLps.slice(0, 3);
  const dj = directionLps.slice(3, 6);
  const dk = cross(di, dj);
  const axes = [di, dj, dk];
  const fit = axes.map((a) => Math.abs(dot(a, viewPlaneNormal)));
  const axis = axes[fit.indexOf(Math.max(...fit))]!;
  return dot(focalLps, axis);
}

export interface FitCamera {
  focalPoint: [number, number, number];
  position: [number, number, number];
  parallelScale: number;
}

/**
 * Camera that centres the given world box (its 8 corners) in the view plane and fits it, keeping the
 * slice (the component of the focal point along the view normal) where it is.
 */
export function headFit(
  corners: ReadonlyArray<readonly [number, number, number]>,
  camera: { focalPoint: Vec; position: Vec; viewUp: Vec; viewPlaneNormal: Vec },
  aspect: number,
  margin = 1.06,
): FitCamera {
  const up = camera.viewUp;
  const right = cross(up, camera.viewPlaneNormal);
  const us = corners.map((c) => dot(c, up));
  const rs = corners.map((c) => dot(c, right));
  const cu = (Math.min(...us) + Math.max(...us)) / 2;
  const cr = (Math.min(...rs) + Math.max(...rs)) / 2;
  const halfU = (Math.max(...us) - Math.min(...us)) / 2;
  const halfR = (Math.max(...rs) - Math.min(...rs)) / 2;
  const f = camera.focalPoint;
  const du = cu - dot(f, up);
  const dr = cr - dot(f, right);
  const shift = [0, 1, 2].map((a) => du * (up[a] ?? 0) + dr * (right[a] ?? 0));
  const p = camera.position;
  return {
    focalPoint: [(f[0] ?? 0) + shift[0]!, (f[1] ?? 0) + shift[1]!, (f[2] ?? 0) + shift[2]!],
    position: [(p[0] ?? 0) + shift[0]!, (p[1] ?? 0) + shift[1]!, (p[2] ?? 0) + shift[2]!],
    parallelScale: Math.max(halfU, halfR / Math.max(1e-6, aspect)) * margin,
  };
}

/** Index bounding box of voxels above `minHu` (the head, not the air around it), sampled every `step` voxels. */
export function headBoxIjk(voxels: ArrayLike<number>, dims: readonly [number, number, number], minHu = -300, step = 2): { min: [number, number, number]; max: [number, number, number] } | null {
  const [nx, ny, nz] = dims;
  const min: [number, number, number] = [nx, ny, nz];
  const max: [number, number, number] = [-1, -1, -1];
  for (let k = 0; k < nz; k += step) {
    for (let j = 0; j < ny; j += step) {
      const row = nx * (j + ny * k);
      for (let i = 0; i < nx; i += step) {
        if (voxels[row + i]! <= minHu) continue;
        if (i < min[0]) min[0] = i;
        if (j < min[1]) min[1] = j;
        if (k < min[2]) min[2] = k;
        if (i > max[0]) max[0] = i;
        if (j > max[1]) max[1] = j;
        if (k > max[2]) max[2] = k;
      }
    }
  }
  return max[0] < 0 ? null : { min, max };
}
