import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chainAuditEntry, verifyAuditChain, type AuditEntry, type AuditFields } from '../../../../../electron/core/trial/auditChain';
import { buildManifest, localIsoWithOffset, manifestHash, verifySignature, type SignedRecord } from '../../../../../electron/core/trial/signatureManifest';

function fields(i: number): AuditFields {
  return { atUtc: `2026-12-04T19:00:0${i}Z`, username: 'ana', role: 'reader', action: `act${i}`, trialId: 'T', objectType: 'read', objectId: `r${i}`, studyUid: '1.2.3', seriesUid: null, segUid: null, oldHash: null, newHash: 'ab', reason: null, workstation: 'ws1', audience: 'actor', details: '' };
}

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) {
    const last = out[out.length - 1];
    out.push(chainAuditEntry(fields(i), last === undefined ? null : { count: last.seq, lastHash: last.entryHash }));
  }
  return out;
}

const headOf = (c: AuditEntry[]) => ({ count: c.length, lastHash: c[c.length - 1]!.entryHash });

test('an intact chain verifies', () => {
  const c = chain(5);
  assert.deepEqual(verifyAuditChain(c, headOf(c)), { ok: true, entriesChecked: 5, firstBreak: null });
});

test('an edited, deleted, reordered or truncated chain names the first broken entry', () => {
  const c = chain(6);
  const head = headOf(c);
  const edited = c.map((e) => (e.seq === 3 ? { ...e, reason: 'changed' } : e));
  assert.equal(verifyAuditChain(edited, head).firstBreak?.seq, 3);
  assert.match(verifyAuditChain(edited, head).firstBreak!.reason, /altered/);
  const deleted = c.filter((e) => e.seq !== 4);
  assert.equal(verifyAuditChain(deleted, head).firstBreak?.seq, 4);
  const swapped = [c[0]!, c[1]!, { ...c[3]!, seq: 3 }, { ...c[2]!, seq: 4 }, c[4]!, c[5]!];
  assert.equal(verifyAuditChain(swapped, head).firstBreak?.seq, 3);
  const truncated = c.slice(0, 5);
  assert.equal(verifyAuditChain(truncated, head).firstBreak?.seq, 6);
});

test('a signature verifies only on the record it was made for', () => {
  const rec: SignedRecord = { trialId: 'T', studyUid: '1.2', taskId: 't1', readId: 'r1', readVersion: 1, segSha256: 'a'.repeat(64), measurementsSha256: 'b'.repeat(64) };
  const m = buildManifest(rec, { username: 'ana', printedName: 'Ana A', meaning: 'Initial read per protocol', signedAtUtc: '2026-12-04T19:00:00.000Z', signedAtLocal: localIsoWithOffset(new Date()), workstation: 'ws' });
  const stored = { manifest: m, manifestSha256: manifestHash(m) };
  assert.equal(verifySignature(stored, rec).ok, true);
  assert.equal(verifySignature(stored, { ...rec, readId: 'r2' }).ok, false);
  assert.match(verifySignature(stored, { ...rec, segSha256: 'c'.repeat(64) }).problems.join(), /segSha256/);
  assert.match(verifySignature({ manifest: { ...m, meaning: 'x' }, manifestSha256: stored.manifestSha256 }, rec).problems.join(), /altered/);
  assert.match(localIsoWithOffset(new Date(0)), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
});
