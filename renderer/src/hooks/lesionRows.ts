/**
 * Rows of the lesion table: the live measurement, with each lesion's sample interval from the run when the
 * lesion is still exactly the model's (same stable ID, same voxel count). An edited lesion has no interval:
 * the samples describe the model's contour, not the reader's.
 */
import type { Response } from '../../../electron/ipc/contract';
import type { LesionTable } from '../live/LesionModel';

export type LesionRow = Response<'volumetry:measure'>['lesions'][number];
export type IntervalsById = ReadonlyMap<number, { voxelCount: number; intervalMl: LesionRow['sampleIntervalMl'] }>;

export function lesionRows(table: LesionTable | null, intervals: IntervalsById): LesionRow[] {
  if (table === null) return [];
  return table.lesions.map((l) => {
    const iv = intervals.get(l.lesionId);
    return {
      lesionId: l.lesionId,
      voxelCount: l.voxelCount,
      volumeMl: l.volumeMl,
      sampleIntervalMl: iv !== undefined && iv.voxelCount === l.voxelCount ? iv.intervalMl : null,
      abc2Ml: l.abc2Ml,
      centroidIjk: l.centroidIjk,
    };
  });
}
