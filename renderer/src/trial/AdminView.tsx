/** The study administrator's view: status per study (tasks, volumes, decisions) and the final table export. */
import { useCallback, useEffect, useState } from 'react';
import { errorText, list, text, trialCall } from './trialApi';

export function AdminView({ trialId }: { trialId: string }) {
  const [status, setStatus] = useState<Record<string, unknown> | null>(null);
  const [csv, setCsv] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setStatus(await trialCall('trial:status', { trialId }));
    } catch (err) {
      setError(errorText(err));
    }
  }, [trialId]);
  useEffect(() => void load(), [load]);
  const exportTable = async () => {
    try {
      setCsv(text((await trialCall('trial:exportResults', { trialId })).csv));
    } catch (err) {
      setError(errorText(err));
    }
  };
  const studies = status === null ? [] : list(status, 'studies');
  return (
    <div className="trial-card" data-testid="trial-admin">
      <h2>
        {trialId} — {text(status?.title)} ({text(status?.status)})
      </h2>
      <button onClick={() => void load()}>Refresh</button> <button onClick={() => void exportTable()}>Export final table</button>
      <table className="trial-table">
        <thead>
          <tr><th>study</th><th>tasks</th><th>outcome</th><th>final (mL)</th><th>decided by</th><th>why</th></tr>
        </thead>
        <tbody>
          {studies.map((s) => {
            const d = s.decision as Record<string, unknown> | null;
            const tasks = list(s, 'tasks').map((t) => `${text(t.username)} ${text(t.kind)} ${text(t.status)}${t.volumeMl === null ? '' : ` ${text(t.volumeMl)} mL`}`);
            return (
              <tr key={text(s.studyId)}>
                <td>{text(s.studyCode)}</td>
                <td>{tasks.join(' · ')}</td>
                <td>{text(d?.outcome ?? 'open')}</td>
                <td>{text(d?.finalVolumeMl)}</td>
                <td>{text(d?.decidedBy)}</td>
                <td>{text(d?.reason ?? d?.explanation)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {csv !== null && <pre className="trial-pre" data-testid="trial-final-csv">{csv}</pre>}
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}
