/**
 * NIfTI-1 geometry: between the LPS Volume geometry and the RAS affine a NIfTI header stores
 * (NIfTI world = RAS: x = -L, y = -P, z = S, so the first two rows flip sign), plus the quaternion
 * encoding of qform (nifti1_io.c nifti_mat44_to_quatern / nifti_quatern_to_mat44).
 * Voxel order is the same in both: i fastest, then j, then k; no data is flipped.
 */
import type { Mat3, Vec3, VolumeGeometry } from './Volume';

/** Row-major 3x4 affine [R | t]: world = R * ijk + t. */
export type Affine34 = readonly [number, number, number, number, number, number, number, number, number, number, number, number];

export function geometryToRasAffine(g: VolumeGeometry): Affine34 {
  const d = g.directionLps;
  const [sx, sy, sz] = g.spacingMm;
  const o = g.originLps;
  // LPS column-major direction -> RAS row-major with spacing; flip rows 0 and 1.
  return [
    -d[0] * sx, -d[3] * sy, -d[6] * sz, -o[0],
    -d[1] * sx, -d[4] * sy, -d[7] * sz, -o[1],
    d[2] * sx, d[5] * sy, d[8] * sz, o[2],
  ];
}

export interface AffineGeometry extends VolumeGeometry {
  /** True when the affine's columns are orthogonal (otherwise directionLps is only the normalised columns). */
  orthogonal: boolean;
}

export function rasAffineToGeometry(a: Affine34, dimensions: Vec3): AffineGeometry {
  const col = (c: number): Vec3 => [-(a[c] ?? 0), -(a[4 + c] ?? 0), a[8 + c] ?? 0];
  const cols = [col(0), col(1), col(2)];
  const spacing = cols.map((v) => Math.hypot(v[0], v[1], v[2])) as unknown as Vec3;
  const unit = cols.map((v, k) => {
    const s = spacing[k] || 1;
    return [v[0] / s, v[1] / s, v[2] / s] as Vec3;
  });
  const [u0, u1, u2] = unit as [Vec3, Vec3, Vec3];
  const dot = (p: Vec3, q: Vec3): number => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
  const orthogonal = Math.abs(dot(u0, u1)) < 1e-4 && Math.abs(dot(u0, u2)) < 1e-4 && Math.abs(dot(u1, u2)) < 1e-4;
  const directionLps: Mat3 = [u0[0], u0[1], u0[2], u1[0], u1[1], u1[2], u2[0], u2[1], u2[2]];
  return { dimensions, spacingMm: spacing, originLps: [-a[3], -a[7], a[11]], directionLps, orthogonal };
}

export interface Quatern {
  b: number;
  c: number;
  d: number;
  qfac: 1 | -1;
}

/** Quaternion (b, c, d) and qfac of the rotation part of an orthogonal affine with positive spacings. */
export function rotationToQuatern(a: Affine34, spacing: Vec3): Quatern {
  const r11 = a[0] / spacing[0], r12 = a[1] / spacing[1];
  let r13 = a[2] / spacing[2];
  const r21 = a[4] / spacing[0], r22 = a[5] / spacing[1];
  let r23 = a[6] / spacing[2];
  const r31 = a[8] / spacing[0], r32 = a[9] / spacing[1];
  let r33 = a[10] / spacing[2];
  const det = r11 * (r22 * r33 - r32 * r23) - r12 * (r21 * r33 - r31 * r23) + r13 * (r21 * r32 - r31 * r22);
  let qfac: 1 | -1 = 1;
  if (det < 0) {
    qfac = -1;
    r13 = -r13;
    r23 = -r23;
    r33 = -r33;
  }
  let qa = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (qa > 0.5) {
    qa = 0.5 * Math.sqrt(qa);
    b = (0.25 * (r32 - r23)) / qa;
    c = (0.25 * (r13 - r31)) / qa;
    d = (0.25 * (r21 - r12)) / qa;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      qa = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      qa = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      qa = (0.25 * (r21 - r12)) / d;
    }
    if (qa < 0) {
      b = -b;
      c = -c;
      d = -d;
    }
  }
  return { b, c, d, qfac };
}

export function quaternToAffine(q: Quatern, spacing: Vec3, offset: Vec3): Affine34 {
  const { b, c, d } = q;
  const a = Math.sqrt(Math.max(0, 1 - (b * b + c * c + d * d)));
  const zs = q.qfac < 0 ? -spacing[2] : spacing[2];
  return [
    (a * a + b * b - c * c - d * d) * spacing[0], 2 * (b * c - a * d) * spacing[1], 2 * (b * d + a * c) * zs, offset[0],
    2 * (b * c + a * d) * spacing[0], (a * a + c * c - b * b - d * d) * spacing[1], 2 * (c * d - a * b) * zs, offset[1],
    2 * (b * d - a * c) * spacing[0], 2 * (c * d + a * b) * spacing[1], (a * a + d * d - c * c - b * b) * zs, offset[2],
  ];
}
