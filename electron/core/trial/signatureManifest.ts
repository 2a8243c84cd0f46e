/**
 * The signature manifest: what an electronic signature is bound to (21 CFR 11.70: signatures linked
 * to their records so they cannot be excised, copied or transferred). It holds the SHA-256 of the
 * exact SEG bytes signed, the SHA-256 of the canonical measurements, the read's identity (id,
 * version, task, study) and the manifestation (11.50: printed name, date and time, meaning). The
 * signature stores the manifest's hash; verifying rebuilds the manifest from the record as it is
 * now and compares, so a signature moved onto another read, or a read changed after signing, fails.
 */
import { canonicalHash, canonicalJson } from './canonicalJson';

export const MANIFEST_KIND = 'sdpm-trial-signature/1';

export interface SignedRecord {
  trialId: string;
  studyUid: string;
  taskId: string;
  readId: string;
  readVersion: number;
  segSha256: string;
  measurementsSha256: string;
}

export interface SignatureManifestation {
  username: string;
  printedName: string;
  meaning: string;
  /** ISO 8601 UTC (`...Z`). */
  signedAtUtc: string;
  /** Local wall-clock time at the workstation, ISO 8601 with its offset (`2026-12-04T20:01:02+01:00`). */
  signedAtLocal: string;
  workstation: string;
}

export interface SignatureManifest extends SignedRecord, SignatureManifestation {
  kind: typeof MANIFEST_KIND;
}

export function buildManifest(record: SignedRecord, who: SignatureManifestation): SignatureManifest {
  return { kind: MANIFEST_KIND, ...record, ...who };
}

export function manifestHash(manifest: SignatureManifest): string {
  return canonicalHash(manifest);
}

export function manifestText(manifest: SignatureManifest): string {
  return canonicalJson(manifest);
}

/** SHA-256 of the canonical JSON of the measurements a signature covers. */
export function measurementsHash(measurements: unknown): string {
  return canonicalHash(measurements);
}

export interface SignatureCheck {
  ok: boolean;
  problems: string[];
}

/** Compares a stored signature (its manifest and hash) with the record it claims to sign. */
export function verifySignature(stored: { manifest: SignatureManifest; manifestSha256: string }, record: SignedRecord): SignatureCheck {
  const problems: string[] = [];
  if (manifestHash(stored.manifest) !== stored.manifestSha256) problems.push('the signature manifest was altered after signing');
  const m = stored.manifest;
  const fields: (keyof SignedRecord)[] = ['trialId', 'studyUid', 'taskId', 'readId', 'readVersion', 'segSha256', 'measurementsSha256'];
  for (const f of fields) if (m[f] !== record[f]) problems.push(`signed ${f} ${String(m[f])} differs from the record's ${String(record[f])}`);
  return { ok: problems.length === 0, problems };
}

/** Local ISO time with the UTC offset, e.g. 2026-12-04T21:01:02+01:00 (for the manifestation). */
export function localIsoWithOffset(date: Date): string {
  const offsetMin = -date.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const local = `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return `${local}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
