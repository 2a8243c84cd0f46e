/**
 * Splits the files of a folder into image series. Files are grouped by SeriesInstanceUID, and a series
 * is split further where its slices cannot form one volume: different orientation (IOP), matrix size,
 * pixel spacing, ImageType (its first three values) or pixel format. Slices of different acquisitions (AcquisitionNumber) are
 * split only when they repeat positions (a rescan): several vendors give each slice of a single sweep
 * its own AcquisitionNumber, and dcm2niix keeps those together as well.
 */
import type { SliceHeader } from './SliceHeader';
import { DUPLICATE_TOLERANCE_MM, cross, dot, normalize } from './analyzeSliceStack';
import type { Vec3 } from './Volume';

export interface SliceGroup {
  seriesInstanceUid: string;
  splitReason: string | null;
  slices: SliceHeader[];
}

const round = (v: number, step: number): string => (Math.round(v / step) * step).toFixed(4);

function subKey(h: SliceHeader): { key: string; parts: Record<string, string> } {
  const parts: Record<string, string> = {
    orientation: h.imageOrientationPatient === null ? 'none' : h.imageOrientationPatient.map((v) => round(v, 1e-3)).join(','),
    size: `${h.columns}x${h.rows}`,
    'pixel spacing': h.pixelSpacingMm === null ? 'none' : h.pixelSpacingMm.map((v) => round(v, 1e-4)).join(','),
    // Only the first three ImageType values are defined by the standard (ORIGINAL/DERIVED, PRIMARY/SECONDARY,
    // AXIAL/LOCALIZER for CT); later ones are vendor flags (GE marks some slices of one sweep "ADD").
    'image type': h.imageType.slice(0, 3).join('\\'),
    'pixel format': `${h.samplesPerPixel}/${h.bitsAllocated}/${h.pixelRepresentation}/${h.numberOfFrames}`,
  };
  return { key: Object.values(parts).join('|'), parts };
}

function normalPosition(h: SliceHeader): number | null {
  const o = h.imageOrientationPatient;
  const p = h.imagePositionPatient;
  if (o === null || p === null) return null;
  const n: Vec3 = normalize(cross([o[0], o[1], o[2]], [o[3], o[4], o[5]]));
  return dot(p, n);
}

function hasRepeatedPositions(slices: readonly SliceHeader[]): boolean {
  const pos = slices.map(normalPosition).filter((p): p is number => p !== null).sort((a, b) => a - b);
  return pos.some((p, k) => k > 0 && p - (pos[k - 1] ?? 0) < DUPLICATE_TOLERANCE_MM);
}

/** Splits by AcquisitionNumber when the series repeats positions and each acquisition alone does not. */
function splitByAcquisition(slices: SliceHeader[]): SliceHeader[][] | null {
  if (!hasRepeatedPositions(slices)) return null;
  const byAcq = new Map<string, SliceHeader[]>();
  for (const s of slices) {
    const k = String(s.acquisitionNumber ?? '');
    byAcq.set(k, [...(byAcq.get(k) ?? []), s]);
  }
  if (byAcq.size < 2) return null;
  const parts = [...byAcq.values()];
  return parts.every((p) => !hasRepeatedPositions(p)) ? parts : null;
}

export function groupSlices(headers: readonly SliceHeader[]): SliceGroup[] {
  const bySeries = new Map<string, SliceHeader[]>();
  for (const h of headers) {
    const uid = h.seriesInstanceUid || `(no SeriesInstanceUID) ${h.filePath}`;
    bySeries.set(uid, [...(bySeries.get(uid) ?? []), h]);
  }
  const out: SliceGroup[] = [];
  for (const [uid, slices] of bySeries) {
    const sub = new Map<string, SliceHeader[]>();
    const partsOf = new Map<string, Record<string, string>>();
    for (const s of slices) {
      const { key, parts } = subKey(s);
      sub.set(key, [...(sub.get(key) ?? []), s]);
      partsOf.set(key, parts);
    }
    const keys = [...sub.keys()];
    // Each part is described against the largest part (the main acquisition).
    const mainKey = keys.reduce((best, k) => ((sub.get(k)?.length ?? 0) > (sub.get(best)?.length ?? 0) ? k : best), keys[0] ?? '');
    const mainParts = partsOf.get(mainKey) ?? {};
    const diff = (key: string): string[] => Object.keys(mainParts).filter((name) => partsOf.get(key)?.[name] !== mainParts[name]);
    const differing = (key: string): string => {
      if (key !== mainKey) return `${diff(key).join(', ')} differs from the rest of the series`;
      const others = [...new Set(keys.filter((k) => k !== key).flatMap(diff))];
      return `main part; other slices of this series differ in ${others.join(', ')}`;
    };
    for (const key of keys) {
      const group = sub.get(key) ?? [];
      const reason = keys.length > 1 ? differing(key) : null;
      const acq = splitByAcquisition(group);
      if (acq === null) out.push({ seriesInstanceUid: uid, splitReason: reason, slices: group });
      else
        for (const part of acq)
          out.push({
            seriesInstanceUid: uid,
            splitReason: `${reason === null ? '' : `${reason}; `}acquisition ${part[0]?.acquisitionNumber ?? '?'} repeats positions of another acquisition`,
            slices: part,
          });
    }
  }
  return out;
}
