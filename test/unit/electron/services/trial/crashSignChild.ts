/**
 * Child process of the crash test: opens the trial database, signs one read as the given reader and,
 * at the named fault point inside the signing transaction, reports `AT <point>` and hangs until it
 * is killed. With stopAt = "after-commit" it reports `SIGNED` after the commit and hangs there.
 * argv[2] = JSON { where: { sqliteFile } | { url }, taskId, username, password, stopAt }.
 */
import { tmpdir } from 'node:os';
import { openTrialDatabase } from '../../../../../electron/services/db/openTrialDatabase';
import { createTrialServices } from '../../../../../electron/services/trial/createTrialServices';

interface Args {
  where: { sqliteFile: string } | { url: string };
  taskId: string;
  username: string;
  password: string;
  stopAt: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const hang = (): Promise<never> => new Promise<never>(() => setInterval(() => undefined, 1000));
const db = await openTrialDatabase('url' in args.where ? { dataDir: tmpdir(), url: args.where.url } : { dataDir: tmpdir(), sqliteFile: args.where.sqliteFile }, {});
const svc = createTrialServices(db, {
  workstation: 'ws-crash',
  faultPoint: async (name) => {
    if (name === args.stopAt) {
      process.stdout.write(`AT ${name}\n`);
      await hang();
    }
  },
});
const { actor } = await svc.auth.login(args.username, args.password);
await svc.reads.signRead(actor, args.taskId, args.password);
process.stdout.write('SIGNED\n');
await hang();
