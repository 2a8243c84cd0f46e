/**
 * An undo/redo record for a whole-labelmap operation (hole fill, island removal, interpolation, lesion
 * rejection), in the shape of Cornerstone's HistoryMemo items (`restoreMemo(undo)`), so these operations
 * sit in the same undo stack as the brush strokes. It keeps only the voxels the operation changed, with
 * their old and new values, and writes back only those: undoing it after later edits elsewhere leaves
 * those edits alone, exactly as Cornerstone's own brush memos do.
 */
export interface LabelmapMemo {
  restoreMemo: (undo?: boolean) => void;
  operationType: string;
  /** Number of voxels the operation changed. */
  nChanged: number;
}

export interface LabelmapAccess {
  /** A copy of the current labelmap. */
  read: () => Uint8Array;
  /** Replaces the labelmap (and tells the viewer it changed). */
  write: (values: Uint8Array) => void;
}

/** The memo for the change before -> after, or null when nothing changed. Throws on a size mismatch. */
export function createLabelmapMemo(before: Uint8Array, after: Uint8Array, access: LabelmapAccess, operationType: string): LabelmapMemo | null {
  if (before.length !== after.length) throw new Error(`labelmap sizes differ: ${before.length} before, ${after.length} after`);
  const indices: number[] = [];
  for (let v = 0; v < before.length; v++) if (before[v] !== after[v]) indices.push(v);
  if (indices.length === 0) return null;
  const index = Int32Array.from(indices);
  const oldValues = Uint8Array.from(index, (v) => before[v]!);
  const newValues = Uint8Array.from(index, (v) => after[v]!);
  return {
    operationType,
    nChanged: index.length,
    restoreMemo: (undo = true) => {
      const lm = access.read();
      const values = undo ? oldValues : newValues;
      for (let n = 0; n < index.length; n++) lm[index[n]!] = values[n]!;
      access.write(lm);
    },
  };
}
