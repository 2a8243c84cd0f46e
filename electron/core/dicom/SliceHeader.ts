/**
 * The attributes of one DICOM image file the loader needs, read from its header only (no pixel data).
 * Plain data (JSON-serialisable) so discovery results can cross process boundaries.
 */
import type { DataSet } from 'dicom-parser';
import type { Vec3 } from './Volume';
import { PIXEL_DATA_TAG } from './parseDicomFile';

export type Orientation6 = readonly [number, number, number, number, number, number];

export interface SliceHeader {
  filePath: string;
  fileSizeBytes: number;
  transferSyntaxUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  seriesNumber: number | null;
  seriesDescription: string;
  modality: string;
  manufacturer: string;
  /** ImageType values, upper case, e.g. ['ORIGINAL', 'PRIMARY', 'AXIAL']. */
  imageType: readonly string[];
  instanceNumber: number | null;
  acquisitionNumber: number | null;
  imagePositionPatient: Vec3 | null;
  imageOrientationPatient: Orientation6 | null;
  /** PixelSpacing [between rows, between columns] (mm). */
  pixelSpacingMm: readonly [number, number] | null;
  sliceThicknessMm: number | null;
  /** GantryDetectorTilt (0018,1120) as written; informative only, the loader measures tilt from geometry. */
  gantryDetectorTiltDeg: number | null;
  rows: number;
  columns: number;
  numberOfFrames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  bitsStored: number;
  pixelRepresentation: 0 | 1;
  photometricInterpretation: string;
  rescaleSlope: number;
  rescaleIntercept: number;
  /** PixelPaddingValue (0028,0120) and PixelPaddingRangeLimit (0028,0121), in stored-value units. */
  pixelPaddingValue: number | null;
  pixelPaddingRangeLimit: number | null;
  frameOfReferenceUid: string;
  patientName: string;
  patientId: string;
  patientBirthDate: string;
  patientSex: string;
  studyDate: string;
  studyTime: string;
  studyDescription: string;
  accessionNumber: string;
  /** Byte offset and declared length of PixelData; length -1 when undefined (encapsulated). null when absent. */
  pixelDataOffset: number | null;
  pixelDataLength: number | null;
}

function str(ds: DataSet, tag: string): string {
  return (ds.string(tag) ?? '').trim();
}

function num(ds: DataSet, tag: string, index = 0): number | null {
  const v = ds.floatString(tag, index);
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function int(ds: DataSet, tag: string): number | null {
  const v = ds.intString(tag);
  return v === undefined || !Number.isFinite(v) ? null : v;
}

function us(ds: DataSet, tag: string, fallback: number): number {
  const el = ds.elements[tag];
  if (el === undefined || el.length < 2) return fallback;
  return ds.uint16(tag) ?? fallback;
}

/** US or SS value whose signedness follows PixelRepresentation (PS3.3 C.7.5.1.1.2). */
function pixelValued(ds: DataSet, tag: string, signed: boolean): number | null {
  const el = ds.elements[tag];
  if (el === undefined || el.length < 2) return null;
  const v = signed ? ds.int16(tag) : ds.uint16(tag);
  return v === undefined ? null : v;
}

function vec(ds: DataSet, tag: string, n: number): number[] | null {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const v = num(ds, tag, k);
    if (v === null) return null;
    out.push(v);
  }
  return out;
}

export function readSliceHeader(ds: DataSet, filePath: string, fileSizeBytes: number): SliceHeader {
  const pixelRepresentation = us(ds, 'x00280103', 0) === 1 ? 1 : 0;
  const ipp = vec(ds, 'x00200032', 3);
  const iop = vec(ds, 'x00200037', 6);
  const ps = vec(ds, 'x00280030', 2);
  const pixel = ds.elements[PIXEL_DATA_TAG];
  const slope = num(ds, 'x00281053');
  return {
    filePath,
    fileSizeBytes,
    transferSyntaxUid: str(ds, 'x00020010') || '1.2.840.10008.1.2',
    sopClassUid: str(ds, 'x00080016') || str(ds, 'x00020002'),
    sopInstanceUid: str(ds, 'x00080018') || str(ds, 'x00020003'),
    studyInstanceUid: str(ds, 'x0020000d'),
    seriesInstanceUid: str(ds, 'x0020000e'),
    seriesNumber: int(ds, 'x00200011'),
    seriesDescription: str(ds, 'x0008103e'),
    modality: str(ds, 'x00080060').toUpperCase(),
    manufacturer: str(ds, 'x00080070'),
    imageType: str(ds, 'x00080008')
      .split('\\')
      .map((s) => s.trim().toUpperCase())
      .filter((s) => s.length > 0),
    instanceNumber: int(ds, 'x00200013'),
    acquisitionNumber: int(ds, 'x00200012'),
    imagePositionPatient: ipp === null ? null : [ipp[0] ?? 0, ipp[1] ?? 0, ipp[2] ?? 0],
    imageOrientationPatient: iop === null ? null : [iop[0] ?? 0, iop[1] ?? 0, iop[2] ?? 0, iop[3] ?? 0, iop[4] ?? 0, iop[5] ?? 0],
    pixelSpacingMm: ps === null ? null : [ps[0] ?? 0, ps[1] ?? 0],
    sliceThicknessMm: num(ds, 'x00180050'),
    gantryDetectorTiltDeg: num(ds, 'x00181120'),
    rows: us(ds, 'x00280010', 0),
    columns: us(ds, 'x00280011', 0),
    numberOfFrames: int(ds, 'x00280008') ?? 1,
    samplesPerPixel: us(ds, 'x00280002', 1),
    bitsAllocated: us(ds, 'x00280100', 16),
    bitsStored: us(ds, 'x00280101', 16),
    pixelRepresentation,
    photometricInterpretation: str(ds, 'x00280004').toUpperCase(),
    rescaleSlope: slope === null || slope === 0 ? 1 : slope,
    rescaleIntercept: num(ds, 'x00281052') ?? 0,
    pixelPaddingValue: pixelValued(ds, 'x00280120', pixelRepresentation === 1),
    pixelPaddingRangeLimit: pixelValued(ds, 'x00280121', pixelRepresentation === 1),
    frameOfReferenceUid: str(ds, 'x00200052'),
    patientName: str(ds, 'x00100010'),
    patientId: str(ds, 'x00100020'),
    patientBirthDate: str(ds, 'x00100030'),
    patientSex: str(ds, 'x00100040'),
    studyDate: str(ds, 'x00080020'),
    studyTime: str(ds, 'x00080030'),
    studyDescription: str(ds, 'x00081030'),
    accessionNumber: str(ds, 'x00080050'),
    pixelDataOffset: pixel === undefined ? null : pixel.dataOffset,
    pixelDataLength: pixel === undefined ? null : pixel.hadUndefinedLength === true || pixel.length === 0xffffffff ? -1 : pixel.length,
  };
}
