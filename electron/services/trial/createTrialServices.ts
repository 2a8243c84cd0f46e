/**
 * Builds the trial services on one open database: accounts, administration, reads and adjudication,
 * audit. Used by the CLI, the local server and the tests alike.
 */
import { hostname } from 'node:os';
import type { SqlDb } from '../db/SqlDb';
import { TrialRepository } from '../db/TrialRepository';
import { AdminService } from './AdminService';
import { AuditService } from './AuditService';
import { AuthService } from './AuthService';
import { ReadService } from './ReadService';
import { TrialContext, type Actor, type TrialDeps } from './TrialContext';
import { type Action } from '../../core/index';

export interface TrialServices {
  db: SqlDb;
  auth: AuthService;
  admin: AdminService;
  reads: ReadService;
  audit: AuditService;
  /** The roles-table check (core/trial/roles.ts), for the route layer. */
  guard(actor: Actor, action: Action): void;
}

export function createTrialServices(db: SqlDb, opts: Omit<TrialDeps, 'repo' | 'workstation'> & { workstation?: string } = {}): TrialServices {
  const ctx = new TrialContext({ ...opts, repo: new TrialRepository(db), workstation: opts.workstation ?? hostname() });
  const auth = new AuthService(ctx);
  return { db, auth, admin: new AdminService(ctx), reads: new ReadService(ctx, auth), audit: new AuditService(ctx), guard: (actor, action) => ctx.guard(actor, action) };
}
