/**
 * Reads a NIfTI-1 single file (.nii or .nii.gz; either byte order) into LPS geometry plus voxels.
 * Geometry comes from the sform when sform_code > 0, else the qform when qform_code > 0, else pixdim
 * alone (`prefer` can pick the other transform). scl_slope/scl_inter are applied when slope is finite
 * and non-zero and not the identity (the values then come back as Float32Array).
 *
 * Errors: NIFTI_INVALID naming the file (bad magic, unsupported datatype, short data), IO_ERROR.
 */
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { SdpmError } from '../errors';
import type { Vec3 } from './Volume';
import { quaternToAffine, rasAffineToGeometry } from './niftiAffine';
import type { Affine34, AffineGeometry } from './niftiAffine';

export interface NiftiImage extends AffineGeometry {
  voxels: Int16Array | Float32Array | Uint8Array;
  /** NIfTI datatype code as stored. */
  datatypeCode: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** The RAS affine the geometry was taken from (row-major 3x4), and which transform that was. */
  affineRas: Affine34;
  transform: 'sform' | 'qform' | 'pixdim';
  description: string;
}

export interface NiftiReadOptions {
  prefer?: 'sform' | 'qform';
}

function fail(filePath: string, what: string): never {
  throw new SdpmError('NIFTI_INVALID', `${filePath}: not a readable NIfTI-1 file (${what})`, { path: filePath });
}

export function decodeNifti(raw: Uint8Array, filePath: string, options: NiftiReadOptions = {}): NiftiImage {
  if (raw.byteLength < 348) fail(filePath, `only ${raw.byteLength} bytes`);
  const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let le = true;
  if (v.getInt32(0, true) !== 348) {
    if (v.getInt32(0, false) !== 348) fail(filePath, 'sizeof_hdr is not 348');
    le = false;
  }
  const magic = String.fromCharCode(raw[344] ?? 0, raw[345] ?? 0, raw[346] ?? 0);
  if (magic !== 'n+1') fail(filePath, `magic "${magic}" (only single-file n+1 is supported)`);
  const dim = Array.from({ length: 8 }, (_, k) => v.getInt16(40 + 2 * k, le));
  const ndim = dim[0] ?? 0;
  if (ndim < 1 || ndim > 7) fail(filePath, `dim[0] = ${ndim}`);
  const nx = dim[1] ?? 1;
  const ny = ndim >= 2 ? (dim[2] ?? 1) : 1;
  const nz = ndim >= 3 ? (dim[3] ?? 1) : 1;
  const extra = dim.slice(4, ndim + 1).reduce((a, b) => a * Math.max(1, b), 1);
  if (extra !== 1) fail(filePath, `${ndim}-D image with more than one volume; only 3-D is supported`);
  const datatypeCode = v.getInt16(70, le);
  const pixdim = Array.from({ length: 8 }, (_, k) => v.getFloat32(76 + 4 * k, le));
  const voxOffset = Math.round(v.getFloat32(108, le));
  const sclSlope = v.getFloat32(112, le);
  const sclInter = v.getFloat32(116, le);
  const qformCode = v.getInt16(252, le);
  const sformCode = v.getInt16(254, le);
  const n = nx * ny * nz;
  const sizes: Record<number, number> = { 2: 1, 4: 2, 8: 4, 16: 4, 64: 8, 256: 1, 512: 2, 768: 4 };
  const size = sizes[datatypeCode];
  if (size === undefined) fail(filePath, `datatype ${datatypeCode} is not supported`);
  if (voxOffset + n * size > raw.byteLength) fail(filePath, `data needs ${n * size} bytes after offset ${voxOffset}, file has ${raw.byteLength - voxOffset}`);
  const read = (i: number): number => {
    const o = voxOffset + i * size;
    switch (datatypeCode) {
      case 2: return v.getUint8(o);
      case 4: return v.getInt16(o, le);
      case 8: return v.getInt32(o, le);
      case 16: return v.getFloat32(o, le);
      case 64: return v.getFloat64(o, le);
      case 256: return v.getInt8(o);
      case 512: return v.getUint16(o, le);
      default: return v.getUint32(o, le);
    }
  };
  const scaled = Number.isFinite(sclSlope) && sclSlope !== 0 && !(sclSlope === 1 && sclInter === 0);
  let voxels: Int16Array | Float32Array | Uint8Array;
  if (!scaled && datatypeCode === 4) voxels = new Int16Array(n);
  else if (!scaled && datatypeCode === 2) voxels = new Uint8Array(n);
  else voxels = new Float32Array(n);
  const slope = scaled ? sclSlope : 1;
  const inter = scaled ? (Number.isFinite(sclInter) ? sclInter : 0) : 0;
  const aligned = (raw.byteOffset + voxOffset) % size === 0;
  if (le && aligned && !scaled && (datatypeCode === 4 || datatypeCode === 2)) {
    // Fast path (the common case): little-endian int16/uint8 copied as a typed array.
    voxels.set(datatypeCode === 4 ? new Int16Array(raw.buffer, raw.byteOffset + voxOffset, n) : raw.subarray(voxOffset, voxOffset + n));
  } else if (le && aligned && datatypeCode === 16) {
    const src = new Float32Array(raw.buffer, raw.byteOffset + voxOffset, n);
    for (let i = 0; i < n; i++) voxels[i] = (src[i] ?? 0) * slope + inter;
  } else for (let i = 0; i < n; i++) voxels[i] = read(i) * slope + inter;

  const spacing: Vec3 = [Math.abs(pixdim[1] ?? 1) || 1, Math.abs(pixdim[2] ?? 1) || 1, Math.abs(pixdim[3] ?? 1) || 1];
  const sform = (): Affine34 => Array.from({ length: 12 }, (_, k) => v.getFloat32(280 + 4 * k, le)) as unknown as Affine34;
  const qform = (): Affine34 =>
    quaternToAffine(
      { b: v.getFloat32(256, le), c: v.getFloat32(260, le), d: v.getFloat32(264, le), qfac: (pixdim[0] ?? 1) < 0 ? -1 : 1 },
      spacing,
      [v.getFloat32(268, le), v.getFloat32(272, le), v.getFloat32(276, le)],
    );
  let transform: NiftiImage['transform'];
  let affineRas: Affine34;
  const useQ = qformCode > 0 && (options.prefer === 'qform' || sformCode <= 0);
  if (useQ) {
    transform = 'qform';
    affineRas = qform();
  } else if (sformCode > 0) {
    transform = 'sform';
    affineRas = sform();
  } else {
    transform = 'pixdim';
    affineRas = [spacing[0], 0, 0, 0, 0, spacing[1], 0, 0, 0, 0, spacing[2], 0];
  }
  let description = '';
  for (let k = 148; k < 228 && (raw[k] ?? 0) !== 0; k++) description += String.fromCharCode(raw[k] ?? 32);
  return {
    ...rasAffineToGeometry(affineRas, [nx, ny, nz]),
    voxels,
    datatypeCode,
    sclSlope,
    sclInter,
    qformCode,
    sformCode,
    affineRas,
    transform,
    description,
  };
}

export async function readNifti(filePath: string, options: NiftiReadOptions = {}): Promise<NiftiImage> {
  let raw: Uint8Array;
  try {
    raw = await readFile(filePath);
  } catch (err) {
    throw new SdpmError('IO_ERROR', `${filePath}: cannot read (${err instanceof Error ? err.message : String(err)})`, { path: filePath, cause: err });
  }
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      raw = gunzipSync(raw);
    } catch (err) {
      throw new SdpmError('NIFTI_INVALID', `${filePath}: gzip data is corrupt (${err instanceof Error ? err.message : String(err)})`, { path: filePath, cause: err });
    }
  }
  return decodeNifti(raw, filePath, options);
}
