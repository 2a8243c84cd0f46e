/**
 * DICOM Segmentation reader: BINARY, FRACTIONAL and LABELMAP SEG objects of a cross-sectional series,
 * mapped onto the referenced series' source slices.
 *
 * - Frames are placed BY POSITION: the frame's ImagePositionPatient (per-frame or shared
 *   PlanePositionSequence) is projected onto the slice normal and matched to the nearest source slice
 *   (tolerance min(0.1 mm, ¼ of the smallest gap), at least 0.01 mm); its in-plane offset from that
 *   slice's origin must be a whole number of pixels (cropped frames are placed at their offset). Only
 *   when a frame has no position is it placed by its DerivationImageSequence ReferencedSOPInstanceUID.
 *   Frame order never matters.
 * - One mask per segment (segment number ≥ 1), so overlapping segments stay separate. LABELMAP pixel
 *   values are segment numbers (0 and PixelPaddingValue are background; a "Background" segment 0 is
 *   skipped). FRACTIONAL values are thresholded at ≥ 0.5 × MaximumFractionalValue, and a note says so.
 * - Refused with a clear message: not a SEG (SEG_INVALID), slide-microscopy / tiled SEGs, compressed
 *   transfer syntaxes and frames in another orientation or pixel spacing (SEG_UNSUPPORTED /
 *   GEOMETRY_MISMATCH), a SEG whose source series is not the one given (SEG_NO_REFERENCE).
 * Masks are frame-major on the source slices (see sourceSliceMask.ts to move them to a Volume grid).
 */
import { SdpmError } from '../errors';
import type { Vec3 } from '../dicom/Volume';
import { unpackFrame } from './bitPacking';
import type { ReferencedSeries } from './referencedSeries';
import { SEG_SOP_CLASS_BINARY, SEG_SOP_CLASS_LABELMAP } from './segDataset';
import { groupItem, num, nums, parseDicom, pixelBytes, seq, str, type Dataset } from './segParse';

export type SegmentationType = 'BINARY' | 'FRACTIONAL' | 'LABELMAP';

export interface SegSegmentInfo {
  number: number;
  label: string;
  description: string;
  algorithmType: string;
  algorithmName: string;
  category: { value: string; scheme: string; meaning: string } | null;
  type: { value: string; scheme: string; meaning: string } | null;
}

export interface SegHeader {
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  studyInstanceUid: string;
  segmentationType: SegmentationType;
  referencedSeriesUids: string[];
  frameOfReferenceUid: string;
  rows: number;
  columns: number;
  numberOfFrames: number;
  contentCreatorName: string;
  segments: SegSegmentInfo[];
}

export interface ReadSegResult extends SegHeader {
  /** masks[s] belongs to segments[s]; frame-major on reference.source.slices. */
  masks: Uint8Array[];
  /** Source slice index each SEG frame was placed on. */
  frameSlices: number[];
  notes: string[];
}

const NATIVE_TS = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.2']);

function code(ds: Dataset, key: string): SegSegmentInfo['category'] {
  const item = seq(ds, key)[0];
  return item === undefined ? null : { value: str(item, 'CodeValue'), scheme: str(item, 'CodingSchemeDesignator'), meaning: str(item, 'CodeMeaning') };
}

function headerOf(ds: Dataset, filePath: string): SegHeader {
  const sopClassUid = str(ds, 'SOPClassUID');
  if (str(ds, 'Modality') !== 'SEG' || (sopClassUid !== SEG_SOP_CLASS_BINARY && sopClassUid !== SEG_SOP_CLASS_LABELMAP)) {
    throw new SdpmError('SEG_INVALID', `${filePath}: not a DICOM Segmentation (SOP Class ${sopClassUid || 'missing'}, Modality ${str(ds, 'Modality') || 'missing'})`, { path: filePath });
  }
  refuseSlide(ds, filePath);
  const t = str(ds, 'SegmentationType');
  if (t !== 'BINARY' && t !== 'FRACTIONAL' && t !== 'LABELMAP') {
    throw new SdpmError('SEG_UNSUPPORTED', `${filePath}: SegmentationType '${t}' is not supported (BINARY, FRACTIONAL, LABELMAP)`, { path: filePath });
  }
  return {
    sopClassUid,
    sopInstanceUid: str(ds, 'SOPInstanceUID'),
    seriesInstanceUid: str(ds, 'SeriesInstanceUID'),
    studyInstanceUid: str(ds, 'StudyInstanceUID'),
    segmentationType: t,
    referencedSeriesUids: seq(ds, 'ReferencedSeriesSequence').map((s) => str(s, 'SeriesInstanceUID')),
    frameOfReferenceUid: str(ds, 'FrameOfReferenceUID'),
    rows: num(ds, 'Rows') ?? 0,
    columns: num(ds, 'Columns') ?? 0,
    numberOfFrames: num(ds, 'NumberOfFrames') ?? 1,
    contentCreatorName: str(ds, 'ContentCreatorName'),
    segments: seq(ds, 'SegmentSequence').map((s) => ({
      number: num(s, 'SegmentNumber') ?? -1,
      label: str(s, 'SegmentLabel'),
      description: str(s, 'SegmentDescription'),
      algorithmType: str(s, 'SegmentAlgorithmType'),
      algorithmName: str(s, 'SegmentAlgorithmName'),
      category: code(s, 'SegmentedPropertyCategoryCodeSequence'),
      type: code(s, 'SegmentedPropertyTypeCodeSequence'),
    })),
  };
}

/** Reads only what is needed to find the source series (no pixel decoding). */
export function readSegHeader(bytes: Uint8Array, filePath = '<memory>'): SegHeader {
  return headerOf(parseDicom(bytes, filePath).dataset, filePath);
}

function refuseSlide(ds: Dataset, filePath: string): void {
  const dimType = str(ds, 'DimensionOrganizationType');
  const perFrame0 = seq(ds, 'PerFrameFunctionalGroupsSequence')[0];
  const shared = seq(ds, 'SharedFunctionalGroupsSequence')[0];
  const slide =
    dimType.startsWith('TILED') ||
    ds.TotalPixelMatrixRows !== undefined ||
    ds.ImageOrientationSlide !== undefined ||
    groupItem(perFrame0, shared, 'PlanePositionSlideSequence') !== undefined;
  if (slide) {
    throw new SdpmError('SEG_UNSUPPORTED', `${filePath}: a slide-microscopy segmentation (tiled total pixel matrix in slide coordinates${dimType !== '' ? `, ${dimType}` : ''}) is not supported; this product reads SEGs of CT/MR series`, { path: filePath });
  }
}

export function readSeg(bytes: Uint8Array, reference: ReferencedSeries, options: { filePath?: string } = {}): ReadSegResult {
  const filePath = options.filePath ?? '<memory>';
  const { dataset: ds, transferSyntaxUid } = parseDicom(bytes, filePath);
  const header = headerOf(ds, filePath);
  if (!NATIVE_TS.has(transferSyntaxUid)) {
    throw new SdpmError('SEG_UNSUPPORTED', `${filePath}: SEG pixel data in transfer syntax ${transferSyntaxUid} (compressed) is not supported; only native (uncompressed) SEG frames are read`, { path: filePath });
  }
  const notes: string[] = [];
  const src = reference.source;
  const sopToSlice = new Map(src.slices.map((s, i) => [s.sopInstanceUid, i]));
  const perFrame = seq(ds, 'PerFrameFunctionalGroupsSequence');
  const shared = seq(ds, 'SharedFunctionalGroupsSequence')[0];
  const nFrames = header.numberOfFrames;
  const referencesSeries = header.referencedSeriesUids.includes(reference.seriesInstanceUid);
  const frameSops = Array.from({ length: nFrames }, (_, f) => {
    const d = groupItem(perFrame[f], shared, 'DerivationImageSequence');
    const s = d !== undefined ? seq(d, 'SourceImageSequence')[0] : undefined;
    return s !== undefined ? str(s, 'ReferencedSOPInstanceUID') : '';
  });
  if (!referencesSeries && !frameSops.some((u) => sopToSlice.has(u))) {
    throw new SdpmError('SEG_NO_REFERENCE', `${filePath}: the SEG refers to series ${header.referencedSeriesUids.join(', ') || '(none listed)'}, not to the given series ${reference.seriesInstanceUid}; its source series is absent`, { path: filePath });
  }
  const sameFrame = header.frameOfReferenceUid === '' || reference.frameOfReferenceUid === '' || header.frameOfReferenceUid === reference.frameOfReferenceUid;
  if (!sameFrame) notes.push(`FrameOfReferenceUID differs from the source series (${header.frameOfReferenceUid} vs ${reference.frameOfReferenceUid}): frames placed by SOP Instance UID only`);

  // geometry checks
  const iopSrc = src.imageOrientationPatient;
  const n: Vec3 = [iopSrc[1] * iopSrc[5] - iopSrc[2] * iopSrc[4], iopSrc[2] * iopSrc[3] - iopSrc[0] * iopSrc[5], iopSrc[0] * iopSrc[4] - iopSrc[1] * iopSrc[3]];
  const normalPos = src.slices.map((s) => s.positionLps[0] * n[0] + s.positionLps[1] * n[1] + s.positionLps[2] * n[2]);
  const gaps = normalPos.slice(1).map((p, i) => Math.abs(p - (normalPos[i] as number))).filter((g) => g > 1e-6);
  const tol = Math.max(0.01, Math.min(0.1, gaps.length > 0 ? Math.min(...gaps) / 4 : 0.1));
  const [dRow, dCol] = src.pixelSpacingMm;
  const rows = header.rows;
  const cols = header.columns;
  const perFramePixels = rows * cols;

  // pixel decoding
  const bitsAllocated = num(ds, 'BitsAllocated') ?? (header.segmentationType === 'BINARY' ? 1 : 8);
  const pixels = pixelBytes(ds, filePath);
  const maxFractional = num(ds, 'MaximumFractionalValue') ?? 255;
  const padding = num(ds, 'PixelPaddingValue');
  if (header.segmentationType === 'FRACTIONAL') {
    notes.push(`FRACTIONAL (${str(ds, 'SegmentationFractionalType') || 'PROBABILITY'}) segmentation thresholded at >= 0.5 x MaximumFractionalValue (${maxFractional}) to binary masks`);
  }
  const frameValues = (f: number): Uint16Array | Uint8Array => {
    if (header.segmentationType === 'BINARY') {
      if (bitsAllocated !== 1) throw new SdpmError('SEG_INVALID', `${filePath}: BINARY SEG with BitsAllocated ${bitsAllocated}`, { path: filePath });
      return unpackFrame(pixels, f, perFramePixels);
    }
    if (bitsAllocated === 8) return pixels.subarray(f * perFramePixels, (f + 1) * perFramePixels);
    if (bitsAllocated === 16) return new Uint16Array(pixels.buffer.slice(pixels.byteOffset + f * perFramePixels * 2, pixels.byteOffset + (f + 1) * perFramePixels * 2));
    throw new SdpmError('SEG_UNSUPPORTED', `${filePath}: BitsAllocated ${bitsAllocated} is not supported`, { path: filePath });
  };
  const needBytes = header.segmentationType === 'BINARY' ? Math.ceil((nFrames * perFramePixels) / 8) : (nFrames * perFramePixels * bitsAllocated) / 8;
  if (pixels.length < needBytes) throw new SdpmError('SEG_INVALID', `${filePath}: Pixel Data has ${pixels.length} bytes, ${nFrames} frames of ${cols}x${rows} need ${needBytes}`, { path: filePath });

  const segs = header.segments.filter((s) => s.number >= 1);
  if (header.segments.some((s) => s.number === 0)) notes.push('segment 0 (background) skipped');
  const segIndex = new Map(segs.map((s, i) => [s.number, i]));
  const masks = segs.map(() => new Uint8Array(src.rows * src.columns * src.slices.length));
  const frameSlices: number[] = [];

  for (let f = 0; f < nFrames; f++) {
    const pf = perFrame[f];
    const orient = groupItem(pf, shared, 'PlaneOrientationSequence');
    const iop = orient !== undefined ? nums(orient, 'ImageOrientationPatient') : null;
    if (iop !== null && iop.some((v, i) => Math.abs(v - (iopSrc[i] as number)) > 1e-3)) {
      throw new SdpmError('GEOMETRY_MISMATCH', `${filePath}: frame ${f + 1} orientation ${iop.join('\\')} differs from the source series ${iopSrc.join('\\')} (reformatted SEGs are not supported)`, { path: filePath });
    }
    const meas = groupItem(pf, shared, 'PixelMeasuresSequence');
    const ps = meas !== undefined ? nums(meas, 'PixelSpacing') : null;
    if (ps !== null && (Math.abs((ps[0] as number) - dRow) > 1e-3 * dRow || Math.abs((ps[1] as number) - dCol) > 1e-3 * dCol)) {
      throw new SdpmError('GEOMETRY_MISMATCH', `${filePath}: frame ${f + 1} pixel spacing ${ps.join('\\')} differs from the source series ${dRow}\\${dCol}`, { path: filePath });
    }
    const posItem = groupItem(pf, shared, 'PlanePositionSequence');
    const pos = posItem !== undefined ? nums(posItem, 'ImagePositionPatient') : null;
    let slice = -1;
    let offI = 0;
    let offJ = 0;
    if (pos !== null && pos.length === 3 && sameFrame) {
      const d = (pos[0] as number) * n[0] + (pos[1] as number) * n[1] + (pos[2] as number) * n[2];
      let best = Infinity;
      normalPos.forEach((p, i) => {
        if (Math.abs(p - d) < best) {
          best = Math.abs(p - d);
          slice = i;
        }
      });
      if (best > tol) {
        throw new SdpmError('GEOMETRY_MISMATCH', `${filePath}: frame ${f + 1} at ${d.toFixed(3)} mm along the normal matches no source slice (nearest ${best.toFixed(3)} mm away)`, { path: filePath });
      }
      const sp = (src.slices[slice] as { positionLps: Vec3 }).positionLps;
      const rel = [(pos[0] as number) - sp[0], (pos[1] as number) - sp[1], (pos[2] as number) - sp[2]];
      const fi = (rel[0]! * iopSrc[0] + rel[1]! * iopSrc[1] + rel[2]! * iopSrc[2]) / dCol;
      const fj = (rel[0]! * iopSrc[3] + rel[1]! * iopSrc[4] + rel[2]! * iopSrc[5]) / dRow;
      offI = Math.round(fi);
      offJ = Math.round(fj);
      if (Math.abs(fi - offI) > 0.05 || Math.abs(fj - offJ) > 0.05) {
        throw new SdpmError('GEOMETRY_MISMATCH', `${filePath}: frame ${f + 1} is offset by a fraction of a pixel (${fi.toFixed(3)}, ${fj.toFixed(3)}) from its source slice`, { path: filePath });
      }
    } else {
      const bySop = sopToSlice.get(frameSops[f] ?? '');
      if (bySop === undefined) {
        throw new SdpmError('SEG_INVALID', `${filePath}: frame ${f + 1} has no usable position and its source image ${frameSops[f] || '(none)'} is not in the given series`, { path: filePath });
      }
      slice = bySop;
    }
    frameSlices.push(slice);
    const values = frameValues(f);
    const sliceOff = slice * src.rows * src.columns;
    const place = (target: Uint8Array, pred: (v: number) => boolean): void => {
      for (let j = 0; j < rows; j++) {
        const sj = j + offJ;
        if (sj < 0 || sj >= src.rows) continue;
        for (let i = 0; i < cols; i++) {
          const si = i + offI;
          if (si < 0 || si >= src.columns) continue;
          if (pred(values[j * cols + i] as number)) target[sliceOff + sj * src.columns + si] = 1;
        }
      }
    };
    if (header.segmentationType === 'LABELMAP') {
      for (const [number, idx] of segIndex) place(masks[idx] as Uint8Array, (v) => v === number && v !== padding);
    } else {
      const sIdItem = groupItem(pf, shared, 'SegmentIdentificationSequence');
      const segNumber = sIdItem !== undefined ? num(sIdItem, 'ReferencedSegmentNumber') : null;
      const idx = segNumber === null ? undefined : segIndex.get(segNumber);
      if (idx === undefined) throw new SdpmError('SEG_INVALID', `${filePath}: frame ${f + 1} refers to segment ${segNumber ?? '(none)'} which the SegmentSequence does not define`, { path: filePath });
      const threshold = header.segmentationType === 'FRACTIONAL' ? 0.5 * maxFractional : 0.5;
      place(masks[idx] as Uint8Array, (v) => v >= threshold);
    }
  }
  return { ...header, segments: segs, masks, frameSlices, notes };
}
