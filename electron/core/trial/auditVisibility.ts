/**
 * Which audit entries a user may see (EMA 2023 guideline on computerised systems in clinical trials:
 * information that would unblind a reader must not appear in the audit trail that reader can see).
 * Unblinded roles (admin, auditor) see every entry. Readers and adjudicators see entries marked for
 * everyone (trial created, trial locked) and entries of their own actions; never another user's
 * reads, signatures, assignments, adjudications or failed logins.
 */
import type { AuditAudience } from './auditChain';
import type { Role } from './roles';

export function isUnblinded(role: Role): boolean {
  return role === 'admin' || role === 'auditor';
}

export function auditVisibleTo(entry: { username: string; audience: AuditAudience }, viewer: { username: string; role: Role }): boolean {
  if (isUnblinded(viewer.role)) return true;
  if (entry.audience === 'all') return true;
  return entry.audience === 'actor' && entry.username === viewer.username;
}
