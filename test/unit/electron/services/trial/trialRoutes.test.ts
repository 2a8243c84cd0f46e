/**
 * Blinding: every trial route is called as each role with another user's objects (reader ben's
 * tasks and reads, adjudicator cho's task). Each call the roles table forbids is refused with
 * FORBIDDEN; each call by a blinded user (reader, adjudicator) is either refused or answers without
 * anything of ben's (task and read ids, SEG UIDs and bytes, his name). The table of requests below
 * must name every route: a new route without a case fails this test. Runs on SQLite and PostgreSQL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAllowed, type Role } from '../../../../../electron/core/trial/roles';
import { callTrialRoute, trialRouteNames, trialRoutes, type TrialRouteName } from '../../../../../electron/services/trial/trialRoutes';
import { forEachDriver } from '../db/databaseDrivers';
import { PASSWORD, TRIAL_ID, charterText, measurements, readAndSignAll, segBytes, setUpTrial } from './trialFixture';

interface Objects {
  benTask: string;
  choTask: string;
  studyId: string;
}

/** One request per route, aimed at objects the caller does not own. */
const requests: Record<TrialRouteName, (o: Objects) => unknown> = {
  'trial:login': () => ({ username: 'ben', password: 'not bens password' }),
  'trial:me': () => ({}),
  'trial:logout': () => ({}),
  'trial:createUser': () => ({ username: 'zed', printedName: 'Zed New', role: 'reader', password: PASSWORD }),
  'trial:listUsers': () => ({}),
  'trial:create': () => ({ charterText: charterText.replace('STROKE-CL-01', 'STROKE-CL-02'), source: 'c2.json' }),
  'trial:importStudies': () => ({ trialId: TRIAL_ID, studies: [{ studyUid: '1.2.9', seriesUid: '1.2.9.1', source: '/data/x' }] }),
  'trial:assign': (o) => ({ trialId: TRIAL_ID, studyId: o.studyId, readers: ['ana', 'ben'] }),
  'trial:status': () => ({ trialId: TRIAL_ID }),
  'trial:exportResults': () => ({ trialId: TRIAL_ID }),
  'trial:lock': () => ({ trialId: TRIAL_ID, reason: 'database lock' }),
  'trial:myTasks': () => ({ trialId: TRIAL_ID }),
  'trial:readVersions': (o) => ({ taskId: o.benTask }),
  'trial:readSeg': (o) => ({ taskId: o.benTask, version: 1 }),
  'trial:signatureReport': (o) => ({ taskId: o.benTask, version: 1 }),
  'trial:saveRead': (o) => ({ taskId: o.benTask, segBytes: segBytes('intruder'), measurements: measurements(1) }),
  'trial:signRead': (o) => ({ taskId: o.benTask, password: PASSWORD }),
  'trial:reopenRead': (o) => ({ taskId: o.benTask, reason: 'intrusion', password: PASSWORD }),
  'trial:adjudicationView': (o) => ({ taskId: o.choTask }),
  'trial:decide': (o) => ({ taskId: o.choTask, choice: 'A', reason: 'intrusion' }),
  'trial:auditView': () => ({ trialId: null }),
  'trial:verifyAudit': () => ({}),
  'trial:verifySignatures': () => ({}),
  'trial:exportAudit': () => ({ format: 'csv' }),
};

function flatten(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v));
}

forEachDriver('trial routes: role x route matrix with another reader\'s objects', (driver) => {
  test('every route is covered, refused by role, and leaks nothing of another reader to blinded users', async () => {
    assert.deepEqual(Object.keys(requests).sort(), [...trialRouteNames].sort(), 'each trial route needs a blinding case here');
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      await f.svc.auth.createUser(f.admin, { username: 'dee', printedName: 'Dee Adjudicator', role: 'adjudicator', password: PASSWORD });
      await readAndSignAll(f);
      const choTask = (await f.svc.reads.myTasks(f.cho, TRIAL_ID))[0]!.taskId;
      const objects: Objects = { benTask: f.tasks.ben[0]!, choTask, studyId: f.studies[0]!.studyId };
      // ben's secrets: task ids, read ids, SEG UIDs and bytes, his printed name
      const benReads = await Promise.all(f.tasks.ben.map((t) => f.svc.reads.readVersions(f.ben, t)));
      const benSecrets = [...f.tasks.ben, ...benReads.flatMap((r) => r.versions.flatMap((v) => [v.readId, v.segUid])), 'Ben Reader', 'fixture:ben'];
      // cho legitimately sees ben's read of the adjudicated study (index 1), nothing else of his
      const notForCho = [f.tasks.ben[0]!, f.tasks.ben[2]!, benReads[0]!.versions[0]!.readId, benReads[2]!.versions[0]!.readId, 'fixture:ben-0', 'fixture:ben-2'];
      const callers: { username: string; role: Role; secrets: string[] }[] = [
        { username: 'ana', role: 'reader', secrets: benSecrets },
        { username: 'dee', role: 'adjudicator', secrets: [...benSecrets, choTask] },
        { username: 'cho', role: 'adjudicator', secrets: notForCho },
        { username: 'aud', role: 'auditor', secrets: [] },
        { username: 'admin', role: 'admin', secrets: [] },
      ];
      const order = [...trialRouteNames].sort((a, b) => Number(a === 'trial:lock') - Number(b === 'trial:lock'));
      let refused = 0;
      for (const caller of callers) {
        for (const name of order) {
          const token = (await f.svc.auth.login(caller.username, PASSWORD)).token;
          const request = requests[name](objects);
          const env = await callTrialRoute(f.svc, name, token, request);
          const access = trialRoutes[name].access;
          const sent = flatten(request); // an id the caller sent may be echoed in the refusal
          const where = `${caller.username} (${caller.role}) -> ${name}`;
          if (access !== 'public' && access !== 'session' && !isAllowed(caller.role, access)) {
            assert.equal(env.ok, false, where);
            if (!env.ok) assert.equal(env.error.code, 'FORBIDDEN', `${where}: ${env.error.message}`);
            refused += 1;
            continue;
          }
          const text = flatten(env);
          for (const s of caller.secrets) assert.ok(sent.includes(s) || !text.includes(s), `${where} leaked ${s}: ${text.slice(0, 300)}`);
          if (caller.role === 'reader' || (caller.username === 'dee' && name !== 'trial:myTasks' && name !== 'trial:auditView' && name !== 'trial:me' && name !== 'trial:logout')) {
            if (/readVersions|readSeg|signatureReport|saveRead|signRead|reopenRead|adjudicationView|decide/.test(name)) assert.equal(env.ok ? 'ok' : env.error.code, 'FORBIDDEN', where);
          }
        }
      }
      assert.ok(refused > 40, `refused ${refused}`);
      // nothing of ben's changed: still one signed version per task
      for (const t of f.tasks.ben) assert.equal((await f.svc.reads.readVersions(f.ben, t)).versions.length, 1);
      // and the intrusions left the chain intact
      assert.equal((await f.svc.audit.verify(f.aud)).ok, true);
    } finally {
      await db.close();
    }
  });

  test('every route but login refuses a call without a valid session', async () => {
    const { db } = await driver.fresh();
    try {
      const f = await setUpTrial(db);
      const objects: Objects = { benTask: f.tasks.ben[0]!, choTask: 'none', studyId: f.studies[0]!.studyId };
      for (const name of trialRouteNames) {
        if (trialRoutes[name].access === 'public') continue;
        for (const token of [null, 'forged-token']) {
          const env = await callTrialRoute(f.svc, name, token, requests[name](objects));
          assert.equal(env.ok ? 'ok' : env.error.code, 'AUTH_FAILED', `${name} with ${String(token)}`);
        }
      }
    } finally {
      await db.close();
    }
  });
});
