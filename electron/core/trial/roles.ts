/**
 * Roles and the permissions table: which role may perform which action. The services check it on
 * every call, server side (the renderer's view is never the access control). Object-level rules
 * (a reader touches only their own tasks) are checked by the services on top of this table.
 *
 * Roles follow the FDA Clinical Trial Imaging Endpoint Process Standards (2018) split: independent
 * readers, an adjudicator, a study administrator (unblinded: sets up, assigns, exports) and an auditor
 * (read-only, sees the whole audit trail).
 */
import { SdpmError } from '../errors';

export const roles = ['reader', 'adjudicator', 'admin', 'auditor'] as const;
export type Role = (typeof roles)[number];

export function parseRole(value: string): Role {
  if ((roles as readonly string[]).includes(value)) return value as Role;
  throw new SdpmError('INVALID_ARGUMENT', `unknown role "${value}" (one of ${roles.join(', ')})`);
}

export const permissions = {
  'user.create': ['admin'],
  'user.list': ['admin', 'auditor'],
  'trial.create': ['admin'],
  'trial.importStudies': ['admin'],
  'trial.assign': ['admin'],
  'trial.status': ['admin', 'auditor'],
  'trial.lock': ['admin'],
  'trial.exportResults': ['admin'],
  'task.listOwn': ['reader', 'adjudicator'],
  'read.view': ['reader', 'adjudicator'],
  'read.save': ['reader', 'adjudicator'],
  'read.sign': ['reader', 'adjudicator'],
  'read.reopen': ['reader', 'adjudicator'],
  'adjudication.view': ['adjudicator'],
  'adjudication.decide': ['adjudicator'],
  'audit.view': ['reader', 'adjudicator', 'admin', 'auditor'],
  'audit.verify': ['admin', 'auditor'],
  'audit.export': ['admin', 'auditor'],
} as const satisfies Record<string, readonly Role[]>;

export type Action = keyof typeof permissions;
export const actions = Object.keys(permissions) as Action[];

export function isAllowed(role: Role, action: Action): boolean {
  return (permissions[action] as readonly Role[]).includes(role);
}

/** Throws FORBIDDEN naming the role and the action when the table does not allow it. */
export function requireAllowed(role: Role, action: Action): void {
  if (!isAllowed(role, action)) throw new SdpmError('FORBIDDEN', `the ${role} role may not ${action}`);
}
