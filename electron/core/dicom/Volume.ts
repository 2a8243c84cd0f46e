/**
 * The one volume type every part of the product uses (loader, NIfTI, inference, volumetry, SEG, viewer).
 *
 * Conventions (fixed; do not change without changing every consumer):
 * - Voxel index (i, j, k): i = column (fastest), j = row, k = slice. Flat index = i + nx*(j + ny*k).
 * - World frame is DICOM patient LPS, in millimetres.
 * - `directionLps` holds the unit vectors of the i, j and k axes as three columns, stored column-major:
 *   [iL, iP, iS, jL, jP, jS, kL, kP, kS]. world = originLps + D * diag(spacingMm) * ijk.
 * - `originLps` is the centre of voxel (0,0,0).
 * - `voxels` are Hounsfield units (RescaleSlope/Intercept applied, PixelPaddingValue mapped to
 *   `paddingHu`). Int16Array when every value is an integer that fits, Float32Array otherwise
 *   (for example after tilt correction by interpolation).
 */
export type Vec3 = readonly [number, number, number];
/** 3x3 matrix, column-major. */
export type Mat3 = readonly [number, number, number, number, number, number, number, number, number];

export interface VolumeGeometry {
  /** [nx, ny, nz] = [columns, rows, slices]. */
  dimensions: Vec3;
  /** Voxel size along i, j, k in mm. Along k it is measured from slice positions, never SliceThickness. */
  spacingMm: Vec3;
  /** LPS position (mm) of the centre of voxel (0,0,0). */
  originLps: Vec3;
  /** Axis unit vectors, column-major (see file comment). */
  directionLps: Mat3;
}

/** One source DICOM slice, in the order the loader sorted them (by position along the slice normal). */
export interface SourceSlice {
  sopInstanceUid: string;
  sopClassUid: string;
  /** ImagePositionPatient of this source slice (LPS, mm). */
  positionLps: Vec3;
  /** Signed distance of the slice along the slice normal (mm). */
  normalPositionMm: number;
  instanceNumber: number | null;
  filePath: string;
}

/** Geometry of the source slices as acquired (before any tilt correction or gap resampling). */
export interface SourceGeometry {
  /** ImageOrientationPatient: row cosine then column cosine (LPS). */
  imageOrientationPatient: readonly [number, number, number, number, number, number];
  /** PixelSpacing as [row spacing (between rows, along j), column spacing (between columns, along i)] in mm. */
  pixelSpacingMm: readonly [number, number];
  rows: number;
  columns: number;
  slices: readonly SourceSlice[];
}

/** What the loader did to turn the source slices into this regular grid. Shown to readers and recorded in reports. */
export interface VolumeCorrections {
  /** Gantry/detector tilt in degrees, measured from the geometry (0 when none). */
  gantryTiltDeg: number;
  /** True when the volume was resampled onto an orthogonal grid to undo the tilt. */
  tiltCorrected: boolean;
  /** True when irregular slice gaps were resampled onto an equidistant grid. */
  resampledToEquidistant: boolean;
  /** Distinct slice gaps found (mm), rounded to 0.01 mm. One entry for a regular series. */
  sliceGapsMm: readonly number[];
  /** Human-readable notes, one per correction or problem. */
  notes: readonly string[];
}

export interface StudyIdentity {
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyInstanceUid: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  seriesInstanceUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  modality: string;
  frameOfReferenceUid: string;
  manufacturer: string;
}

export interface Volume extends VolumeGeometry {
  voxels: Int16Array | Float32Array;
  /** HU value used where there is no data (padding, outside the field after resampling). */
  paddingHu: number;
  identity: StudyIdentity;
  source: SourceGeometry;
  corrections: VolumeCorrections;
}

export function voxelCount(g: Pick<VolumeGeometry, 'dimensions'>): number {
  return g.dimensions[0] * g.dimensions[1] * g.dimensions[2];
}

/** World LPS (mm) of a continuous voxel index. */
export function ijkToLps(g: VolumeGeometry, i: number, j: number, k: number): [number, number, number] {
  const d = g.directionLps;
  const [sx, sy, sz] = g.spacingMm;
  const a = i * sx;
  const b = j * sy;
  const c = k * sz;
  return [
    g.originLps[0] + d[0] * a + d[3] * b + d[6] * c,
    g.originLps[1] + d[1] * a + d[4] * b + d[7] * c,
    g.originLps[2] + d[2] * a + d[5] * b + d[8] * c,
  ];
}

/** Continuous voxel index of a world LPS point. Assumes orthonormal direction columns. */
export function lpsToIjk(g: VolumeGeometry, p: Vec3): [number, number, number] {
  const d = g.directionLps;
  const x = p[0] - g.originLps[0];
  const y = p[1] - g.originLps[1];
  const z = p[2] - g.originLps[2];
  return [
    (d[0] * x + d[1] * y + d[2] * z) / g.spacingMm[0],
    (d[3] * x + d[4] * y + d[5] * z) / g.spacingMm[1],
    (d[6] * x + d[7] * y + d[8] * z) / g.spacingMm[2],
  ];
}
