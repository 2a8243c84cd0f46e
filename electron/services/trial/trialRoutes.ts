/**
 * Every trial API route, in one table: its request parser, the permission it needs (the roles table
 * in core/trial/roles.ts) and its handler. The HTTP server and Electron's IPC both go through
 * `callTrialRoute`, which parses the request, resolves the session to an actor on the server side,
 * checks the permission, then runs the handler (which checks object ownership). Tests enumerate this
 * table, so a route added here without a blinding test fails the suite.
 */
import { type Action, parseRole, SdpmError } from '../../core/index';
import { errorToEnvelope } from '../../ipc/dispatch';
import type { Envelope } from '../../ipc/contract';
import { arr, bytes, int, literal, nullable, num, obj, optional, str, type Parser } from '../../ipc/schema';
import type { TrialServices } from './createTrialServices';
import type { Actor } from './TrialContext';

const id = str({ minLength: 1, maxLength: 200 });
const text = str({ minLength: 1, maxLength: 2000 });
const password = str({ minLength: 1, maxLength: 1024 });
const measurementsSchema = obj({ totalMl: num({ min: 0 }), lesions: arr(obj({ lesionId: int({ min: 1 }), volumeMl: num({ min: 0 }), voxelCount: int({ min: 0 }) }), { maxLength: 10_000 }) });

/** 'public': no session; 'session': any signed-in user, acting on themselves only; else a permission. */
export type RouteAccess = 'public' | 'session' | Action;

export interface TrialRoute<Req> {
  access: RouteAccess;
  request: Parser<Req>;
  run(svc: TrialServices, actor: Actor | null, req: Req, token: string | null): Promise<unknown>;
}

const route = <Req>(access: RouteAccess, request: Parser<Req>, run: (svc: TrialServices, actor: Actor, req: Req, token: string) => Promise<unknown>): TrialRoute<Req> => ({
  access,
  request,
  run: (svc, actor, req, token) => {
    if (actor === null || token === null) throw new SdpmError('AUTH_FAILED', 'sign in first');
    return run(svc, actor, req, token);
  },
});

export const trialRoutes = {
  'trial:login': {
    access: 'public',
    request: obj({ username: str({ minLength: 1, maxLength: 64 }), password }),
    run: async (svc: TrialServices, _actor: Actor | null, req: { username: string; password: string }) => {
      const { token, actor } = await svc.auth.login(req.username, req.password);
      return { token, username: actor.username, role: actor.role, printedName: actor.printedName };
    },
  } satisfies TrialRoute<{ username: string; password: string }>,
  'trial:me': route('session', obj({}), async (_svc, actor) => ({ username: actor.username, role: actor.role, printedName: actor.printedName, workstation: actor.workstation })),
  'trial:logout': route('session', obj({}), async (svc, _actor, _req, token) => {
    await svc.auth.logout(token);
    return {};
  }),
  'trial:createUser': route('user.create', obj({ username: str({ minLength: 1, maxLength: 64 }), printedName: str({ minLength: 1, maxLength: 200 }), role: str(), password }), async (svc, actor, req) => {
    await svc.auth.createUser(actor, { ...req, role: parseRole(req.role) });
    return {};
  }),
  'trial:listUsers': route('user.list', obj({}), async (svc, actor) => ({ users: await svc.auth.listUsers(actor) })),
  'trial:create': route('trial.create', obj({ charterText: str({ minLength: 2, maxLength: 100_000 }), source: str({ minLength: 1, maxLength: 4096 }) }), (svc, actor, req) => svc.admin.createTrial(actor, req.charterText, req.source)),
  'trial:importStudies': route('trial.importStudies', obj({ trialId: id, studies: arr(obj({ studyUid: id, seriesUid: id, source: str({ minLength: 1, maxLength: 4096 }) }), { maxLength: 10_000 }) }), (svc, actor, req) => svc.admin.importStudies(actor, req.trialId, req.studies)),
  'trial:assign': route('trial.assign', obj({ trialId: id, studyId: id, readers: optional(arr(id, { maxLength: 2 })) }), (svc, actor, req) => {
    const r = req.readers;
    if (r !== undefined && r.length !== 2) throw new SdpmError('INVALID_ARGUMENT', 'readers: exactly two user names');
    return svc.admin.assign(actor, req.trialId, req.studyId, r === undefined ? undefined : [r[0]!, r[1]!]);
  }),
  'trial:status': route('trial.status', obj({ trialId: id }), (svc, actor, req) => svc.admin.status(actor, req.trialId)),
  'trial:exportResults': route('trial.exportResults', obj({ trialId: id }), (svc, actor, req) => svc.admin.exportResults(actor, req.trialId)),
  'trial:lock': route('trial.lock', obj({ trialId: id, reason: text }), async (svc, actor, req) => {
    await svc.admin.lockTrial(actor, req.trialId, req.reason);
    return {};
  }),
  'trial:myTasks': route('task.listOwn', obj({ trialId: id }), async (svc, actor, req) => ({ tasks: await svc.reads.myTasks(actor, req.trialId) })),
  'trial:readVersions': route('read.view', obj({ taskId: id }), (svc, actor, req) => svc.reads.readVersions(actor, req.taskId)),
  'trial:readSeg': route('read.view', obj({ taskId: id, version: int({ min: 1 }) }), async (svc, actor, req) => ({ segBytes: await svc.reads.readSeg(actor, req.taskId, req.version) })),
  'trial:signatureReport': route('read.view', obj({ taskId: id, version: int({ min: 1 }) }), (svc, actor, req) => svc.reads.signatureReport(actor, req.taskId, req.version)),
  'trial:saveRead': route('read.save', obj({ taskId: id, segBytes: bytes({ maxBytes: 512 * 1024 * 1024 }), measurements: optional(measurementsSchema) }), (svc, actor, req) => svc.reads.saveRead(actor, req.taskId, req)),
  'trial:signRead': route('read.sign', obj({ taskId: id, password }), (svc, actor, req) => svc.reads.signRead(actor, req.taskId, req.password)),
  'trial:reopenRead': route('read.reopen', obj({ taskId: id, reason: text, password }), async (svc, actor, req) => {
    await svc.reads.reopenRead(actor, req.taskId, req.reason, req.password);
    return {};
  }),
  'trial:adjudicationView': route('adjudication.view', obj({ taskId: id }), (svc, actor, req) => svc.reads.adjudicationView(actor, req.taskId)),
  'trial:decide': route('adjudication.decide', obj({ taskId: id, choice: literal('A', 'B', 'own'), reason: text }), (svc, actor, req) => svc.reads.decide(actor, req.taskId, req.choice, req.reason)),
  'trial:auditView': route('audit.view', obj({ trialId: nullable(id) }), async (svc, actor, req) => ({ entries: await svc.audit.view(actor, req.trialId) })),
  'trial:verifyAudit': route('audit.verify', obj({}), (svc, actor) => svc.audit.verify(actor)),
  'trial:verifySignatures': route('audit.verify', obj({}), async (svc, actor) => ({ signatures: await svc.audit.verifySignatures(actor) })),
  'trial:exportAudit': route('audit.export', obj({ format: literal('csv', 'html', 'pdf') }), async (svc, actor, req) => (req.format === 'csv' ? svc.audit.exportCsv(actor) : req.format === 'pdf' ? svc.audit.exportPdf(actor) : svc.audit.exportHtml(actor))),
} as const;

export type TrialRouteName = keyof typeof trialRoutes;
export const trialRouteNames = Object.keys(trialRoutes) as TrialRouteName[];

export function isTrialRoute(name: string): name is TrialRouteName {
  return Object.prototype.hasOwnProperty.call(trialRoutes, name);
}

/**
 * The one entry point for every transport: parse, authenticate (server side, from the session
 * token), authorise (roles table), run. Errors come back as `{ code, message }`.
 */
export async function callTrialRoute(svc: TrialServices, name: string, sessionToken: string | null, raw: unknown): Promise<Envelope<unknown>> {
  try {
    if (!isTrialRoute(name)) throw new SdpmError('INVALID_ARGUMENT', `unknown trial route "${name.slice(0, 80)}"`);
    const r = trialRoutes[name] as TrialRoute<unknown>;
    const req = r.request(raw, 'request');
    let actor: Actor | null = null;
    if (r.access !== 'public') {
      if (sessionToken === null) throw new SdpmError('AUTH_FAILED', 'sign in first');
      actor = await svc.auth.actorOf(sessionToken);
      if (r.access !== 'session') svc.guard(actor, r.access);
    }
    return { ok: true, value: await r.run(svc, actor, req, sessionToken) };
  } catch (err) {
    return errorToEnvelope(err);
  }
}
