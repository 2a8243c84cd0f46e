/**
 * Where the sampler's Gaussian noise comes from. Shapes and order follow models/BUNDLE-FORMAT.md:
 * y_sal `eps[n][ti]` [N, nT, S, S]; y_infer `eps0[n]` [N, S, S] then `z[n][step]` [N, steps, S, S]
 * (one z per reverse step except the last, t = 0).
 *
 * Two implementations: `SeededNoise` (production: xoshiro128** + Box-Muller, one stream per
 * (seed, slice index, mode, sample), consumed in index order, so the numbers do not depend on batch size,
 * slice-stack size or worker count) and `InjectedNoise` (tests: tensors exported from PyTorch).
 */
import { SdpmError } from '../errors';
import { Xoshiro128 } from './Xoshiro128';

export interface SliceNoise {
  /** y_sal noise for sample n at timestep index ti (ti-th used timestep), S*S values. */
  salEps(n: number, ti: number, out: Float32Array): void;
  /** y_infer initial noise for sample n. */
  inferEps0(n: number, out: Float32Array): void;
  /** y_infer reverse-step noise for sample n at step index `step` (0 = first step, at t = k). */
  inferZ(n: number, step: number, out: Float32Array): void;
}

export interface NoiseSource {
  /** `sliceIndex` is the slice's k index in the volume (or the case index in tests). */
  forSlice(sliceIndex: number): SliceNoise;
}

const TAG_SAL = 0x5a1;
const TAG_INFER = 0x1f3;

/**
 * Per (seed, slice, mode, sample) one xoshiro128** stream. y_sal sample n's stream yields eps[n][0],
 * eps[n][1], ... ; y_infer sample n's stream yields eps0[n], z[n][0], z[n][1], ... . Each stream must be
 * read in that order (the sampler does); reading out of order is an INTERNAL error, never silent.
 */
export class SeededNoise implements NoiseSource {
  constructor(readonly seed: number) {}

  forSlice(sliceIndex: number): SliceNoise {
    const seed = this.seed;
    const streams = new Map<string, { rng: Xoshiro128; next: number }>();
    const take = (tag: number, n: number, index: number, out: Float32Array): void => {
      const key = `${tag}:${n}`;
      let s = streams.get(key);
      if (s === undefined) {
        s = { rng: new Xoshiro128([seed, sliceIndex, tag, n]), next: 0 };
        streams.set(key, s);
      }
      if (index !== s.next) throw new SdpmError('INTERNAL', `noise stream ${key} of slice ${sliceIndex} read out of order (wanted ${index}, next is ${s.next})`);
      s.rng.fillNormal(out);
      s.next++;
    };
    return {
      salEps: (n, ti, out) => take(TAG_SAL, n, ti, out),
      inferEps0: (n, out) => take(TAG_INFER, n, 0, out),
      inferZ: (n, step, out) => take(TAG_INFER, n, step + 1, out),
    };
  }
}

/** Noise given as whole tensors (e.g. golden vectors from PyTorch). Missing tensors or short ones throw. */
export interface InjectedNoiseTensors {
  /** [N, nT, S, S] */
  salEps?: Float32Array;
  /** nT of salEps (its second dimension). */
  salSteps?: number;
  /** [N, S, S] */
  inferEps0?: Float32Array;
  /** [N, steps, S, S] */
  inferZ?: Float32Array;
  inferSteps?: number;
}

export class InjectedNoise implements NoiseSource {
  constructor(
    private readonly perSlice: readonly InjectedNoiseTensors[],
    private readonly pixels: number,
  ) {}

  forSlice(sliceIndex: number): SliceNoise {
    const t = this.perSlice[sliceIndex];
    if (t === undefined) throw new SdpmError('INTERNAL', `no injected noise for slice ${sliceIndex}`);
    const P = this.pixels;
    const copy = (src: Float32Array | undefined, offset: number, out: Float32Array, what: string): void => {
      if (src === undefined || offset + P > src.length) throw new SdpmError('INTERNAL', `injected noise ${what} missing or too short`);
      out.set(src.subarray(offset, offset + P));
    };
    return {
      salEps: (n, ti, out) => copy(t.salEps, (n * (t.salSteps ?? 0) + ti) * P, out, `salEps[${n}][${ti}]`),
      inferEps0: (n, out) => copy(t.inferEps0, n * P, out, `inferEps0[${n}]`),
      inferZ: (n, step, out) => copy(t.inferZ, (n * (t.inferSteps ?? 0) + step) * P, out, `inferZ[${n}][${step}]`),
    };
  }
}
