/**
 * A PACS connection ("peer"): a DICOMweb archive (QIDO-RS / WADO-RS / STOW-RS under one base URL, with
 * no auth, HTTP basic or a bearer token) or a DIMSE peer (AE title, host, port, our calling AE title).
 *
 * The config never holds a secret: a password or token lives in a SecretSource (secrets.ts): the OS
 * secure store in the desktop app, an environment variable or a prompt in the CLI and the server.
 * So a config can be written to a settings file and logged as it is.
 */
import { SdpmError } from '../errors';

export type DicomWebAuth = { type: 'none' } | { type: 'basic'; username: string } | { type: 'bearer' };

export interface DicomWebPeer {
  kind: 'dicomweb';
  /** The user's name for this connection; also the key of its secret. */
  name: string;
  /** e.g. http://127.0.0.1:8042/dicom-web (no trailing slash). */
  baseUrl: string;
  auth: DicomWebAuth;
  /** Per request, without a byte arriving (default 30 s). */
  timeoutMs: number;
}

export interface DimsePeer {
  kind: 'dimse';
  name: string;
  /** The archive's AE title (called AE). */
  aeTitle: string;
  host: string;
  port: number;
  /** Our AE title (calling AE); the archive must know it for C-GET/C-MOVE. */
  callingAeTitle: string;
  timeoutMs: number;
}

export type PacsPeer = DicomWebPeer | DimsePeer;

export const DEFAULT_PACS_TIMEOUT_MS = 30_000;

/** How a message names the peer: never contains a secret (there is none in the config). */
export function describePeer(peer: PacsPeer): string {
  if (peer.kind === 'dicomweb') return `DICOMweb peer "${peer.name}" (${peer.baseUrl})`;
  return `DIMSE peer "${peer.name}" (${peer.aeTitle}@${peer.host}:${peer.port})`;
}

/** Whether this peer needs a secret (password or token) to connect. */
export function peerNeedsSecret(peer: PacsPeer): boolean {
  return peer.kind === 'dicomweb' && peer.auth.type !== 'none';
}

function bad(what: string): never {
  throw new SdpmError('INVALID_ARGUMENT', `PACS connection: ${what}`);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '') bad(`${where}: "${key}" must be a non-empty string`);
  return v.trim();
}

const AE_RE = /^[\x20-\x5b\x5d-\x7e]{1,16}$/; // PS3.5 AE: 16 chars, no backslash, no control chars

function aeTitle(v: string, where: string): string {
  if (!AE_RE.test(v)) bad(`${where}: AE title "${v}" must be 1-16 printable characters without "\\"`);
  return v;
}

function timeout(o: Record<string, unknown>, where: string): number {
  const v = o.timeoutMs;
  if (v === undefined) return DEFAULT_PACS_TIMEOUT_MS;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 100 || v > 3_600_000) bad(`${where}: timeoutMs must be 100..3600000`);
  return v;
}

function parseAuth(v: unknown, where: string): DicomWebAuth {
  if (v === undefined) return { type: 'none' };
  if (typeof v !== 'object' || v === null) bad(`${where}: auth must be an object`);
  const a = v as Record<string, unknown>;
  if ('password' in a || 'token' in a) bad(`${where}: a password or token never goes into the connection settings; it is kept in the secure store (or SDPM_PACS_SECRET)`);
  if (a.type === 'none') return { type: 'none' };
  if (a.type === 'bearer') return { type: 'bearer' };
  if (a.type === 'basic') return { type: 'basic', username: str(a, 'username', where) };
  return bad(`${where}: auth.type must be none, basic or bearer`);
}

export function parseBaseUrl(v: string, where: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return bad(`${where}: "${v}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') bad(`${where}: base URL must be http or https, got ${u.protocol}`);
  if (u.username !== '' || u.password !== '') bad(`${where}: put no credentials in the URL; use auth + the secure store`);
  return u.toString().replace(/\/+$/, '');
}

/** Parses one peer from untrusted JSON (settings file, IPC, CLI). */
export function parsePacsPeer(v: unknown): PacsPeer {
  if (typeof v !== 'object' || v === null) bad('expected an object');
  const o = v as Record<string, unknown>;
  const name = str(o, 'name', 'peer');
  const where = `peer "${name}"`;
  if (o.kind === 'dicomweb') {
    return { kind: 'dicomweb', name, baseUrl: parseBaseUrl(str(o, 'baseUrl', where), where), auth: parseAuth(o.auth, where), timeoutMs: timeout(o, where) };
  }
  if (o.kind === 'dimse') {
    const port = o.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) bad(`${where}: port must be 1..65535`);
    return {
      kind: 'dimse',
      name,
      aeTitle: aeTitle(str(o, 'aeTitle', where), where),
      host: str(o, 'host', where),
      port,
      callingAeTitle: aeTitle(str(o, 'callingAeTitle', where), where),
      timeoutMs: timeout(o, where),
    };
  }
  return bad(`${where}: kind must be "dicomweb" or "dimse"`);
}
