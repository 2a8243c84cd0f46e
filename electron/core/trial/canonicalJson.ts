/**
 * Canonical JSON for hashing (audit chain, signature manifests): object keys sorted by UTF-16 code
 * unit order, no whitespace, arrays in order, numbers as `JSON.stringify` writes them. The same value
 * always gives the same text, whatever order its fields were built in. Values that JSON cannot carry
 * exactly (undefined, NaN, Infinity, functions, bigint, typed arrays) are refused rather than silently
 * dropped, because a dropped field would make two different records hash the same.
 */
import { createHash } from 'node:crypto';
import { SdpmError } from '../errors';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new SdpmError('INVALID_ARGUMENT', `${path}: canonical JSON cannot hold ${String(value)}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v, i) => canonicalJson(v, `${path}[${i}]`)).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const src = value as Record<string, unknown>;
    const keys = Object.keys(src).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(src[k], `${path}.${k}`)}`).join(',')}}`;
  }
  throw new SdpmError('INVALID_ARGUMENT', `${path}: canonical JSON cannot hold a ${typeof value}`);
}

/** Lower-case hex SHA-256 of bytes or of a string's UTF-8 encoding. */
export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** SHA-256 of the canonical JSON of a value: the hash of a record's content. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}
