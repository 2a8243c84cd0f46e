/**
 * Turns one group of slice headers into a SeriesSummary: geometry (spacing, gaps, tilt), memory
 * estimate, and whether it is a segmentable CT volume (and if not, why).
 */
import { describeTransferSyntax } from './codecs/decodeFrame';
import type { SliceHeader } from './SliceHeader';
import type { SeriesSummary } from './StudyScan';
import type { SliceGroup } from './groupSlices';
import { analyzeSliceStack } from './analyzeSliceStack';
import type { SliceStackGeometry, SliceStackInput } from './analyzeSliceStack';
import { planVolumeGrid } from './planVolumeGrid';
import type { GridPlan } from './planVolumeGrid';

export const DEFAULT_MAX_BYTES = 1.0e9;
const SECONDARY_CAPTURE_PREFIX = '1.2.840.10008.5.1.4.1.1.7';
/** Reason text for DERIVED\\SECONDARY images; `acceptDerived` turns it from a reason into a problem. */
export const DERIVED_REASON = 'derived secondary image (ImageType DERIVED\\SECONDARY)';

export interface SummarizeOptions {
  maxBytes: number;
  paddingHu: number;
  /** Accept DERIVED\\SECONDARY CT images (console reformats, edited studies) as segmentable. */
  acceptDerived: boolean;
}

export function stackInputs(slices: readonly SliceHeader[]): SliceStackInput[] | null {
  const out: SliceStackInput[] = [];
  for (const s of slices) {
    if (s.imagePositionPatient === null || s.imageOrientationPatient === null || s.pixelSpacingMm === null) return null;
    out.push({ imagePositionPatient: s.imagePositionPatient, imageOrientationPatient: s.imageOrientationPatient, pixelSpacingMm: s.pixelSpacingMm });
  }
  return out;
}

/** True when HU = stored*slope + intercept is always an int16 for this header's stored range. */
export function fitsInt16(h: SliceHeader, paddingHu: number): boolean {
  if (!Number.isInteger(h.rescaleSlope) || !Number.isInteger(h.rescaleIntercept) || !Number.isInteger(paddingHu)) return false;
  const bits = Math.min(h.bitsStored, h.bitsAllocated);
  const lo = h.pixelRepresentation === 1 ? -(2 ** (bits - 1)) : 0;
  const hi = h.pixelRepresentation === 1 ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  const a = lo * h.rescaleSlope + h.rescaleIntercept;
  const b = hi * h.rescaleSlope + h.rescaleIntercept;
  return Math.min(a, b) >= -32768 && Math.max(a, b) <= 32767;
}

/** Peak bytes the loader allocates for this plan: output voxels, plus the source stack when resampling. */
export function estimateLoadBytes(plan: Pick<GridPlan, 'dimensions' | 'identity'>, sliceCount: number, rows: number, columns: number, int16: boolean): number {
  const out = plan.dimensions[0] * plan.dimensions[1] * plan.dimensions[2];
  const bpv = int16 ? 2 : 4;
  return plan.identity ? out * bpv : sliceCount * rows * columns * bpv + out * 4;
}

export function formatBytes(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : `${(n / 1e6).toFixed(1)} MB`;
}

function notSegmentableReasons(first: SliceHeader, group: SliceGroup, stack: SliceStackGeometry | null): string[] {
  const reasons: string[] = [];
  if (first.modality !== 'CT') reasons.push(`modality is ${first.modality || 'missing'}, not CT`);
  if (first.sopClassUid.startsWith(SECONDARY_CAPTURE_PREFIX)) reasons.push('Secondary Capture image (a screenshot or derived picture, not a CT acquisition)');
  if (first.imageType.includes('LOCALIZER')) reasons.push('localizer/scout image (ImageType contains LOCALIZER)');
  else if (first.imageType[0] === 'DERIVED' && first.imageType[1] === 'SECONDARY') reasons.push(DERIVED_REASON);
  if (group.slices.length === 1 && group.splitReason?.includes('orientation') === true) reasons.push('localizer: a single slice whose orientation differs from the rest of its series');
  if (first.numberOfFrames > 1) reasons.push(`multi-frame image (${first.numberOfFrames} frames); only single-frame CT Image Storage series are loaded`);
  if (first.samplesPerPixel !== 1) reasons.push(`colour image (${first.samplesPerPixel} samples per pixel)`);
  if (stack === null) reasons.push('no ImagePositionPatient/ImageOrientationPatient/PixelSpacing, so no 3-D geometry');
  if (group.slices.length < 2) reasons.push('single slice: a volume needs at least 2 slices');
  else if (stack !== null && stack.duplicatePairs.length === group.slices.length - 1) reasons.push(`all ${group.slices.length} slices are at the same position: a volume needs at least 2 positions`);
  const ts = describeTransferSyntax(first.transferSyntaxUid);
  if (!ts.supported) reasons.push(`transfer syntax ${ts.name} (${ts.uid}) is not supported`);
  return reasons;
}

export function summarizeSeries(group: SliceGroup, index: number, total: number, options: SummarizeOptions): SeriesSummary {
  const { maxBytes, paddingHu } = options;
  const inputs = stackInputs(group.slices);
  const stack = inputs === null || inputs.length === 0 ? null : analyzeSliceStack(inputs);
  const slices = stack === null ? [...group.slices] : stack.order.map((i) => group.slices[i]).filter((s): s is SliceHeader => s !== undefined);
  const first = slices[0];
  if (first === undefined) throw new RangeError('summarizeSeries: empty group');
  const problems: string[] = [];
  const reasons = notSegmentableReasons(first, group, stack).filter((r) => {
    if (!options.acceptDerived || r !== DERIVED_REASON) return true;
    problems.push(`${r}: accepted (acceptDerived)`);
    return false;
  });
  let estimatedBytes = slices.length * first.rows * first.columns * 2;
  if (stack !== null && slices.length > 1 && first.pixelSpacingMm !== null && first.imagePositionPatient !== null) {
    if (stack.gantryTiltDeg > 0) problems.push(`gantry tilt ${stack.gantryTiltDeg.toFixed(2)} deg (corrected on loading)`);
    if (!stack.regular) problems.push(`irregular slice spacing: gaps ${stack.distinctGapsMm.join(', ')} mm`);
    for (const m of stack.missingSlices) problems.push(`about ${m.missing} missing slice(s) after slice ${m.after + 1}: gap ${m.gapMm.toFixed(2)} mm, typical ${stack.typicalGapMm.toFixed(2)} mm`);
    for (const [a, b] of stack.duplicatePairs) problems.push(`slices at the same position: ${slices[a]?.filePath ?? '?'} and ${slices[b]?.filePath ?? '?'}`);
    const firstPos = slices[0]?.imagePositionPatient ?? first.imagePositionPatient;
    const plan = planVolumeGrid({ stack, firstPositionLps: firstPos, rows: first.rows, columns: first.columns, pixelSpacingMm: first.pixelSpacingMm, equidistant: true });
    estimatedBytes = estimateLoadBytes(plan, slices.length, first.rows, first.columns, slices.every((s) => fitsInt16(s, paddingHu)));
  }
  if (estimatedBytes > maxBytes) problems.push(`too large: ${slices.length} slices of ${first.columns}x${first.rows} need about ${formatBytes(estimatedBytes)} (limit ${formatBytes(maxBytes)})`);
  return {
    id: total > 1 ? `${group.seriesInstanceUid}#${index + 1}` : group.seriesInstanceUid,
    seriesInstanceUid: group.seriesInstanceUid,
    splitReason: group.splitReason,
    studyInstanceUid: first.studyInstanceUid,
    seriesNumber: first.seriesNumber,
    seriesDescription: first.seriesDescription,
    modality: first.modality,
    manufacturer: first.manufacturer,
    imageType: first.imageType,
    sopClassUid: first.sopClassUid,
    transferSyntaxUid: first.transferSyntaxUid,
    rows: first.rows,
    columns: first.columns,
    sliceCount: slices.length,
    pixelSpacingMm: first.pixelSpacingMm,
    imageOrientationPatient: first.imageOrientationPatient,
    sliceSpacingMm: stack !== null && stack.typicalGapMm > 0 ? stack.typicalGapMm : null,
    sliceGapsMm: stack?.distinctGapsMm ?? [],
    gantryTiltDeg: stack !== null && slices.length > 1 ? stack.gantryTiltDeg : null,
    estimatedBytes,
    segmentable: reasons.length === 0,
    reasons,
    problems,
    slices,
  };
}
