/**
 * Run-length encoding of labelmap changes for the edit journal: voxels [runs[2n], runs[2n] + runs[2n+1])
 * take values[n]. A snapshot encodes the non-zero voxels of a whole labelmap; a diff encodes the voxels
 * an edit changed. Lesion masks are compact, so a stroke is a few hundred numbers.
 */
export interface Runs {
  runs: number[];
  values: number[];
}

/** Runs of equal non-zero value (a snapshot; background is implied). */
export function encodeSnapshot(labelmap: Uint8Array): Runs {
  const runs: number[] = [];
  const values: number[] = [];
  const n = labelmap.length;
  let i = 0;
  while (i < n) {
    const v = labelmap[i]!;
    if (v === 0) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && labelmap[i] === v) i++;
    runs.push(start, i - start);
    values.push(v);
  }
  return { runs, values };
}

/** Runs of voxels where `after` differs from `before`, with their new values. */
export function encodeDiff(before: Uint8Array, after: Uint8Array): Runs {
  if (before.length !== after.length) throw new Error(`labelmap sizes differ: ${before.length} vs ${after.length}`);
  const runs: number[] = [];
  const values: number[] = [];
  const n = after.length;
  let i = 0;
  while (i < n) {
    if (before[i] === after[i]) {
      i++;
      continue;
    }
    const start = i;
    const v = after[i]!;
    while (i < n && before[i] !== after[i] && after[i] === v) i++;
    runs.push(start, i - start);
    values.push(v);
  }
  return { runs, values };
}

/** Writes the runs into `target` (in place). Throws on a run outside the labelmap (a journal from another grid). */
export function applyRuns(target: Uint8Array, r: Runs): void {
  if (r.runs.length !== r.values.length * 2) throw new Error('runs and values do not match');
  for (let n = 0; n < r.values.length; n++) {
    const start = r.runs[2 * n]!;
    const len = r.runs[2 * n + 1]!;
    if (start + len > target.length) throw new Error(`run ${start}+${len} outside a labelmap of ${target.length} voxels`);
    target.fill(r.values[n]!, start, start + len);
  }
}

export function countNonZero(labelmap: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < labelmap.length; i++) if (labelmap[i] !== 0) c++;
  return c;
}

/** Net change in lesion voxel count caused by a diff applied on `before`. */
export function netVoxelChange(before: Uint8Array, r: Runs): number {
  let d = 0;
  for (let n = 0; n < r.values.length; n++) {
    const start = r.runs[2 * n]!;
    const len = r.runs[2 * n + 1]!;
    const nowOn = r.values[n]! !== 0;
    for (let i = start; i < start + len; i++) d += (nowOn ? 1 : 0) - (before[i] !== 0 ? 1 : 0);
  }
  return d;
}

/** FNV-1a (32-bit) of the labelmap, as hex: a cheap identity check of two labelmaps (tests, restore). */
export function hashLabelmap(labelmap: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < labelmap.length; i++) {
    h ^= labelmap[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
