/**
 * Stable lesion IDs. A lesion keeps its ID from the engine's result through the app's edits to the report and
 * the SEG segment (Tracking ID), so "lesion 3" is the same voxels in every view; nothing is matched by centroid.
 *
 * Rule: the engine's lesions are numbered 1..n by decreasing volume (ties: first voxel in raster order).
 * After an edit, each connected component of the new mask takes the ID of the reference lesion it overlaps
 * most (voxel count; ties: smaller ID). When several components claim one ID (a lesion cut in two), the one
 * with the larger overlap keeps it (ties: larger component, then raster order); every other component gets a
 * fresh ID above every ID in the reference, in decreasing size. A merged lesion keeps the ID it overlaps most.
 */

/**
 * IDs for the components 1..count of `labels` (0 = background). `reference`: the previous ID map (voxel -> ID,
 * 0 = none) on the same grid, or null for the engine's first labelling (then ID = component label).
 * `firstFreeId`: the smallest ID a new lesion may take (default: 1 + the largest ID in `reference`); pass the
 * largest ID ever issued + 1 so a rejected lesion's ID is never reused.
 */
export function assignLesionIds(labels: Int32Array, count: number, reference: Int32Array | null, firstFreeId?: number): number[] {
  if (reference === null) return Array.from({ length: count }, (_, i) => i + 1);
  if (reference.length !== labels.length) throw new RangeError(`assignLesionIds: reference has ${reference.length} voxels, labels ${labels.length}`);
  // overlap counts per component: Map<refId, voxels>
  const overlap: Array<Map<number, number>> = Array.from({ length: count + 1 }, () => new Map<number, number>());
  let maxRef = 0;
  for (let i = 0; i < labels.length; i++) {
    const r = reference[i] as number;
    if (r > maxRef) maxRef = r;
    const c = labels[i] as number;
    if (c === 0 || r === 0) continue;
    const m = overlap[c] as Map<number, number>;
    m.set(r, (m.get(r) ?? 0) + 1);
  }
  const best: Array<{ c: number; id: number; n: number }> = [];
  for (let c = 1; c <= count; c++) {
    let id = 0;
    let n = 0;
    for (const [r, k] of overlap[c] as Map<number, number>) if (k > n || (k === n && r < id)) [id, n] = [r, k];
    if (id !== 0) best.push({ c, id, n });
  }
  // component labels are already in size order (largest first), so c breaks ties by size then raster order
  best.sort((a, b) => a.id - b.id || b.n - a.n || a.c - b.c);
  const ids = new Array<number>(count).fill(0);
  const taken = new Set<number>();
  for (const b of best) {
    if (taken.has(b.id)) continue;
    taken.add(b.id);
    ids[b.c - 1] = b.id;
  }
  let next = Math.max(firstFreeId ?? 0, maxRef + 1);
  for (let c = 1; c <= count; c++) if (ids[c - 1] === 0) ids[c - 1] = next++;
  return ids;
}

/** The ID map (voxel -> lesion ID, 0 = background) from component labels and their IDs. */
export function idMapFrom(labels: Int32Array, ids: readonly number[]): Int32Array {
  const out = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i] as number;
    if (c !== 0) out[i] = ids[c - 1] as number;
  }
  return out;
}

/**
 * Reject a lesion: clears exactly the voxels of lesion `id` (per `idMap`) in `mask`, in place. Returns the
 * number of voxels cleared (0 when no voxel has that ID). Other lesions are untouched, whatever their size.
 */
export function rejectLesion(mask: Uint8Array, idMap: Int32Array, id: number): number {
  if (mask.length !== idMap.length) throw new RangeError(`rejectLesion: mask has ${mask.length} voxels, ID map ${idMap.length}`);
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (idMap[i] === id && mask[i] !== 0) {
      mask[i] = 0;
      n++;
    }
  }
  return n;
}

/**
 * Restore a dropped candidate from its voxel list (the engine's `inference:dropped` gives each candidate's voxel
 * indices on the volume grid): sets those voxels in `mask`. Returns voxels set; indices outside the mask throw.
 */
export function restoreVoxels(mask: Uint8Array, voxels: ArrayLike<number>): number {
  let n = 0;
  for (let k = 0; k < voxels.length; k++) {
    const v = voxels[k] ?? -1;
    if (!Number.isInteger(v) || v < 0 || v >= mask.length) throw new RangeError(`restoreVoxels: voxel index ${v} outside a mask of ${mask.length} voxels`);
    if (mask[v] === 0) {
      mask[v] = 1;
      n++;
    }
  }
  return n;
}

/** Whether every voxel of a candidate is set in `mask` (a restored candidate; e.g. after a reload from the journal). */
export function voxelsAllSet(mask: Uint8Array, voxels: ArrayLike<number>): boolean {
  if (voxels.length === 0) return false;
  for (let k = 0; k < voxels.length; k++) if (mask[voxels[k] ?? -1] !== 1) return false;
  return true;
}

/** Restore a lesion (e.g. a dropped candidate): sets the voxels of lesion `id` in `mask`. Returns voxels set. */
export function restoreLesion(mask: Uint8Array, idMap: Int32Array, id: number): number {
  if (mask.length !== idMap.length) throw new RangeError(`restoreLesion: mask has ${mask.length} voxels, ID map ${idMap.length}`);
  let n = 0;
  for (let i = 0; i < mask.length; i++) {
    if (idMap[i] === id && mask[i] === 0) {
      mask[i] = 1;
      n++;
    }
  }
  return n;
}
