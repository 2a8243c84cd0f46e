/**
 * The volume a read's SEG holds, measured by the core rule on the study's own images: the SEG's frames
 * are placed on the source slices (core/seg/readSeg.ts) and the union of its segments is measured with
 * sourceMaskVolumeMl (pixel area x slab along the normal). That number, not the one the client sent, is
 * what the charter rule compares and the final table reports. Returns null when the study's images are
 * not reachable from here (a server that does not hold the images); the read then keeps the app's number
 * and says so (volumeSource 'app').
 */
import { existsSync } from 'node:fs';
import { comparisonImages, countForeground, findReferencedSeries, loadStudyInput, readSeg, sourceMaskVolumeMl, sourceSlicesToGrid, type KeyImage, type ReferencedSeries } from '../../core/index';

export interface SegMeasurement {
  /** Volume of the union of all segments (mL). */
  totalMl: number;
  /** Each segment on its own (its number, voxels on the source slices, mL). */
  segments: { segmentNumber: number; voxelCount: number; volumeMl: number }[];
}

/** The union of a SEG's segment masks on the referenced source slices (1 where any segment is set). */
function segmentUnion(masks: readonly Uint8Array[], ref: ReferencedSeries): Uint8Array {
  const union = new Uint8Array(ref.source.slices.length * ref.source.rows * ref.source.columns);
  for (const m of masks) for (let i = 0; i < union.length; i++) if (m[i] !== 0) union[i] = 1;
  return union;
}

export async function measureSegOnSource(bytes: Uint8Array, study: { studyCode: string; seriesUid: string; source: string }): Promise<SegMeasurement | null> {
  if (!existsSync(study.source)) return null;
  const ref = await findReferencedSeries(study.seriesUid, [study.source]);
  const seg = readSeg(bytes, ref, { filePath: `the SEG saved for study ${study.studyCode}` });
  const union = segmentUnion(seg.masks, ref);
  const segments = seg.masks.map((m, i) => ({ segmentNumber: seg.segments[i]?.number ?? i + 1, voxelCount: countForeground(m), volumeMl: sourceMaskVolumeMl(m, ref.source) }));
  return { totalMl: sourceMaskVolumeMl(union, ref.source), segments };
}

/**
 * The two reads' contours on the same slices of the study (read A red, read B cyan), for the adjudicator:
 * each SEG's segments (union) are placed on the source slices and then on the study grid the loader builds
 * (tilt-corrected), where the slices are drawn. Empty when the study's images are not reachable from here.
 */
export async function compareSegsOnStudy(segA: Uint8Array, segB: Uint8Array, study: { studyCode: string; seriesUid: string; source: string }): Promise<KeyImage[]> {
  if (!existsSync(study.source)) return [];
  const ref = await findReferencedSeries(study.seriesUid, [study.source]);
  const volume = await loadStudyInput(study.source);
  const onGrid = (bytes: Uint8Array, label: string): Uint8Array => {
    const seg = readSeg(bytes, ref, { filePath: `read ${label}'s SEG for study ${study.studyCode}` });
    return sourceSlicesToGrid(segmentUnion(seg.masks, ref), ref.source, volume);
  };
  return comparisonImages(volume, onGrid(segA, 'A'), onGrid(segB, 'B'));
}
