/**
 * Accounts and sign-in. Named accounts only (no shared ones), scrypt password hashes, sessions as
 * random 256-bit tokens of which only the SHA-256 is stored. Every failed login is audited (audience:
 * unblinded roles only) with the name that was tried and the workstation. Re-authentication for
 * signing (21 CFR 11.200(a)(1)) goes through `reauthenticate`.
 */
import { randomBytes } from 'node:crypto';
import { type Role, SdpmError, sha256Hex } from '../../core/index';
import type { SqlDb } from '../db/SqlDb';
import { hashPassword, verifyPassword } from './passwordHash';
import type { Actor, TrialContext } from './TrialContext';

const SESSION_HOURS = 12;
let dummyHash: string | null = null;
const USER = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export interface NewUser {
  username: string;
  printedName: string;
  role: Role;
  password: string;
}

export class AuthService {
  constructor(private readonly ctx: TrialContext) {}

  private async insertUser(tx: SqlDb, who: { username: string; role: string; workstation: string }, u: NewUser): Promise<void> {
    if (!USER.test(u.username)) throw new SdpmError('INVALID_ARGUMENT', `user name "${u.username}" must be lower-case letters, digits, . _ -`);
    if (u.printedName.trim() === '') throw new SdpmError('INVALID_ARGUMENT', 'a printed name is required (it appears on every signature)');
    if ((await this.ctx.repo.user(u.username, tx)) !== null) throw new SdpmError('CONFLICT', `user ${u.username} exists already`);
    const passwordHash = await hashPassword(u.password, this.ctx.scryptN);
    await this.ctx.repo.insertUser(tx, { username: u.username, printedName: u.printedName.trim(), role: u.role, passwordHash, createdAt: this.ctx.nowUtc() }, who.username);
    await this.ctx.audit(tx, who, { action: 'user.create', objectType: 'user', objectId: u.username, audience: 'unblinded', details: { role: u.role, printedName: u.printedName } });
  }

  /** The first administrator of an empty database (first run); refused once any user exists. */
  async bootstrapAdmin(u: Omit<NewUser, 'role'>): Promise<void> {
    await this.ctx.repo.db.transaction(async (tx) => {
      const rows = await tx.query('SELECT COUNT(*) AS n FROM users');
      if (Number(rows[0]?.n ?? 0) > 0) throw new SdpmError('CONFLICT', 'the database has users already: an administrator creates further accounts');
      await this.insertUser(tx, { username: u.username, role: 'admin', workstation: this.ctx.workstation }, { ...u, role: 'admin' });
    });
  }

  async createUser(actor: Actor, u: NewUser): Promise<void> {
    this.ctx.guard(actor, 'user.create');
    await this.ctx.repo.db.transaction((tx) => this.insertUser(tx, actor, u));
  }

  async listUsers(actor: Actor): Promise<{ username: string; printedName: string; role: Role }[]> {
    this.ctx.guard(actor, 'user.list');
    return (await this.ctx.repo.users()).map((u) => ({ username: u.username, printedName: u.printedName, role: u.role }));
  }

  /** Checks the password; audits the failure; returns the actor. */
  async authenticate(username: string, password: string, workstation: string, action = 'login.failed'): Promise<Actor> {
    const user = await this.ctx.repo.user(username);
    // An unknown name costs one scrypt too, so the answer time does not tell which names exist.
    dummyHash ??= await hashPassword('not-a-password-of-anyone', this.ctx.scryptN);
    const ok = (await verifyPassword(password, user?.passwordHash ?? dummyHash)) && user !== null;
    if (!ok || user === null) {
      await this.ctx.repo.db.transaction((tx) =>
        this.ctx.audit(tx, { username: username.slice(0, 64), role: user?.role ?? 'unknown', workstation }, { action, objectType: 'user', objectId: username.slice(0, 64), audience: 'unblinded' }),
      );
      throw new SdpmError('AUTH_FAILED', 'wrong user name or password');
    }
    return { username: user.username, role: user.role, printedName: user.printedName, workstation };
  }

  async login(username: string, password: string, workstation = this.ctx.workstation): Promise<{ token: string; actor: Actor }> {
    const actor = await this.authenticate(username, password, workstation);
    const token = randomBytes(32).toString('base64url');
    const now = this.ctx.now();
    const expires = new Date(now.getTime() + SESSION_HOURS * 3600_000);
    await this.ctx.repo.db.transaction(async (tx) => {
      await this.ctx.repo.insertSession(tx, sha256Hex(token), actor.username, workstation, now.toISOString(), expires.toISOString());
      await this.ctx.audit(tx, actor, { action: 'login', objectType: 'user', objectId: actor.username, audience: 'actor' });
    });
    return { token, actor };
  }

  /** The actor a session token stands for; AUTH_FAILED when unknown or expired. */
  async actorOf(token: string): Promise<Actor> {
    const s = await this.ctx.repo.session(sha256Hex(token));
    if (s === null || s.expiresAt <= this.ctx.nowUtc()) throw new SdpmError('AUTH_FAILED', 'not signed in (or the session expired): sign in again');
    const user = await this.ctx.repo.user(s.username);
    if (user === null) throw new SdpmError('AUTH_FAILED', 'the account of this session no longer exists');
    return { username: user.username, role: user.role, printedName: user.printedName, workstation: s.workstation };
  }

  async logout(token: string): Promise<void> {
    await this.ctx.repo.deleteSession(sha256Hex(token));
  }

  /** Signing asks for the password again; a wrong one is audited as a failed signing attempt. */
  async reauthenticate(actor: Actor, password: string): Promise<void> {
    await this.authenticate(actor.username, password, actor.workstation, 'sign.auth-failed');
  }
}
