/**
 * Small typed reader for JSON parsed from a bundle file (`unknown` in, checked values out). Every failure
 * is an SdpmError BUNDLE_INVALID whose message names the file and the JSON path of the field, e.g.
 * `sampler.json: presets.paper.ySal.window must be an integer >= 1 (got "x")`.
 */
import { SdpmError } from '../errors';

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export class JsonReader {
  constructor(
    readonly file: string,
    readonly value: unknown,
    readonly path: string = '',
    private readonly filePath: string = file,
  ) {}

  fail(problem: string): never {
    const where = this.path === '' ? '' : ` ${this.path}`;
    throw new SdpmError('BUNDLE_INVALID', `${this.file}:${where} ${problem}`, { path: this.filePath });
  }

  private sub(key: string | number): string {
    return typeof key === 'number' ? `${this.path}[${key}]` : this.path === '' ? key : `${this.path}.${key}`;
  }

  has(key: string): boolean {
    return this.isObject() && (this.value as Record<string, unknown>)[key] !== undefined;
  }

  isObject(): boolean {
    return typeof this.value === 'object' && this.value !== null && !Array.isArray(this.value);
  }

  /** The child reader of an object field; fails if this value is not an object. */
  field(key: string): JsonReader {
    if (!this.isObject()) this.fail(`must be an object (got ${describe(this.value)})`);
    return new JsonReader(this.file, (this.value as Record<string, unknown>)[key], this.sub(key), this.filePath);
  }

  keys(): string[] {
    if (!this.isObject()) this.fail(`must be an object (got ${describe(this.value)})`);
    return Object.keys(this.value as Record<string, unknown>);
  }

  items(): JsonReader[] {
    if (!Array.isArray(this.value)) this.fail(`must be an array (got ${describe(this.value)})`);
    return (this.value as unknown[]).map((v, i) => new JsonReader(this.file, v, this.sub(i), this.filePath));
  }

  number(opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.value;
    const what = opts.integer === true ? 'an integer' : 'a number';
    const range = `${opts.min !== undefined ? ` >= ${opts.min}` : ''}${opts.max !== undefined ? ` <= ${opts.max}` : ''}`;
    if (typeof v !== 'number' || !Number.isFinite(v) || (opts.integer === true && !Number.isInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      this.fail(`must be ${what}${range} (got ${describe(v)})`);
    }
    return v;
  }

  int(min?: number, max?: number): number {
    return this.number({ integer: true, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail(`must be a string (got ${describe(this.value)})`);
    return this.value as string;
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail(`must be true or false (got ${describe(this.value)})`);
    return this.value as boolean;
  }

  oneOf<T extends string>(allowed: readonly T[]): T {
    const s = this.string();
    if (!(allowed as readonly string[]).includes(s)) this.fail(`must be one of ${allowed.join(', ')} (got ${describe(s)})`);
    return s as T;
  }

  /** A float32 table of exactly `length` finite numbers. */
  float32Array(length: number): Float32Array {
    const items = this.items();
    if (items.length !== length) this.fail(`must have ${length} entries (got ${items.length})`);
    const out = new Float32Array(length);
    items.forEach((r, i) => {
      out[i] = r.number();
    });
    return out;
  }

  /** A measured rate's 95% interval: [low, high] inside [0, 1] that contains `rate` (named `rateName` in the error). */
  rateInterval(rate: number, rateName: string): [number, number] {
    const items = this.items();
    if (items.length !== 2) this.fail('must be [low, high]');
    const lo = (items[0] as JsonReader).number({ min: 0, max: 1 });
    const hi = (items[1] as JsonReader).number({ min: 0, max: 1 });
    if (!(lo <= rate && rate <= hi)) this.fail(`must contain ${rateName} ${rate} (got [${lo}, ${hi}])`);
    return [lo, hi];
  }

  /** Checks the top-level `formatVersion` is 1. */
  formatVersion1(): void {
    const v = this.field('formatVersion');
    if (v.value !== 1) v.fail(`must be 1 (got ${describe(v.value)}); this build reads bundle format version 1`);
  }
}
