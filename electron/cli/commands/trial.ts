/**
 * `sdpm trial <sub-command>`: the study administrator's and the auditor's commands on the trial
 * database (the same services the app uses; every call checks the acting user's role).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseRole, SdpmError } from '../../core/index';
import type { TrialServices } from '../../services/trial/createTrialServices';
import type { CliCommand, CliContext } from '../CliCommand';
import { studiesInBatchResults, studiesInFolder } from '../trial/importSources';
import { COMMON_HELP, commonOptions, need, openServices, readSecret, signIn } from '../trial/trialCliSupport';

const HELP = `usage: sdpm trial <command> [options]

  init-admin --user U --name "Printed Name"        first administrator of an empty database (password: SDPM_NEW_PASSWORD or stdin)
  add-user --as ADMIN --user U --name N --role R   new account: reader, adjudicator, admin or auditor (password: SDPM_NEW_PASSWORD or stdin)
  create --as ADMIN CHARTER.json                   create a trial from its charter
  import --as ADMIN --trial T (FOLDER | --batch results.csv)   import the CT series of a folder or of a batch run
  assign --as ADMIN --trial T [--readers A,B]      assign every unassigned study to two readers (default: the charter's first two)
  status --as ADMIN|AUDITOR --trial T [--json]     tasks, volumes and decisions per study
  export --as ADMIN --trial T --out final.csv      the final table (who decided each volume, and why)
  lock --as ADMIN --trial T --reason TEXT          database lock: no further changes
  verify-audit --as AUDITOR                        walk the audit chain and every signature; exit 1 when broken
  export-audit --as AUDITOR --out audit.csv [--html audit.html] [--pdf audit.pdf]

${COMMON_HELP}`;

const options = {
  ...commonOptions,
  user: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  trial: { type: 'string' },
  batch: { type: 'string' },
  readers: { type: 'string' },
  out: { type: 'string' },
  html: { type: 'string' },
  pdf: { type: 'string' },
  reason: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>['values'];
type Sub = (svc: TrialServices, v: Values, positionals: string[], ctx: CliContext) => Promise<number>;

const subs: Record<string, Sub> = {
  'init-admin': async (svc, v, _p, ctx) => {
    await svc.auth.bootstrapAdmin({ username: need(v.user, '--user'), printedName: need(v.name, '--name'), password: await readSecret('SDPM_NEW_PASSWORD', 'password of the new administrator') });
    ctx.stdout(`administrator ${v.user} created\n`);
    return 0;
  },
  'add-user': async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    await svc.auth.createUser(actor, { username: need(v.user, '--user'), printedName: need(v.name, '--name'), role: parseRole(need(v.role, '--role')), password: await readSecret('SDPM_NEW_PASSWORD', `password of ${v.user}`) });
    ctx.stdout(`user ${v.user} (${v.role}) created\n`);
    return 0;
  },
  create: async (svc, v, p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const file = need(p[0], 'the charter file');
    const { trialId } = await svc.admin.createTrial(actor, await readFile(file, 'utf8'), file);
    ctx.stdout(`trial ${trialId} created from ${file}\n`);
    return 0;
  },
  import: async (svc, v, p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const studies = v.batch !== undefined ? await studiesInBatchResults(v.batch, ctx.log) : await studiesInFolder(need(p[0], 'a folder (or --batch results.csv)'), ctx.log);
    const { imported } = await svc.admin.importStudies(actor, need(v.trial, '--trial'), studies);
    ctx.stdout(`imported ${imported.length} of ${studies.length} series (${studies.length - imported.length} already in the trial)\n`);
    return 0;
  },
  assign: async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const trialId = need(v.trial, '--trial');
    const readers = v.readers?.split(',');
    if (readers !== undefined && readers.length !== 2) throw new SdpmError('INVALID_ARGUMENT', '--readers takes two user names: A,B');
    const st = await svc.admin.status(actor, trialId);
    let n = 0;
    for (const s of st.studies.filter((x) => !x.tasks.some((t) => t.kind === 'read'))) {
      await svc.admin.assign(actor, trialId, s.studyId, readers === undefined ? undefined : [readers[0]!, readers[1]!]);
      n += 1;
    }
    ctx.stdout(`assigned ${n} studies to two readers each\n`);
    return 0;
  },
  status: async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const st = await svc.admin.status(actor, need(v.trial, '--trial'));
    if (v.json === true) ctx.stdout(`${JSON.stringify(st, null, 2)}\n`);
    else {
      ctx.stdout(`${st.trialId} (${st.status}): ${st.title}\n`);
      for (const s of st.studies) {
        const tasks = s.tasks.map((t) => `${t.username}:${t.kind === 'read' ? '' : `${t.kind}:`}${t.status}${t.volumeMl === null ? '' : `:${t.volumeMl.toFixed(2)}mL`}`).join('  ');
        const d = s.decision === null ? 'not decided' : `${s.decision.outcome}${s.decision.finalVolumeMl === null ? '' : ` ${s.decision.finalVolumeMl.toFixed(2)} mL`}`;
        ctx.stdout(`  ${s.studyCode}  ${tasks || 'unassigned'}  -> ${d}\n`);
      }
    }
    return 0;
  },
  export: async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const { csv, sha256 } = await svc.admin.exportResults(actor, need(v.trial, '--trial'));
    await writeFile(need(v.out, '--out'), csv);
    ctx.stdout(`final table written to ${v.out} (sha256 ${sha256})\n`);
    return 0;
  },
  lock: async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    await svc.admin.lockTrial(actor, need(v.trial, '--trial'), need(v.reason, '--reason'));
    ctx.stdout(`trial ${v.trial} locked\n`);
    return 0;
  },
  'verify-audit': async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const chain = await svc.audit.verify(actor);
    const sigs = await svc.audit.verifySignatures(actor);
    const badSigs = sigs.filter((s) => !s.ok);
    ctx.stdout(chain.ok ? `audit chain intact: ${chain.entriesChecked} entries\n` : `AUDIT CHAIN BROKEN at entry ${chain.firstBreak?.seq}: ${chain.firstBreak?.reason}\n`);
    ctx.stdout(`signatures: ${sigs.length - badSigs.length} of ${sigs.length} verify\n`);
    for (const s of badSigs) ctx.stdout(`  signature ${s.signatureId} on read ${s.readId} (${s.username}) does not verify: ${s.problems.join('; ')}\n`);
    return chain.ok && badSigs.length === 0 ? 0 : 1;
  },
  'export-audit': async (svc, v, _p, ctx) => {
    const { actor } = await signIn(svc, v.as);
    const { csv, entries } = await svc.audit.exportCsv(actor);
    await writeFile(need(v.out, '--out'), csv);
    ctx.stdout(`${entries} audit entries written to ${v.out}\n`);
    if (v.html !== undefined) {
      await writeFile(v.html, (await svc.audit.exportHtml(actor)).html);
      ctx.stdout(`printable audit trail written to ${v.html}\n`);
    }
    if (v.pdf !== undefined) {
      const p = await svc.audit.exportPdf(actor);
      await writeFile(v.pdf, p.pdf);
      ctx.stdout(`audit trail PDF (${p.entries} entries, sha256 ${p.sha256.slice(0, 16)}…) written to ${v.pdf}\n`);
    }
    return 0;
  },
};

export const trial: CliCommand = {
  name: 'trial',
  summary: 'core-lab trial: accounts, create from charter, import, assign, status, export, lock, verify-audit',
  async run(argv, ctx) {
    const [name, ...rest] = argv;
    const sub = name === undefined ? undefined : subs[name];
    if (sub === undefined || name === '--help' || name === '-h') {
      ctx.stdout(HELP);
      return name === undefined || sub === undefined ? (name === '--help' || name === '-h' ? 0 : 2) : 0;
    }
    const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options });
    if (values.help === true) {
      ctx.stdout(HELP);
      return 0;
    }
    const svc = await openServices(values);
    try {
      return await sub(svc, values, positionals, ctx);
    } finally {
      await svc.db.close();
    }
  },
};
