/**
 * Hand-written parsers from `unknown`: the only way data crosses the API edge (IPC, HTTP, worker).
 * Each parser either returns a value of its static type or throws `SchemaError` naming the path of the
 * offending field (`request.settings.nSamples: expected an integer >= 1, got 0`). No dependency, no
 * `any`: the static type is inferred from the parser (`Infer<typeof p>`).
 */
export class SchemaError extends Error {
  readonly fieldPath: string;
  constructor(fieldPath: string, expected: string, got: unknown) {
    super(`${fieldPath}: expected ${expected}, got ${describe(got)}`);
    this.name = 'SchemaError';
    this.fieldPath = fieldPath;
  }
}

export type Parser<T> = (value: unknown, path: string) => T;
export type Infer<P> = P extends Parser<infer T> ? T : never;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v instanceof Uint8Array) return `bytes(${v.byteLength})`;
  if (Array.isArray(v)) return `array(${v.length})`;
  if (typeof v === 'string') return v.length > 40 ? `string "${v.slice(0, 40)}..."` : `string "${v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v;
}

export const str =
  (opts: { maxLength?: number; minLength?: number } = {}): Parser<string> =>
  (v, p) => {
    const max = opts.maxLength ?? 4096;
    const min = opts.minLength ?? 0;
    if (typeof v !== 'string' || v.length > max || v.length < min) throw new SchemaError(p, `a string of ${min}..${max} characters`, v);
    return v;
  };

export const num =
  (opts: { min?: number; max?: number } = {}): Parser<number> =>
  (v, p) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new SchemaError(p, 'a finite number', v);
    if (opts.min !== undefined && v < opts.min) throw new SchemaError(p, `a number >= ${opts.min}`, v);
    if (opts.max !== undefined && v > opts.max) throw new SchemaError(p, `a number <= ${opts.max}`, v);
    return v;
  };

export const int =
  (opts: { min?: number; max?: number } = {}): Parser<number> =>
  (v, p) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new SchemaError(p, 'an integer', v);
    if (opts.min !== undefined && v < opts.min) throw new SchemaError(p, `an integer >= ${opts.min}`, v);
    if (opts.max !== undefined && v > opts.max) throw new SchemaError(p, `an integer <= ${opts.max}`, v);
    return v;
  };

export const bool = (): Parser<boolean> => (v, p) => {
  if (typeof v !== 'boolean') throw new SchemaError(p, 'a boolean', v);
  return v;
};

export const literal =
  <const T extends string | number | boolean | null>(...values: readonly T[]): Parser<T> =>
  (v, p) => {
    if (!values.includes(v as T)) throw new SchemaError(p, `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, v);
    return v as T;
  };

/** Raw bytes. Over IPC a Uint8Array survives structured clone; over HTTP the wire codec restores it. */
export const bytes =
  (opts: { maxBytes?: number } = {}): Parser<Uint8Array> =>
  (v, p) => {
    if (!(v instanceof Uint8Array)) throw new SchemaError(p, 'bytes', v);
    if (opts.maxBytes !== undefined && v.byteLength > opts.maxBytes) throw new SchemaError(p, `at most ${opts.maxBytes} bytes`, v);
    return v;
  };

export const nullable =
  <T>(inner: Parser<T>): Parser<T | null> =>
  (v, p) =>
    v === null ? null : inner(v, p);

export const arr =
  <T>(item: Parser<T>, opts: { maxLength?: number } = {}): Parser<T[]> =>
  (v, p) => {
    if (!Array.isArray(v)) throw new SchemaError(p, 'an array', v);
    const max = opts.maxLength ?? 1_000_000;
    if (v.length > max) throw new SchemaError(p, `an array of at most ${max} items`, v);
    return v.map((x: unknown, i) => item(x, `${p}[${i}]`));
  };

/** Marks an object field as optional (may be absent; `undefined` is treated as absent). */
export interface OptionalField<T> {
  readonly optional: Parser<T>;
}
export const optional = <T>(inner: Parser<T>): OptionalField<T> => ({ optional: inner });

type Shape = Record<string, Parser<unknown> | OptionalField<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalField<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalField<unknown> ? K : never }[keyof S];
type FieldType<F> = F extends OptionalField<infer T> ? T : F extends Parser<infer T> ? T : never;
export type ObjectOf<S extends Shape> = { [K in RequiredKeys<S>]: FieldType<S[K]> } & { [K in OptionalKeys<S>]?: FieldType<S[K]> };

/** A plain object with exactly these fields: unknown fields are rejected (they usually mean a client/server mismatch). */
export const obj =
  <S extends Shape>(shape: S): Parser<{ [K in keyof ObjectOf<S>]: ObjectOf<S>[K] }> =>
  (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) throw new SchemaError(p, 'an object', v);
    const src = v as Record<string, unknown>;
    for (const key of Object.keys(src)) {
      if (!Object.prototype.hasOwnProperty.call(shape, key)) throw new SchemaError(`${p}.${key}`, 'no such field', src[key]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const value = src[key];
      if (typeof field === 'function') out[key] = field(value, `${p}.${key}`);
      else if (value !== undefined) out[key] = field.optional(value, `${p}.${key}`);
    }
    return out as { [K in keyof ObjectOf<S>]: ObjectOf<S>[K] };
  };

/** A fixed-length tuple of numbers (vectors, matrices). */
export const numTuple =
  <N extends number>(n: N): Parser<number[]> =>
  (v, p) => {
    if (!Array.isArray(v) || v.length !== n) throw new SchemaError(p, `an array of ${n} numbers`, v);
    return v.map((x: unknown, i) => num()(x, `${p}[${i}]`));
  };

/** Two numbers, typed as a pair (e.g. an interval [low, high]). */
export const numPair: Parser<[number, number]> = (v, p) => {
  const t = numTuple(2)(v, p);
  return [t[0] as number, t[1] as number];
};

export const empty = obj({});

/** A union discriminated by a string field (`kind`), each variant an `obj` parser that includes the tag. */
export const tagged =
  <K extends string, M extends Record<string, Parser<unknown>>>(key: K, variants: M): Parser<Infer<M[keyof M]>> =>
  (v, p) => {
    const tag = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(variants, tag)) {
      throw new SchemaError(`${p}.${key}`, `one of ${Object.keys(variants).join(', ')}`, tag);
    }
    return variants[tag]!(v, p) as Infer<M[keyof M]>;
  };
