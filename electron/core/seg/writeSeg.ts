/**
 * DICOM Segmentation (PS3.3 A.51, C.8.20) writer for lesion masks on a CT series.
 *
 * - BINARY (default, SOP Class 1.2.840.10008.5.1.4.1.1.66.4): one bit-packed frame per (segment,
 *   source slice) that contains at least one voxel; overlapping segments are allowed.
 *   LABELMAP (option, Sup 243, SOP Class 1.2.840.10008.5.1.4.1.1.66.7): one 8-bit frame per source
 *   slice holding segment numbers; segments must not overlap (refused otherwise).
 * - Frames lie on the SOURCE slices (their own ImagePositionPatient, the series' orientation and pixel
 *   grid): the mask is resampled from the loader's corrected grid back onto each source slice by
 *   nearest neighbour (sourceSliceMask.ts). Each frame references its source slice in
 *   DerivationImageSequence > SourceImageSequence (SOP Class + Instance UID, purpose 121322) with
 *   derivation code 113076, and the Common Instance Reference module lists the source series.
 * - Shared functional groups: PlaneOrientationSequence (all frames share the series orientation),
 *   PixelMeasuresSequence (PixelSpacing, SliceThickness; SpacingBetweenSlices only when the source gaps
 *   along the normal are regular, since one value would misstate an uneven series).
 * - Dimensions: ReferencedSegmentNumber + ImagePositionPatient (BINARY), ImagePositionPatient (LABELMAP).
 * - Empty frames are omitted. An all-empty result still writes a valid SEG with ONE empty frame
 *   (segment 1 on the first source slice) and `placeholderEmptyFrame: true`, so that "the model found
 *   nothing" is archived as explicitly as a finding (a SEG needs ≥ 1 frame).
 * - A corrected SEG names the SEG it replaces in the General Reference module's
 *   ReferencedInstanceSequence (purpose 121360 "Replaced report"; the SEG IOD has no Predecessor
 *   Documents Sequence) and lists it in the Common Instance Reference module.
 */
import { SdpmError } from '../errors';
import type { Volume } from '../dicom/Volume';
import { sourceNormal } from '../volumetry/maskVolume';
import { packBits } from './bitPacking';
import {
  CATEGORY_MORPHOLOGICALLY_ABNORMAL,
  DERIVATION_SEGMENTATION,
  PURPOSE_REPLACED,
  PURPOSE_SOURCE_IMAGE,
  REGION_BRAIN,
  propertyTypeFor,
  type CodedConcept,
  type LesionKind,
} from './codes';
import { newUid } from './newUid';
import { readSourceHeaderExtras } from './sourceHeaderExtras';
import { maskToSourceSlices } from './sourceSliceMask';
import { SEG_SOP_CLASS_BINARY, SEG_SOP_CLASS_LABELMAP, codeItem, cs, da, ds, lo, tm, writePart10 } from './segDataset';

export type SegAlgorithmType = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';

export interface SegSegmentInput {
  label: string;
  kind: LesionKind;
  /** Mask on the Volume grid (non-zero = in segment). Give this or `sourceMask`. */
  mask?: ArrayLike<number>;
  /** Mask already on the source slices (frame-major, see sourceSliceMask.ts). */
  sourceMask?: ArrayLike<number>;
  description?: string;
  /** AUTOMATIC for model output, SEMIAUTOMATIC after a reader's edits. Default AUTOMATIC. */
  algorithmType?: SegAlgorithmType;
  /** Tracking ID (0062,0020): the stable lesion ID, so the segment is the same lesion as in the report and the app. */
  trackingId?: string;
  /**
   * Coded terms of the segment, from the bundle's labels.json lesion type (the one source for a model's result);
   * default: codes.ts terms for `kind` (manual masks without a bundle).
   */
  codes?: { category: CodedConcept; type: CodedConcept; anatomicRegion: CodedConcept | null };
  /** CIELab display colour (DICOM scaled 0..65535); default red-ish for hemorrhage, blue for infarct. */
  recommendedDisplayCIELab?: readonly [number, number, number];
}

export interface WriteSegInput {
  volume: Pick<Volume, 'dimensions' | 'spacingMm' | 'originLps' | 'directionLps' | 'identity' | 'source'>;
  segments: readonly SegSegmentInput[];
  segmentationType?: 'BINARY' | 'LABELMAP';
  /** The model bundle that produced the masks. */
  algorithm: { name: string; version: string };
  /** The reader who reviewed/edited (ContentCreatorName, DICOM PN e.g. "Doe^Jane"). */
  reader?: string;
  contentLabel?: string;
  contentDescription?: string;
  seriesDescription?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  /** The SEG this one corrects. */
  replaces?: { sopInstanceUid: string; seriesInstanceUid: string; sopClassUid?: string };
  /** Default: read from the first source file (sourceHeaderExtras.ts); else the smallest gap along the normal. */
  sliceThicknessMm?: number;
  studyId?: string;
  referringPhysicianName?: string;
  softwareVersion?: string;
  now?: Date;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

export interface WrittenSeg {
  bytes: Uint8Array;
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  numberOfFrames: number;
  /** Frames written per segment (BINARY) or frames with any label (LABELMAP, in entry 0). */
  framesPerSegment: number[];
  /** Per segment: the mask on the source slices that was encoded (frame-major). */
  sourceMasks: Uint8Array[];
  placeholderEmptyFrame: boolean;
  notes: string[];
}

const DEFAULT_LAB: Record<LesionKind, [number, number, number]> = {
  hemorrhage: [35000, 53000, 50000],
  infarct: [40000, 32000, 20000],
};

function sourceGapsAlongNormal(volume: WriteSegInput['volume']): number[] {
  const n = sourceNormal(volume.source);
  const d = volume.source.slices.map((s) => s.positionLps[0] * n[0] + s.positionLps[1] * n[1] + s.positionLps[2] * n[2]);
  return d.slice(1).map((x, i) => Math.abs(x - (d[i] as number)));
}

export function writeSeg(input: WriteSegInput): WrittenSeg {
  const { volume, segments } = input;
  const src = volume.source;
  const type = input.segmentationType ?? 'BINARY';
  if (segments.length === 0) throw new SdpmError('INVALID_ARGUMENT', 'a SEG needs at least one segment');
  if (src.slices.length === 0) throw new SdpmError('SEG_NO_REFERENCE', 'the volume has no source slices to reference');
  const notes: string[] = [];
  const perFrame = src.rows * src.columns;
  const sourceMasks = segments.map((s, idx) => {
    if (s.sourceMask !== undefined) {
      if (s.sourceMask.length !== perFrame * src.slices.length) {
        throw new SdpmError('GEOMETRY_MISMATCH', `segment ${idx + 1} source mask has ${s.sourceMask.length} pixels, source slices need ${perFrame * src.slices.length}`);
      }
      return Uint8Array.from(s.sourceMask, (v) => (v !== 0 ? 1 : 0));
    }
    if (s.mask === undefined) throw new SdpmError('INVALID_ARGUMENT', `segment ${idx + 1} ('${s.label}') has neither mask nor sourceMask`);
    return maskToSourceSlices(s.mask, volume, src);
  });

  const now = input.now ?? new Date();
  const sopClassUid = type === 'BINARY' ? SEG_SOP_CLASS_BINARY : SEG_SOP_CLASS_LABELMAP;
  const sopInstanceUid = input.sopInstanceUid ?? newUid();
  const seriesInstanceUid = input.seriesInstanceUid ?? newUid();
  const dimensionOrganizationUid = newUid();
  const id = volume.identity;
  const iop = src.imageOrientationPatient;

  // frames: (segment number, source slice index)
  const frames: Array<{ segment: number; slice: number }> = [];
  const framesPerSegment: number[] = [];
  let labelFrames: Uint8Array[] = [];
  if (type === 'BINARY') {
    sourceMasks.forEach((m, sIdx) => {
      let count = 0;
      for (let k = 0; k < src.slices.length; k++) {
        const off = k * perFrame;
        let any = false;
        for (let p = 0; p < perFrame; p++) if (m[off + p] !== 0) { any = true; break; }
        if (any) {
          frames.push({ segment: sIdx + 1, slice: k });
          count++;
        }
      }
      framesPerSegment.push(count);
    });
  } else {
    if (segments.length > 255) throw new SdpmError('INVALID_ARGUMENT', 'LABELMAP with 8-bit pixels holds at most 255 segments');
    let overlap = 0;
    for (let k = 0; k < src.slices.length; k++) {
      const f = new Uint8Array(perFrame);
      let any = false;
      sourceMasks.forEach((m, sIdx) => {
        const off = k * perFrame;
        for (let p = 0; p < perFrame; p++) {
          if (m[off + p] === 0) continue;
          if (f[p] !== 0) overlap++;
          f[p] = sIdx + 1;
          any = true;
        }
      });
      if (any) {
        frames.push({ segment: 0, slice: k });
        labelFrames.push(f);
      }
    }
    if (overlap > 0) {
      throw new SdpmError('INVALID_ARGUMENT', `LABELMAP cannot encode overlapping segments (${overlap} source pixels belong to more than one segment); write a BINARY SEG instead`);
    }
    framesPerSegment.push(frames.length);
  }
  let placeholderEmptyFrame = false;
  if (frames.length === 0) {
    placeholderEmptyFrame = true;
    frames.push({ segment: type === 'BINARY' ? 1 : 0, slice: 0 });
    labelFrames = [new Uint8Array(perFrame)];
    notes.push('all segments are empty: one empty frame (first source slice) was written so that the SEG is valid');
  }

  // positions are indexed 1..n in the loader's order (sorted along the normal)
  const gaps = sourceGapsAlongNormal(volume);
  const extras = input.sliceThicknessMm === undefined || input.studyId === undefined || input.referringPhysicianName === undefined ? readSourceHeaderExtras(src.slices[0]?.filePath ?? '') : null;
  let sliceThicknessMm = input.sliceThicknessMm ?? extras?.sliceThicknessMm ?? undefined;
  if (sliceThicknessMm === undefined) {
    sliceThicknessMm = gaps.length > 0 ? Math.min(...gaps) : 1;
    notes.push(`source SliceThickness unknown: the smallest slice gap along the normal (${sliceThicknessMm.toFixed(2)} mm) was written`);
  }
  const regular = gaps.length > 0 && Math.max(...gaps) - Math.min(...gaps) < 0.01;
  const pixelMeasures: Record<string, unknown> = {
    PixelSpacing: [ds(src.pixelSpacingMm[0]), ds(src.pixelSpacingMm[1])],
    SliceThickness: ds(sliceThicknessMm),
  };
  if (regular) pixelMeasures.SpacingBetweenSlices = ds(gaps[0] as number);
  else if (gaps.length > 0) notes.push(`source slice gaps along the normal are irregular (${[...new Set(gaps.map((g) => g.toFixed(2)))].join(', ')} mm): SpacingBetweenSlices omitted`);

  const perFrameGroups = frames.map((f) => {
    const slice = src.slices[f.slice];
    if (slice === undefined) throw new SdpmError('INTERNAL', `source slice ${f.slice} missing`);
    const item: Record<string, unknown> = {
      DerivationImageSequence: [
        {
          DerivationCodeSequence: [codeItem(DERIVATION_SEGMENTATION)],
          SourceImageSequence: [
            {
              ReferencedSOPClassUID: slice.sopClassUid,
              ReferencedSOPInstanceUID: slice.sopInstanceUid,
              PurposeOfReferenceCodeSequence: [codeItem(PURPOSE_SOURCE_IMAGE)],
            },
          ],
        },
      ],
      FrameContentSequence: [{ DimensionIndexValues: type === 'BINARY' ? [f.segment, f.slice + 1] : [f.slice + 1] }],
      PlanePositionSequence: [{ ImagePositionPatient: slice.positionLps.map(ds) }],
    };
    if (type === 'BINARY') item.SegmentIdentificationSequence = [{ ReferencedSegmentNumber: f.segment }];
    return item;
  });

  const dimensionIndex = (pointer: number, group: number, label: string): Record<string, unknown> => ({
    DimensionOrganizationUID: dimensionOrganizationUid,
    DimensionIndexPointer: pointer,
    FunctionalGroupPointer: group,
    DimensionDescriptionLabel: label,
  });
  const dimensionIndexSequence = [
    ...(type === 'BINARY' ? [dimensionIndex(0x0062000b, 0x0062000a, 'ReferencedSegmentNumber')] : []),
    dimensionIndex(0x00200032, 0x00209113, 'ImagePositionPatient'),
  ];

  const algorithmName = lo(`${input.algorithm.name} ${input.algorithm.version}`);
  const segmentSequence = segments.map((s, idx) => {
    const algorithmType = s.algorithmType ?? 'AUTOMATIC';
    const item: Record<string, unknown> = {
      SegmentNumber: idx + 1,
      SegmentLabel: lo(s.label),
      SegmentAlgorithmType: algorithmType,
      SegmentedPropertyCategoryCodeSequence: [codeItem(s.codes?.category ?? CATEGORY_MORPHOLOGICALLY_ABNORMAL)],
      SegmentedPropertyTypeCodeSequence: [codeItem(s.codes?.type ?? propertyTypeFor(s.kind))],
      AnatomicRegionSequence: [codeItem(s.codes === undefined ? REGION_BRAIN : (s.codes.anatomicRegion ?? REGION_BRAIN))],
      RecommendedDisplayCIELabValue: [...(s.recommendedDisplayCIELab ?? DEFAULT_LAB[s.kind])],
    };
    if (algorithmType !== 'MANUAL') item.SegmentAlgorithmName = algorithmName;
    if (s.description !== undefined) item.SegmentDescription = lo(s.description);
    if (s.trackingId !== undefined) {
      item.TrackingID = lo(s.trackingId);
      item.TrackingUID = newUid();
    }
    return item;
  });

  let pixelData: Uint8Array;
  if (type === 'BINARY') {
    pixelData = packBits(frames.map((f) => (f.segment === 0 ? new Uint8Array(perFrame) : (sourceMasks[f.segment - 1] as Uint8Array).subarray(f.slice * perFrame, (f.slice + 1) * perFrame))), perFrame);
  } else {
    pixelData = new Uint8Array(perFrame * labelFrames.length + ((perFrame * labelFrames.length) % 2));
    labelFrames.forEach((f, i) => pixelData.set(f, i * perFrame));
  }

  const referencedSeries: Array<Record<string, unknown>> = [
    {
      SeriesInstanceUID: id.seriesInstanceUid,
      ReferencedInstanceSequence: src.slices.map((s) => ({ ReferencedSOPClassUID: s.sopClassUid, ReferencedSOPInstanceUID: s.sopInstanceUid })),
    },
  ];
  const replacedClass = input.replaces?.sopClassUid ?? sopClassUid;
  if (input.replaces !== undefined) {
    referencedSeries.push({
      SeriesInstanceUID: input.replaces.seriesInstanceUid,
      ReferencedInstanceSequence: [{ ReferencedSOPClassUID: replacedClass, ReferencedSOPInstanceUID: input.replaces.sopInstanceUid }],
    });
  }

  const contentDescription = input.contentDescription ?? `Lesion segmentation by ${input.algorithm.name} ${input.algorithm.version}${input.replaces !== undefined ? `, corrects SEG ${input.replaces.sopInstanceUid}` : ''}`;
  const dataset: Record<string, unknown> = {
    SpecificCharacterSet: 'ISO_IR 192',
    ImageType: ['DERIVED', 'PRIMARY'],
    InstanceCreationDate: da(now),
    InstanceCreationTime: tm(now),
    SOPClassUID: sopClassUid,
    SOPInstanceUID: sopInstanceUid,
    StudyDate: id.studyDate,
    SeriesDate: da(now),
    ContentDate: da(now),
    StudyTime: id.studyTime,
    SeriesTime: tm(now),
    ContentTime: tm(now),
    AccessionNumber: id.accessionNumber,
    Modality: 'SEG',
    Manufacturer: 'SDPM Review',
    ReferringPhysicianName: input.referringPhysicianName ?? extras?.referringPhysicianName ?? '',
    StudyDescription: id.studyDescription,
    SeriesDescription: lo(input.seriesDescription ?? `SDPM lesions (${type})`),
    ManufacturerModelName: 'sdpm-review',
    ReferencedSeriesSequence: referencedSeries,
    PatientName: id.patientName,
    PatientID: id.patientId,
    PatientBirthDate: id.patientBirthDate,
    PatientSex: id.patientSex,
    DeviceSerialNumber: '1',
    SoftwareVersions: [lo(input.softwareVersion ?? '0.1.0'), algorithmName],
    StudyInstanceUID: id.studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: input.studyId ?? extras?.studyId ?? '',
    SeriesNumber: input.seriesNumber ?? 9001,
    InstanceNumber: input.instanceNumber ?? 1,
    FrameOfReferenceUID: id.frameOfReferenceUid,
    PositionReferenceIndicator: '',
    DimensionOrganizationSequence: [{ DimensionOrganizationUID: dimensionOrganizationUid }],
    DimensionIndexSequence: dimensionIndexSequence,
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: frames.length,
    Rows: src.rows,
    Columns: src.columns,
    BitsAllocated: type === 'BINARY' ? 1 : 8,
    BitsStored: type === 'BINARY' ? 1 : 8,
    HighBit: type === 'BINARY' ? 0 : 7,
    PixelRepresentation: 0,
    LossyImageCompression: '00',
    SegmentationType: type,
    SegmentSequence: segmentSequence,
    ContentLabel: cs(input.contentLabel ?? 'SDPM_LESIONS'),
    ContentDescription: lo(contentDescription),
    ContentCreatorName: input.reader ?? '',
    SharedFunctionalGroupsSequence: [
      {
        PlaneOrientationSequence: [{ ImageOrientationPatient: iop.map(ds) }],
        PixelMeasuresSequence: [pixelMeasures],
      },
    ],
    PerFrameFunctionalGroupsSequence: perFrameGroups,
    PixelData: pixelData.buffer.slice(pixelData.byteOffset, pixelData.byteOffset + pixelData.byteLength),
    _vrMap: { PixelData: 'OB' },
  };
  if (input.replaces !== undefined) {
    dataset.ReferencedInstanceSequence = [
      {
        ReferencedSOPClassUID: replacedClass,
        ReferencedSOPInstanceUID: input.replaces.sopInstanceUid,
        PurposeOfReferenceCodeSequence: [codeItem(PURPOSE_REPLACED)],
      },
    ];
  }
  return {
    bytes: writePart10(dataset, sopClassUid, sopInstanceUid),
    sopClassUid,
    sopInstanceUid,
    seriesInstanceUid,
    numberOfFrames: frames.length,
    framesPerSegment,
    sourceMasks,
    placeholderEmptyFrame,
    notes,
  };
}
