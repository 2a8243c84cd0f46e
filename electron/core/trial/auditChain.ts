/**
 * The tamper-evident audit trail (21 CFR 11.10(e): secure, computer-generated, time-stamped, never
 * obscuring earlier values). Each entry holds the SHA-256 of the previous entry (`prevHash`) and its
 * own hash over the canonical JSON of all its other fields, `seq` and `prevHash` included. Editing a
 * row changes its hash; deleting or reordering rows breaks the `seq` run or the `prevHash` link; so
 * `verifyAuditChain` names the first entry that does not hold. Deleting the newest rows is caught
 * against the head record (count and last hash) that is written with every entry.
 */
import { canonicalHash } from './canonicalJson';

export const GENESIS_HASH = '0'.repeat(64);

/** Who may see an entry: everyone, only unblinded roles (admin, auditor), or the acting user too. */
export type AuditAudience = 'all' | 'unblinded' | 'actor';

/** An entry's content, before it is chained. Hashes of old/new values, never the values themselves when large. */
export interface AuditFields {
  atUtc: string;
  username: string;
  role: string;
  action: string;
  trialId: string | null;
  objectType: string;
  objectId: string | null;
  studyUid: string | null;
  seriesUid: string | null;
  segUid: string | null;
  oldHash: string | null;
  newHash: string | null;
  reason: string | null;
  workstation: string;
  audience: AuditAudience;
  /** Small JSON text with details (volume, decision); '' when none. */
  details: string;
}

export interface AuditEntry extends AuditFields {
  seq: number;
  prevHash: string;
  entryHash: string;
}

export interface AuditHead {
  count: number;
  lastHash: string;
}

export function hashAuditEntry(fields: AuditFields, seq: number, prevHash: string): string {
  const { atUtc, username, role, action, trialId, objectType, objectId, studyUid, seriesUid, segUid, oldHash, newHash, reason, workstation, audience, details } = fields;
  return canonicalHash({ seq, prevHash, atUtc, username, role, action, trialId, objectType, objectId, studyUid, seriesUid, segUid, oldHash, newHash, reason, workstation, audience, details });
}

/** The next entry after `head` (null head = empty trail). */
export function chainAuditEntry(fields: AuditFields, head: AuditHead | null): AuditEntry {
  const seq = (head?.count ?? 0) + 1;
  const prevHash = head?.lastHash ?? GENESIS_HASH;
  return { ...fields, seq, prevHash, entryHash: hashAuditEntry(fields, seq, prevHash) };
}

export interface ChainBreak {
  /** The first entry that does not verify (or the first missing seq). */
  seq: number;
  reason: string;
}

export interface ChainVerdict {
  ok: boolean;
  entriesChecked: number;
  firstBreak: ChainBreak | null;
}

/** Walks entries in stored order (ascending seq expected) and names the first broken one. */
export function verifyAuditChain(entries: readonly AuditEntry[], head: AuditHead | null): ChainVerdict {
  let prev = GENESIS_HASH;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const expectedSeq = i + 1;
    const broken = (reason: string): ChainVerdict => ({ ok: false, entriesChecked: i, firstBreak: { seq: expectedSeq, reason } });
    if (e.seq !== expectedSeq) return broken(e.seq > expectedSeq ? `entry ${expectedSeq} is missing (next stored entry is ${e.seq})` : `entry ${e.seq} is out of order at position ${expectedSeq}`);
    if (e.prevHash !== prev) return broken(`entry ${e.seq} does not link to entry ${e.seq - 1} (previous-hash mismatch: rows deleted, inserted or reordered)`);
    if (hashAuditEntry(e, e.seq, e.prevHash) !== e.entryHash) return broken(`entry ${e.seq} was altered (its content no longer matches its hash)`);
    prev = e.entryHash;
  }
  const n = entries.length;
  if (head !== null && (head.count !== n || head.lastHash !== prev)) {
    return { ok: false, entriesChecked: n, firstBreak: { seq: n + 1, reason: head.count > n ? `entries ${n + 1}..${head.count} are missing (the head records ${head.count} entries)` : `the head record (${head.count} entries) does not match the trail's last entry ${n}` } };
  }
  return { ok: true, entriesChecked: n, firstBreak: null };
}
