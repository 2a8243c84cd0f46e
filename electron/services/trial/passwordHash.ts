/**
 * Password hashes: scrypt (RFC 7914) through node:crypto, a memory-hard key derivation function.
 * Stored as `scrypt$N$r$p$salt$hash` (base64url), so the cost can be raised later while old hashes
 * still verify. N = 2^15, r = 8, p = 1 (about 32 MiB and a few tens of ms per check here); a random
 * 16-byte salt per user. Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SdpmError } from '../../core/index';

/** Default cost. Stored in each hash, so a later, higher default leaves old hashes verifiable. */
export const DEFAULT_SCRYPT_N = 1 << 15;
const R = 8;
const P = 1;
const KEY_BYTES = 32;

function derive(password: string, salt: Buffer, opts: ScryptOptions, keyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, keyBytes, { ...opts, maxmem: 256 * 1024 * 1024 }, (err, key) => (err === null ? resolve(key) : reject(err))));
}

export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string, n: number = DEFAULT_SCRYPT_N): Promise<string> {
  if (password.length < MIN_PASSWORD_LENGTH) throw new SdpmError('INVALID_ARGUMENT', `a password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  const salt = randomBytes(16);
  const key = await derive(password, salt, { N: n, r: R, p: P }, KEY_BYTES);
  return `scrypt$${n}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || n === undefined || r === undefined || p === undefined || salt === undefined || hash === undefined) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) }, expected.length);
  return key.length === expected.length && timingSafeEqual(key, expected);
}
