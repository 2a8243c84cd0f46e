/**
 * The core-lab screens (browser mode, `#trial=<trialId>`): sign-in, then by role the task list
 * (reader, adjudicator), the trial status and export (administrator) and the audit view (everyone,
 * blinded by the server; verification for administrator and auditor).
 */
import { useState } from 'react';
import { AdminView } from './AdminView';
import { AuditView } from './AuditView';
import { SignIn, type SignedIn } from './SignIn';
import { TaskList } from './TaskList';
import { setSession, trialCall } from './trialApi';
import './trial.css';

function trialIdFromHash(): string {
  const m = /trial=([A-Za-z0-9._-]+)/.exec(window.location.hash);
  return m?.[1] ?? '';
}

export function TrialApp() {
  const [who, setWho] = useState<SignedIn | null>(null);
  const [tab, setTab] = useState<'work' | 'audit'>('work');
  const trialId = trialIdFromHash();
  if (who === null) return <div className="trial-root"><SignIn onSignedIn={setWho} /></div>;
  const signOut = async () => {
    await trialCall('trial:logout', {}).catch(() => undefined);
    setSession(null);
    setWho(null);
  };
  const unblinded = who.role === 'admin' || who.role === 'auditor';
  return (
    <div className="trial-root">
      <header className="trial-header">
        <span data-testid="trial-user">
          {who.printedName} ({who.role})
        </span>
        {who.role !== 'auditor' && <button onClick={() => setTab('work')}>{who.role === 'admin' ? 'Trial status' : 'My tasks'}</button>}
        <button onClick={() => setTab('audit')}>Audit trail</button>
        <button onClick={() => void signOut()}>Sign out</button>
      </header>
      {trialId === '' && <p className="trial-error">Open this page as #trial=TRIAL-ID.</p>}
      {tab === 'audit' || who.role === 'auditor' ? <AuditView trialId={trialId} canVerify={unblinded} /> : who.role === 'admin' ? <AdminView trialId={trialId} /> : <TaskList trialId={trialId} printedName={who.printedName} />}
    </div>
  );
}
