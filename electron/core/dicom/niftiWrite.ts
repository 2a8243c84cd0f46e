/**
 * Writes a NIfTI-1 single file (.nii, or .nii.gz through node:zlib) from a Volume-like image.
 * qform and sform both hold the RAS affine of the LPS geometry (qform_code = sform_code = 1, scanner),
 * units mm. Datatypes: int16, float32, uint8. Float volumes written as int16 are rounded; when their
 * range exceeds int16, scl_slope/scl_inter are set so that value = stored * slope + inter.
 */
import { writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { SdpmError } from '../errors';
import type { VolumeGeometry } from './Volume';
import { geometryToRasAffine, rotationToQuatern } from './niftiAffine';

export type NiftiDatatype = 'int16' | 'float32' | 'uint8';

export interface NiftiImageData extends VolumeGeometry {
  voxels: Int16Array | Float32Array | Uint8Array;
}

export interface NiftiWriteOptions {
  /** Stored type; default follows the voxel array (Int16Array -> int16, Float32Array -> float32, Uint8Array -> uint8). */
  datatype?: NiftiDatatype;
  /** Up to 79 ASCII characters. */
  description?: string;
  /** gzip level for .nii.gz (default 6). */
  gzipLevel?: number;
}

const CODES: Record<NiftiDatatype, { code: number; bitpix: number }> = {
  uint8: { code: 2, bitpix: 8 },
  int16: { code: 4, bitpix: 16 },
  float32: { code: 16, bitpix: 32 },
};
const HEADER_BYTES = 348;
const VOX_OFFSET = 352;

function range(voxels: NiftiImageData['voxels']): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  // one monomorphic loop per array type keeps this fast on 10^7 voxels
  if (voxels instanceof Float32Array) {
    for (let i = 0; i < voxels.length; i++) {
      const v = voxels[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else if (voxels instanceof Int16Array) {
    for (let i = 0; i < voxels.length; i++) {
      const v = voxels[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  } else {
    for (let i = 0; i < voxels.length; i++) {
      const v = voxels[i] as number;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return voxels.length === 0 ? [0, 0] : [min, max];
}

/** Rounds into int16 when every value fits (returns false as soon as one does not). */
function roundIntoInt16(src: Float32Array, out: Int16Array): boolean {
  for (let i = 0; i < src.length; i++) {
    const q = Math.round(src[i] as number);
    if (q < -32768 || q > 32767 || Number.isNaN(q)) return false;
    out[i] = q;
  }
  return true;
}

function quantize(src: Float32Array, out: Int16Array | Uint8Array, lo: number, hi: number, slope: number, inter: number): void {
  for (let i = 0; i < src.length; i++) {
    const q = Math.round(((src[i] as number) - inter) / slope);
    out[i] = q < lo ? lo : q > hi ? hi : q;
  }
}

function encodeData(voxels: NiftiImageData['voxels'], datatype: NiftiDatatype): { bytes: Uint8Array; slope: number; inter: number } {
  const n = voxels.length;
  const asBytes = (a: Int16Array | Uint8Array | Float32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  if (datatype === 'float32') return { bytes: asBytes(voxels instanceof Float32Array ? voxels : Float32Array.from(voxels)), slope: 1, inter: 0 };
  const isInt = datatype === 'int16';
  if (isInt && voxels instanceof Int16Array) return { bytes: asBytes(voxels), slope: 1, inter: 0 };
  if (!isInt && voxels instanceof Uint8Array) return { bytes: asBytes(voxels), slope: 1, inter: 0 };
  const src = voxels instanceof Float32Array ? voxels : Float32Array.from(voxels);
  if (isInt) {
    const out = new Int16Array(n);
    if (roundIntoInt16(src, out)) return { bytes: asBytes(out), slope: 1, inter: 0 };
  }
  const lo = isInt ? -32768 : 0;
  const hi = isInt ? 32767 : 255;
  const [min, max] = range(src);
  let slope = 1;
  let inter = 0;
  if (min < lo || max > hi) {
    slope = (max - min) / (hi - lo) || 1;
    inter = min - lo * slope;
  }
  const out = isInt ? new Int16Array(n) : new Uint8Array(n);
  quantize(src, out, lo, hi, slope, inter);
  return { bytes: asBytes(out), slope, inter };
}

/** Builds the .nii bytes (header, 4-byte empty extension flag, data). */
export function encodeNifti(image: NiftiImageData, options: NiftiWriteOptions = {}): Uint8Array {
  const [nx, ny, nz] = image.dimensions;
  if (image.voxels.length !== nx * ny * nz) throw new SdpmError('INVALID_ARGUMENT', `NIfTI write: ${image.voxels.length} voxels for dimensions ${nx}x${ny}x${nz}`);
  const datatype: NiftiDatatype = options.datatype ?? (image.voxels instanceof Int16Array ? 'int16' : image.voxels instanceof Uint8Array ? 'uint8' : 'float32');
  const { bytes, slope, inter } = encodeData(image.voxels, datatype);
  const out = new Uint8Array(VOX_OFFSET + bytes.byteLength);
  const v = new DataView(out.buffer);
  const le = true;
  v.setInt32(0, HEADER_BYTES, le);
  out[38] = 'r'.charCodeAt(0);
  const dims = [3, nx, ny, nz, 1, 1, 1, 1];
  dims.forEach((d, k) => v.setInt16(40 + 2 * k, d, le));
  v.setInt16(70, CODES[datatype].code, le);
  v.setInt16(72, CODES[datatype].bitpix, le);
  const affine = geometryToRasAffine(image);
  const q = rotationToQuatern(affine, image.spacingMm);
  const pixdim = [q.qfac, image.spacingMm[0], image.spacingMm[1], image.spacingMm[2], 0, 0, 0, 0];
  pixdim.forEach((p, k) => v.setFloat32(76 + 4 * k, p, le));
  v.setFloat32(108, VOX_OFFSET, le);
  v.setFloat32(112, slope, le);
  v.setFloat32(116, inter, le);
  out[123] = 2; // NIFTI_UNITS_MM
  const descrip = (options.description ?? 'sdpm').replace(/[^\x20-\x7e]/g, '?').slice(0, 79);
  for (let k = 0; k < descrip.length; k++) out[148 + k] = descrip.charCodeAt(k);
  v.setInt16(252, 1, le); // qform_code NIFTI_XFORM_SCANNER_ANAT
  v.setInt16(254, 1, le); // sform_code
  v.setFloat32(256, q.b, le);
  v.setFloat32(260, q.c, le);
  v.setFloat32(264, q.d, le);
  v.setFloat32(268, affine[3], le);
  v.setFloat32(272, affine[7], le);
  v.setFloat32(276, affine[11], le);
  affine.forEach((x, k) => v.setFloat32(280 + 4 * k, x, le));
  out.set([0x6e, 0x2b, 0x31, 0x00], 344); // "n+1\0"
  out.set(bytes, VOX_OFFSET);
  return out;
}

export async function writeNifti(filePath: string, image: NiftiImageData, options: NiftiWriteOptions = {}): Promise<void> {
  const raw = encodeNifti(image, options);
  const data = filePath.endsWith('.gz') ? gzipSync(raw, { level: options.gzipLevel ?? 6 }) : raw;
  try {
    await writeFile(filePath, data);
  } catch (err) {
    throw new SdpmError('IO_ERROR', `${filePath}: cannot write NIfTI (${err instanceof Error ? err.message : String(err)})`, { path: filePath, cause: err });
  }
}
