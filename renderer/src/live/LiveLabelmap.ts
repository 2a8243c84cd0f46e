/**
 * The page's record of the lesion labelmap as last counted: a shadow copy, the lesion voxel count and a
 * set hash, all updated incrementally from the slices a stroke touched. A stroke costs one pass over the
 * touched slices (Cornerstone names them in its SEGMENTATION_DATA_MODIFIED event), never a copy or a scan
 * of the whole volume. The run-length diff it returns is what the edit journal appends and what the
 * lesion worker applies. With a core LiveTotal it also keeps the report's total (mL) of the counted labelmap.
 */
import type { Runs } from '../segmentation/runLength';
import { runsBox, type LiveTotal, type Vec3 } from '../../../electron/core/lesions/index';

/** Multiplicative mix of a voxel index (a 32-bit odd-constant hash); XOR over the lesion voxels is the set hash. */
function mix(v: number): number {
  let h = Math.imul(v ^ 0x9e3779b9, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export interface SliceChange extends Runs {
  /** Lesion voxels after minus before. */
  netVoxels: number;
}

export class LiveLabelmap {
  readonly sliceSize: number;
  readonly nSlices: number;
  private shadow: Uint8Array;
  private count = 0;
  private hashBits = 0;

  /**
   * `total` (core LiveTotal for this study's grid and source slices) is kept up to date with every change, so
   * `totalMl` is the report's total of the counted labelmap without a whole-labelmap measure.
   */
  constructor(
    sliceSize: number,
    nSlices: number,
    private readonly total: LiveTotal | null = null,
    private readonly dims: Vec3 | null = null,
  ) {
    this.sliceSize = sliceSize;
    this.nSlices = nSlices;
    this.shadow = new Uint8Array(sliceSize * nSlices);
  }

  /** The total (mL) as measureLesions reports it for the counted labelmap; null without a LiveTotal. */
  get totalMl(): number | null {
    return this.total === null ? null : this.total.totalMl(this.count);
  }

  private totalTakes(runs: ArrayLike<number>): void {
    if (this.total === null || this.dims === null) return;
    const box = runsBox(runs, this.dims);
    if (box !== null) this.total.update(this.shadow, box.lo, box.hi);
  }

  get voxels(): number {
    return this.count;
  }

  /** Order-independent hash of the set of lesion voxels (8 hex digits); equal labelmaps give equal hashes. */
  get hash(): string {
    return this.hashBits.toString(16).padStart(8, '0');
  }

  /** The counted labelmap (read-only view; callers that keep it must copy). */
  get labelmap(): Uint8Array {
    return this.shadow;
  }

  /** Replaces everything (model result, threshold change, restore): one full pass. */
  replace(labelmap: Uint8Array): void {
    if (labelmap.length !== this.shadow.length) throw new Error(`labelmap has ${labelmap.length} voxels, expected ${this.shadow.length}`);
    this.shadow = labelmap.slice();
    let c = 0;
    let h = 0;
    for (let v = 0; v < labelmap.length; v++) {
      if (labelmap[v] !== 0) {
        c++;
        h ^= mix(v);
      }
    }
    this.count = c;
    this.hashBits = h >>> 0;
    this.total?.replace(this.shadow);
  }

  /**
   * Compares the given slices with the shadow, takes the changes in and returns them as runs (global voxel
   * indices, ascending). `readSlice(k)` returns slice k's current voxels (sliceSize values, not copied).
   */
  syncSlices(slices: Iterable<number>, readSlice: (k: number) => ArrayLike<number> | null): SliceChange {
    const runs: number[] = [];
    const values: number[] = [];
    let net = 0;
    const ks = [...new Set(slices)].filter((k) => k >= 0 && k < this.nSlices).sort((a, b) => a - b);
    for (const k of ks) {
      const data = readSlice(k);
      if (data === null || data.length < this.sliceSize) continue;
      const base = k * this.sliceSize;
      let i = 0;
      while (i < this.sliceSize) {
        const after = data[i]!;
        if (this.shadow[base + i] === after) {
          i++;
          continue;
        }
        const start = i;
        while (i < this.sliceSize && this.shadow[base + i] !== data[i] && data[i] === after) {
          const v = base + i;
          const wasOn = this.shadow[v] !== 0;
          const isOn = after !== 0;
          if (wasOn !== isOn) {
            net += isOn ? 1 : -1;
            this.hashBits = (this.hashBits ^ mix(v)) >>> 0;
          }
          this.shadow[v] = after;
          i++;
        }
        runs.push(base + start, i - start);
        values.push(after);
      }
    }
    this.count += net;
    this.totalTakes(runs);
    return { runs, values, netVoxels: net };
  }

  /** Applies known changes (a whole-labelmap operation whose changed voxels the caller knows). */
  applyRuns(r: Runs): number {
    let net = 0;
    for (let n = 0; n < r.values.length; n++) {
      const start = r.runs[2 * n]!;
      const len = r.runs[2 * n + 1]!;
      const value = r.values[n]!;
      for (let v = start; v < start + len; v++) {
        const wasOn = this.shadow[v] !== 0;
        if (wasOn !== (value !== 0)) {
          net += value !== 0 ? 1 : -1;
          this.hashBits = (this.hashBits ^ mix(v)) >>> 0;
        }
        this.shadow[v] = value;
      }
    }
    this.count += net;
    this.totalTakes(r.runs);
    return net;
  }
}
