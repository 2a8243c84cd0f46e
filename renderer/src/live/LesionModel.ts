/**
 * Lesion measurement for the page, run inside a Web Worker (lesionWorker.ts) so that neither the UI
 * thread nor Electron's main process does it. Keeps its own copy of the labelmap, takes each stroke in as
 * a run-length diff (only the changed voxels cross the thread boundary), and measures with the core's
 * lesion rules (same connectivity, stable lesion IDs and voxel volume as the engine and the report): after
 * an edit, IDs follow the previous measurement (core lesionIds.ts), and a new model mask starts a fresh
 * numbering. It also answers which voxels carry a lesion ID in its last measurement, so that rejecting a
 * lesion removes exactly the lesion the table shows.
 */
import { measureLesions } from '../../../electron/core/lesions';

/** The grid, and the source slices as acquired when known (volumes are then measured on them, as in the report). */
export type LesionGeometry = Parameters<typeof measureLesions>[1];
import type { Runs } from '../segmentation/runLength';

export interface LiveLesion {
  lesionId: number;
  voxelCount: number;
  volumeMl: number;
  abc2Ml: number;
  centroidIjk: [number, number, number];
}

export interface LesionTable {
  /** Version of the labelmap this table measures (one more per replace/diff). */
  version: number;
  totalMl: number;
  voxelMl: number;
  lesions: LiveLesion[];
}

export class LesionModel {
  private readonly geometry: LesionGeometry;
  private labelmap: Uint8Array;
  private labels: Int32Array | null = null;
  private labelsVersion = -1;
  /** Next measurement starts the engine's numbering (a new model mask) instead of following `labels`. */
  private fresh = true;
  /** One above the largest ID ever issued since the last fresh numbering: a rejected lesion's ID is not reused. */
  private nextFreeId = 1;
  version = 0;

  constructor(geometry: LesionGeometry) {
    this.geometry = geometry;
    const [nx, ny, nz] = geometry.dimensions;
    this.labelmap = new Uint8Array(nx * ny * nz);
  }

  /** `fresh`: a model mask (IDs restart as the engine numbers them); otherwise IDs follow the last table. */
  replace(labelmap: Uint8Array, fresh: boolean): void {
    if (labelmap.length !== this.labelmap.length) throw new Error(`labelmap has ${labelmap.length} voxels, the grid ${this.labelmap.length}`);
    this.labelmap = labelmap;
    this.version++;
    if (fresh) {
      // Number this model mask now, so that edits sent right after it follow its numbering.
      this.fresh = true;
      this.model = { version: this.version, lesions: this.measure().lesions };
    }
  }

  /** The lesions of the last model mask as first numbered here, with its version. */
  private model: { version: number; lesions: LiveLesion[] } | null = null;

  /**
   * Takes over the services' lesion IDs for the model mask of `modelVersion` (the engine's stable IDs, which
   * can skip numbers, e.g. for candidates the plausibility rules dropped). Both sides measured the same mask
   * with the same core function, so each component appears on both with the same voxel count and the same
   * centroid (identical numbers, not a nearest-point search): that pairs the IDs. The mapping is applied
   * to the current IDs, which followed the model's through any edits since. Returns false when the model
   * mask was replaced in the meantime (then nothing changes).
   */
  adoptIds(modelVersion: number, services: ReadonlyArray<{ lesionId: number; voxelCount: number; centroidIjk: readonly number[] }>): boolean {
    this.version++; // always: the page counts this message as a new version whether or not it applies
    if (this.model === null || this.model.version !== modelVersion || this.labels === null) return false;
    const key = (n: number, c: readonly number[]) => `${n}:${c.map((x) => x.toFixed(6)).join(',')}`;
    const byKey = new Map(services.map((l) => [key(l.voxelCount, l.centroidIjk), l.lesionId]));
    const map = new Map<number, number>();
    for (const l of this.model.lesions) {
      const id = byKey.get(key(l.voxelCount, l.centroidIjk));
      if (id !== undefined) map.set(l.lesionId, id);
    }
    let next = Math.max(0, ...services.map((l) => l.lesionId)) + 1;
    const labels = this.labels;
    const seen = new Map<number, number>();
    for (let v = 0; v < labels.length; v++) {
      const a = labels[v]!;
      if (a === 0) continue;
      let b = map.get(a) ?? seen.get(a);
      if (b === undefined) {
        b = next++;
        seen.set(a, b);
      }
      labels[v] = b;
    }
    this.nextFreeId = next;
    this.fresh = false;
    return true;
  }

  applyDiff(r: Runs): void {
    for (let n = 0; n < r.values.length; n++) {
      const start = r.runs[2 * n]!;
      const len = r.runs[2 * n + 1]!;
      if (start + len > this.labelmap.length) throw new Error(`run ${start}+${len} outside the labelmap`);
      this.labelmap.fill(r.values[n]!, start, start + len);
    }
    this.version++;
  }

  measure(): LesionTable {
    const reference = this.fresh ? null : this.labels;
    const m = measureLesions(this.labelmap, this.geometry, { reference, ...(this.fresh ? {} : { firstFreeId: this.nextFreeId }) });
    this.fresh = false;
    this.labels = m.idMap;
    this.labelsVersion = this.version;
    this.nextFreeId = Math.max(reference === null ? 1 : this.nextFreeId, ...m.lesions.map((l) => l.id + 1));
    return {
      version: this.version,
      totalMl: m.totalVolumeMl,
      voxelMl: m.voxelVolumeMl,
      lesions: m.lesions.map((l) => ({
        lesionId: l.id,
        voxelCount: l.voxelCount,
        volumeMl: l.volumeMl,
        abc2Ml: l.abc2.volumeMl,
        centroidIjk: [l.centroidIjk[0], l.centroidIjk[1], l.centroidIjk[2]],
      })),
    };
  }

  private saved: { labelmap: Uint8Array; labels: Int32Array | null; fresh: boolean; nextFreeId: number } | null = null;

  /** Remembers the current state (before an SDPM run) so that a cancelled run can go back to it exactly. */
  checkpoint(): void {
    this.saved = { labelmap: this.labelmap.slice(), labels: this.labels, fresh: this.fresh, nextFreeId: this.nextFreeId };
  }

  /** Back to the checkpoint: same labelmap and the same lesion IDs as before the run. */
  restoreCheckpoint(): void {
    if (this.saved === null) return;
    this.labelmap = this.saved.labelmap;
    this.labels = this.saved.labels;
    this.fresh = this.saved.fresh;
    this.nextFreeId = this.saved.nextFreeId;
    this.saved = null;
    this.version++;
  }

  /**
   * Voxel indices of lesion `lesionId` as measured at `version`; null when the labelmap changed since
   * (the table the reader saw is stale, so the caller must not guess).
   */
  voxelsOf(lesionId: number, version: number): Int32Array | null {
    if (this.labels === null || this.labelsVersion !== version || this.version !== version) return null;
    const out: number[] = [];
    const labels = this.labels;
    for (let v = 0; v < labels.length; v++) if (labels[v] === lesionId) out.push(v);
    return Int32Array.from(out);
  }
}
