/**
 * The trial routes for the local server: opens the trial database (embedded file in the data folder,
 * or PostgreSQL from --trial-db / SDPM_TRIAL_DB_URL) and returns the function startServer calls for
 * `POST /api/trial:<name>`. When the database cannot be opened the server still starts (the review app
 * works without it) and every trial route answers DB_ERROR with the reason.
 */
import { type Logger } from '../core/index';
import type { Envelope } from '../ipc/contract';
import { openTrialDatabase } from '../services/db/openTrialDatabase';
import { createTrialServices } from '../services/trial/createTrialServices';
import { callTrialRoute } from '../services/trial/trialRoutes';

export type TrialHttpHandler = (route: string, sessionToken: string | null, raw: unknown) => Promise<Envelope<unknown>>;

export async function openTrialRoutes(dataDir: string, url: string | undefined, logger: Logger): Promise<TrialHttpHandler> {
  try {
    const db = await openTrialDatabase({ dataDir, url });
    logger.info('trial database open', { location: db.location });
    const svc = createTrialServices(db);
    return (route, token, raw) => callTrialRoute(svc, route, token, raw);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.warn('trial database unavailable; trial routes will refuse', { error: message });
    return async () => ({ ok: false, error: { code: 'DB_ERROR', message: `the trial database is unavailable: ${message}` } });
  }
}
