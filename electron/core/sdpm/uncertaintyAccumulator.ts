/**
 * Per-voxel sampling uncertainty on the study grid, accumulated slice by slice (so memory stays bounded by
 * the output volumes, never by N sample volumes).
 *
 * The samples: the per-sample probability maps of the sampled modes that ran, pooled: y_sal's q_n (each
 * sample's salient-weighted estimate) and y_infer's chain outputs. y_avg is one deterministic call and has no
 * samples. For each voxel, with p_s the sample maps mapped to the study grid (bilinear, like the probability):
 * - mean probability  p̄ = mean_s p_s
 * - std               sqrt(mean_s (p_s - p̄)²) (population std over the N samples)
 * - entropy (bits)    H(p̄) = -p̄ log2 p̄ - (1-p̄) log2(1-p̄): 0 = all samples certain and agreeing, 1 = p̄ = 0.5
 * - positives count   number of samples with p_s > threshold (each sample thresholded on the study grid)
 * The agreement with the final mask is derived from the count at the end (final ? count/N : 1 - count/N).
 * Each sample's positive voxels are also kept as sparse index lists, for per-sample lesion volumes.
 */
export interface StudySliceMapper {
  /** bilinear map of an S×S model-grid array onto the study slice (nx*ny values) */
  map(src: Float32Array, out: Float32Array): void;
}

class IndexList {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const d = new Uint32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length++] = v;
  }
  view(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

export class UncertaintyAccumulator {
  readonly sliceSize: number;
  readonly std: Float32Array;
  readonly entropyBits: Float32Array;
  readonly positives: Uint16Array;
  private readonly perSample: IndexList[];
  private readonly tmp: Float32Array;

  constructor(
    readonly nx: number,
    readonly ny: number,
    readonly nz: number,
    readonly nSamples: number,
    readonly threshold: number,
  ) {
    this.sliceSize = nx * ny;
    const n = nx * ny * nz;
    this.std = new Float32Array(n);
    this.entropyBits = new Float32Array(n);
    this.positives = new Uint16Array(n);
    this.perSample = Array.from({ length: nSamples }, () => new IndexList());
    this.tmp = new Float32Array(this.sliceSize);
  }

  /** Adds slice k's sample maps (model grid, S×S each, `nSamples` of them). */
  addSlice(k: number, samples: readonly Float32Array[], mapper: StudySliceMapper): void {
    const P = samples[0]?.length ?? 0;
    const N = samples.length;
    const mean = new Float32Array(P);
    const sq = new Float32Array(P);
    for (const s of samples) for (let i = 0; i < P; i++) mean[i] = (mean[i] ?? 0) + (s[i] ?? 0) / N;
    for (const s of samples) for (let i = 0; i < P; i++) sq[i] = (sq[i] ?? 0) + ((s[i] ?? 0) - (mean[i] ?? 0)) ** 2 / N;
    for (let i = 0; i < P; i++) sq[i] = Math.sqrt(sq[i] ?? 0);
    const off = k * this.sliceSize;
    mapper.map(sq, this.tmp);
    this.std.set(this.tmp, off);
    mapper.map(mean, this.tmp);
    for (let i = 0; i < this.sliceSize; i++) {
      const p = Math.min(1, Math.max(0, this.tmp[i] ?? 0));
      this.entropyBits[off + i] = p <= 0 || p >= 1 ? 0 : -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
    }
    samples.forEach((s, n) => {
      // a bilinear value can exceed the threshold only where some model pixel does: skip empty samples
      let any = false;
      for (let i = 0; i < P; i++) {
        if ((s[i] ?? 0) > this.threshold) {
          any = true;
          break;
        }
      }
      if (!any) return;
      mapper.map(s, this.tmp);
      const list = this.perSample[n] as IndexList;
      for (let i = 0; i < this.sliceSize; i++) {
        if ((this.tmp[i] ?? 0) > this.threshold) {
          this.positives[off + i] = (this.positives[off + i] ?? 0) + 1;
          list.push(off + i);
        }
      }
    });
  }

  /** Flat voxel indices where sample n is positive. */
  samplePositives(n: number): Uint32Array {
    return this.perSample[n]?.view() ?? new Uint32Array(0);
  }

  /** Fraction of samples agreeing with the final mask at each voxel. */
  agreement(finalMask: Uint8Array): Float32Array {
    const out = new Float32Array(finalMask.length);
    const N = this.nSamples;
    for (let i = 0; i < out.length; i++) {
      const c = (this.positives[i] ?? 0) / N;
      out[i] = finalMask[i] !== 0 ? c : 1 - c;
    }
    return out;
  }
}
