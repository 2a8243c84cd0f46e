/**
 * Loads one CT series into a Volume (see Volume.ts for the conventions).
 *
 * Order of work, so that bad input fails early and cheaply:
 *  1. headers only: classify (SERIES_NOT_CT, SERIES_TOO_FEW_SLICES...), sort along the slice normal,
 *     find duplicates, gaps and tilt, plan the output grid, refuse irregular gaps when asked
 *     (SERIES_GAP_REFUSED) and refuse series over the memory budget (SERIES_TOO_LARGE) before any
 *     pixel data is read;
 *  2. pixel data: decode every slice (codecs/decodeFrame) into HU, check duplicates are identical
 *     (dropped with a warning) or fail (SERIES_DUPLICATE_SLICES);
 *  3. copy (regular, untilted) or resample (tilt, irregular gaps) onto the grid.
 */
import { readFile } from 'node:fs/promises';
import { SdpmError } from '../errors';
import type { Logger } from '../logger';
import { silentLogger } from '../logger';
import { decodeFrame } from './codecs/decodeFrame';
import { mapLimited } from './discoverSeries';
import { groupSlices } from './groupSlices';
import { leaveOutSlicesWithoutGeometry, leftOutNote, summaryWithout, toSkippedFile } from './leaveOutFiles';
import { parseDicomFile } from './parseDicomFile';
import { planVolumeGrid } from './planVolumeGrid';
import { readSliceHeaderFile } from './readSliceHeaderFile';
import { resampleSlices } from './resampleSlices';
import type { HuSlice } from './resampleSlices';
import type { SliceHeader } from './SliceHeader';
import { paddingRange, sliceToHu } from './sliceToHu';
import type { SeriesSummary, SkippedFile } from './StudyScan';
import { DEFAULT_MAX_BYTES, DERIVED_REASON, estimateLoadBytes, formatBytes, stackInputs, summarizeSeries } from './summarizeSeries';
import { analyzeSliceStack } from './analyzeSliceStack';
import type { Volume } from './Volume';
import { describeTransferSyntax } from './codecs/decodeFrame';

export interface LoadSeriesOptions {
  /** Irregular slice gaps: resample onto an equidistant grid (default) or refuse with SERIES_GAP_REFUSED. */
  gapPolicy?: 'resample' | 'refuse';
  /** HU for padding pixels and for grid points outside the acquired field. Default -1024 (air). */
  paddingHu?: number;
  /** Refuse series whose load needs more bytes than this (SERIES_TOO_LARGE). Default 1.0e9. */
  maxBytes?: number;
  /** Files read and decoded at once. Default 8. */
  concurrency?: number;
  /** Load DERIVED\\SECONDARY CT series (console reformats, edited studies). Default false: SERIES_NOT_CT. */
  acceptDerived?: boolean;
  log?: Logger;
}

function refuseUnloadable(summary: SeriesSummary, acceptDerived: boolean): void {
  const where = summary.slices[0]?.filePath ?? summary.id;
  const label = `series ${summary.id} (${summary.seriesDescription || 'no description'}, first file ${where})`;
  const reasons = summary.reasons.filter((r) => !(acceptDerived && r === DERIVED_REASON));
  if (reasons.length === 0) return;
  const text = reasons.join('; ');
  if (summary.modality !== 'CT' || reasons.some((r) => /Secondary Capture|localizer|derived/.test(r))) {
    throw new SdpmError('SERIES_NOT_CT', `${label} is not a CT acquisition that can be segmented: ${text}`, { path: where });
  }
  if (reasons.some((r) => r.startsWith('transfer syntax'))) throw new SdpmError('DICOM_UNSUPPORTED_TRANSFER_SYNTAX', `${label}: ${text}`, { path: where });
  if (reasons.some((r) => r.startsWith('no ImagePosition'))) throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `${label}: ${text}`, { path: where });
  if (summary.sliceCount < 2 || reasons.some((r) => r.includes('same position'))) {
    throw new SdpmError('SERIES_TOO_FEW_SLICES', `${label} has ${summary.sliceCount} slice(s): ${text}`, { path: where });
  }
  throw new SdpmError('SERIES_INCONSISTENT', `${label} cannot be loaded: ${text}`, { path: where });
}

async function summaryFromFiles(files: readonly string[], maxBytes: number, paddingHu: number, acceptDerived: boolean): Promise<{ summary: SeriesSummary; bad: SkippedFile[] }> {
  if (files.length === 0) throw new SdpmError('SERIES_EMPTY_FOLDER', 'no files given to load', {});
  const read = await mapLimited(files, 16, async (f) => readSliceHeaderFile(f).catch((err: unknown) => toSkippedFile(f, err)));
  const geo = leaveOutSlicesWithoutGeometry(read.filter((h): h is SliceHeader => !('reason' in h)));
  const headers = geo.kept;
  const bad = [...read.filter((h): h is SkippedFile => 'reason' in h), ...geo.left];
  if (headers.length === 0 && bad[0] !== undefined) throw new SdpmError(bad[0].code, bad.slice(0, 3).map((b) => b.reason).join('; '), { path: bad[0].path });
  const groups = groupSlices(headers);
  const only = groups[0];
  if (groups.length !== 1 || only === undefined) {
    const list = groups.map((g) => `${g.seriesInstanceUid} (${g.slices.length} files, e.g. ${g.slices[0]?.filePath ?? '?'}${g.splitReason === null ? '' : `; ${g.splitReason}`})`);
    throw new SdpmError('SERIES_INCONSISTENT', `the ${files.length} files given are not one series but ${groups.length}: ${list.join('; ')}`, { path: files[0] ?? '' });
  }
  return { summary: summarizeSeries(only, 0, 1, { maxBytes, paddingHu, acceptDerived }), bad };
}

function sameValues(a: HuSlice, b: HuSlice): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export async function loadSeries(source: SeriesSummary | readonly string[], options: LoadSeriesOptions = {}): Promise<Volume> {
  const log = options.log ?? silentLogger;
  const paddingHu = options.paddingHu ?? -1024;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const fromFiles = Array.isArray(source) ? await summaryFromFiles(source as readonly string[], maxBytes, paddingHu, options.acceptDerived === true) : null;
  const summary = fromFiles?.summary ?? (source as SeriesSummary);
  refuseUnloadable(summary, options.acceptDerived === true);
  const all = summary.slices;
  const first = all[0];
  const inputs = stackInputs(all);
  if (first === undefined || inputs === null || first.pixelSpacingMm === null) throw new SdpmError('DICOM_MISSING_ATTRIBUTE', `series ${summary.id}: no slice geometry`, {});
  const { rows, columns } = first;
  const notes: string[] = (fromFiles?.bad ?? []).map(leftOutNote);

  // 1. Geometry from headers. `all` is sorted along the normal already (summarizeSeries), re-analysed here.
  const fullStack = analyzeSliceStack(inputs);
  const sorted = fullStack.order.map((i) => all[i]).filter((s): s is SliceHeader => s !== undefined);
  const dupOf = new Map<number, number>(); // sorted index -> the earlier sorted index at the same position
  for (const [a, b] of fullStack.duplicatePairs) dupOf.set(b, dupOf.get(a) ?? a);
  const kept = sorted.filter((_, k) => !dupOf.has(k));
  if (kept.length < 2) {
    throw new SdpmError('SERIES_TOO_FEW_SLICES', `series ${summary.id}: only ${kept.length} distinct slice position(s) among ${sorted.length} files (first file ${first.filePath})`, { path: first.filePath });
  }
  const stack = analyzeSliceStack(stackInputs(kept) ?? []);
  if (!stack.regular && options.gapPolicy === 'refuse') {
    const gaps = stack.gapsMm.map((g, k) => ({ g, k })).filter(({ g }) => Math.abs(g - stack.typicalGapMm) > 0.02 + 0.01 * stack.typicalGapMm);
    const detail = gaps.slice(0, 6).map(({ g, k }) => `${g.toFixed(2)} mm between ${kept[k]?.filePath ?? '?'} and ${kept[k + 1]?.filePath ?? '?'}`);
    throw new SdpmError(
      'SERIES_GAP_REFUSED',
      `series ${summary.id}: irregular slice spacing (typical ${stack.typicalGapMm.toFixed(2)} mm; distinct gaps ${stack.distinctGapsMm.join(', ')} mm): ${detail.join('; ')}${gaps.length > 6 ? `; and ${gaps.length - 6} more` : ''}`,
      { path: first.filePath },
    );
  }
  const firstPos = kept[0]?.imagePositionPatient ?? [0, 0, 0];
  const plan = planVolumeGrid({ stack, firstPositionLps: firstPos, rows, columns, pixelSpacingMm: first.pixelSpacingMm, equidistant: true });
  const intLike = sorted.every((s) => Number.isInteger(s.rescaleSlope) && Number.isInteger(s.rescaleIntercept)) && Number.isInteger(paddingHu);
  const needBytes = estimateLoadBytes(plan, sorted.length, rows, columns, intLike);
  if (needBytes > maxBytes) {
    throw new SdpmError(
      'SERIES_TOO_LARGE',
      `series ${summary.id} (${first.filePath} and ${sorted.length - 1} more): ${sorted.length} slices of ${columns}x${rows} to a ${plan.dimensions.join('x')} grid need about ${formatBytes(needBytes)}, over the limit of ${formatBytes(maxBytes)} (raise maxBytes to load it)`,
      { path: first.filePath },
    );
  }

  // 2. Pixel data -> HU, into one stack (Int16 while every value fits, else Float32).
  const sliceVoxels = rows * columns;
  let huStack: Int16Array | Float32Array = intLike ? new Int16Array(sorted.length * sliceVoxels) : new Float32Array(sorted.length * sliceVoxels);
  let paddingCount = 0;
  const undecodable: SkippedFile[] = [];
  const decodeOne = async (h: SliceHeader, k: number): Promise<void> => {
    try {
      await decodeInto(h, k);
    } catch (err) {
      undecodable.push(toSkippedFile(h.filePath, err));
    }
  };
  const decodeInto = async (h: SliceHeader, k: number): Promise<void> => {
    const bytes = await readFile(h.filePath);
    const ds = parseDicomFile(bytes, h.filePath);
    const stored = await decodeFrame(ds, {
      transferSyntaxUid: h.transferSyntaxUid,
      rows,
      columns,
      bitsAllocated: h.bitsAllocated,
      bitsStored: h.bitsStored,
      pixelRepresentation: h.pixelRepresentation,
      samplesPerPixel: h.samplesPerPixel,
      photometricInterpretation: h.photometricInterpretation,
      filePath: h.filePath,
    });
    if (h.rows !== rows || h.columns !== columns) throw new SdpmError('SERIES_INCONSISTENT', `${h.filePath}: ${h.columns}x${h.rows} pixels, the series has ${columns}x${rows}`, { path: h.filePath });
    let r = sliceToHu(stored, h, paddingHu, huStack.subarray(k * sliceVoxels, (k + 1) * sliceVoxels));
    if (!r.fitted) {
      log.debug('HU outside int16, switching the volume to float32', { file: h.filePath });
      huStack = Float32Array.from(huStack);
      r = sliceToHu(stored, h, paddingHu, huStack.subarray(k * sliceVoxels, (k + 1) * sliceVoxels));
    }
    paddingCount += r.paddingCount;
  };
  await mapLimited(sorted, options.concurrency ?? 8, decodeOne);
  if (undecodable.length > 0) {
    // Leave the bad files out and plan again from the rest of the headers (leaveOutFiles.ts).
    const rest = summaryWithout(summary, undecodable, { maxBytes, paddingHu, acceptDerived: options.acceptDerived === true });
    const volume = await loadSeries(rest, options);
    const left = undecodable.map(leftOutNote);
    for (const n of left) log.warn(n, { series: summary.id });
    return { ...volume, corrections: { ...volume.corrections, notes: [...left, ...volume.corrections.notes] } };
  }
  const sliceView = (k: number): HuSlice => huStack.subarray(k * sliceVoxels, (k + 1) * sliceVoxels);

  for (const [k, ref] of dupOf) {
    const a = sorted[ref];
    const b = sorted[k];
    if (!sameValues(sliceView(ref), sliceView(k))) {
      throw new SdpmError(
        'SERIES_DUPLICATE_SLICES',
        `series ${summary.id}: ${a?.filePath ?? '?'} and ${b?.filePath ?? '?'} are at the same position (${fullStack.normalPositionsMm[k]?.toFixed(2) ?? '?'} mm along the normal) but have different pixel data`,
        { path: b?.filePath ?? '' },
      );
    }
    const msg = `duplicate slice dropped: ${b?.filePath ?? '?'} has the same position and pixel data as ${a?.filePath ?? '?'}`;
    notes.push(msg);
    log.warn(msg);
  }
  const keptIdx = sorted.map((_, k) => k).filter((k) => !dupOf.has(k));

  // 3. Grid.
  let voxels: Int16Array | Float32Array;
  if (plan.identity) {
    if (keptIdx.length === sorted.length) voxels = huStack;
    else {
      voxels = huStack instanceof Int16Array ? new Int16Array(keptIdx.length * sliceVoxels) : new Float32Array(keptIdx.length * sliceVoxels);
      keptIdx.forEach((k, o) => voxels.set(sliceView(k), o * sliceVoxels));
    }
  } else {
    voxels = resampleSlices(plan, keptIdx.map(sliceView), rows, columns, paddingHu);
  }

  const pad = paddingRange(first);
  if (pad !== null) notes.push(`PixelPaddingValue ${pad[0] === pad[1] ? pad[0] : `${pad[0]}..${pad[1]}`} (stored) mapped to ${paddingHu} HU in ${paddingCount} pixels`);
  if (plan.tiltCorrected) {
    const maxShift = Math.max(...plan.sourceOffsetPx.map(([u, v]) => Math.hypot(u, v)));
    notes.push(
      `gantry tilt ${stack.gantryTiltDeg.toFixed(2)} deg measured from slice positions${first.gantryDetectorTiltDeg === null ? '' : ` (header GantryDetectorTilt ${first.gantryDetectorTiltDeg})`}; ` +
        `corrected by shifting each slice in-plane (up to ${maxShift.toFixed(1)} px) onto an orthogonal grid along the slice normal, ${plan.dimensions[0]}x${plan.dimensions[1]} in-plane`,
    );
  }
  if (!stack.regular) {
    notes.push(`irregular slice gaps ${stack.distinctGapsMm.join(', ')} mm; resampled to ${plan.dimensions[2]} equidistant slices of ${plan.spacingMm[2].toFixed(3)} mm (linear along the normal)`);
  }
  for (const m of stack.missingSlices) notes.push(`about ${m.missing} missing slice(s) after ${kept[m.after]?.filePath ?? '?'}: gap ${m.gapMm.toFixed(2)} mm, typical ${stack.typicalGapMm.toFixed(2)} mm`);
  if (summary.reasons.includes(DERIVED_REASON) || summary.problems.some((p) => p.startsWith(DERIVED_REASON))) notes.push(`${DERIVED_REASON}: loaded because acceptDerived was set`);
  const ts = describeTransferSyntax(first.transferSyntaxUid);
  if (ts.lossy) notes.push(`pixel data is lossy compressed (${ts.name})`);
  for (const n of notes) log.info(n, { series: summary.id });

  return {
    dimensions: plan.dimensions,
    spacingMm: plan.spacingMm,
    originLps: plan.originLps,
    directionLps: plan.directionLps,
    voxels,
    paddingHu,
    identity: {
      patientName: first.patientName,
      patientId: first.patientId,
      patientBirthDate: first.patientBirthDate,
      patientSex: first.patientSex,
      studyInstanceUid: first.studyInstanceUid,
      studyDate: first.studyDate,
      studyTime: first.studyTime,
      studyDescription: first.studyDescription,
      accessionNumber: first.accessionNumber,
      seriesInstanceUid: first.seriesInstanceUid,
      seriesNumber: first.seriesNumber,
      seriesDescription: first.seriesDescription,
      modality: first.modality,
      frameOfReferenceUid: first.frameOfReferenceUid,
      manufacturer: first.manufacturer,
    },
    source: {
      imageOrientationPatient: first.imageOrientationPatient ?? [1, 0, 0, 0, 1, 0],
      pixelSpacingMm: first.pixelSpacingMm,
      rows,
      columns,
      slices: kept.map((h, k) => ({
        sopInstanceUid: h.sopInstanceUid,
        sopClassUid: h.sopClassUid,
        positionLps: h.imagePositionPatient ?? [0, 0, 0],
        normalPositionMm: stack.normalPositionsMm[k] ?? 0,
        instanceNumber: h.instanceNumber,
        filePath: h.filePath,
      })),
    },
    corrections: {
      gantryTiltDeg: stack.gantryTiltDeg,
      tiltCorrected: plan.tiltCorrected,
      resampledToEquidistant: plan.resampledToEquidistant,
      sliceGapsMm: stack.distinctGapsMm,
      notes,
    },
  };
}
