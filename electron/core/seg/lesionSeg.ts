/**
 * The one way a lesion mask becomes a DICOM SEG, used by the app's export (services) and by `sdpm batch`:
 * ONE SEGMENT PER LESION (label "Lesion <id>", Tracking ID = the stable lesion ID, description and coded terms
 * of the lesion's type from the bundle's labels.json, kind hemorrhage/infarct from that type), measured by the
 * core measureLesions with the run's candidate IDs as reference, so the SEG's segment numbers are the report's
 * lesion IDs. A mask with no lesion is archived as one empty "Lesion" segment (a SEG needs one segment).
 */
import { lesionMask, measureLesions, type LesionMeasurements } from '../lesions/measureLesions';
import { lesionTypeFor } from '../lesions/lesionKind';
import type { LesionType } from '../bundle/Labels';
import type { Volume } from '../dicom/Volume';
import { conceptFromLabels, type LesionKind } from './codes';
import { writeSeg, type SegAlgorithmType, type SegSegmentInput, type WrittenSeg } from './writeSeg';

export interface LesionSegInput {
  volume: Volume;
  /** lesion mask on the volume grid (non-zero = lesion) */
  mask: Uint8Array;
  /** the run's candidate ID map (lesion IDs to keep), or null to number the lesions afresh */
  reference: Int32Array | null;
  algorithm: { name: string; version: string };
  lesionTypes: readonly LesionType[];
  algorithmType: SegAlgorithmType;
  /** DICOM PN of the reader (ContentCreatorName); absent for an unreviewed batch result */
  reader?: string;
  softwareVersion: string;
  seriesDescription: string;
}

export function lesionSegments(measurements: LesionMeasurements, mask: Uint8Array, lesionTypes: readonly LesionType[], algorithmType: SegAlgorithmType): SegSegmentInput[] {
  const segments: SegSegmentInput[] = measurements.lesions.map((l) => {
    const t = lesionTypeFor(l.meanHu, lesionTypes);
    const kind: LesionKind = t !== null && /hemorrhage|haemorrhage/i.test(t.name) ? 'hemorrhage' : 'infarct';
    return {
      label: `Lesion ${l.id}`,
      kind,
      trackingId: String(l.id),
      ...(t !== null && t.category !== null && t.type !== null ? { codes: { category: conceptFromLabels(t.category), type: conceptFromLabels(t.type), anatomicRegion: t.anatomicRegion === null ? null : conceptFromLabels(t.anatomicRegion) } } : {}),
      description: t?.name ?? 'Lesion',
      mask: lesionMask(measurements.idMap, l.id),
      algorithmType,
    };
  });
  if (segments.length === 0) segments.push({ label: 'Lesion', kind: 'hemorrhage', mask, algorithmType });
  return segments;
}

export function writeLesionSeg(x: LesionSegInput): { written: WrittenSeg; measurements: LesionMeasurements } {
  const measurements = measureLesions(x.mask, x.volume, { hu: x.volume.voxels, reference: x.reference });
  const written = writeSeg({
    volume: x.volume,
    segments: lesionSegments(measurements, x.mask, x.lesionTypes, x.algorithmType),
    algorithm: x.algorithm,
    ...(x.reader !== undefined ? { reader: x.reader } : {}),
    softwareVersion: x.softwareVersion,
    seriesDescription: x.seriesDescription,
  });
  return { written, measurements };
}
