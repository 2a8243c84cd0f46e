/** Sign-in screen: named account and password; the server answers with a session and the role. */
import { useState } from 'react';
import { errorText, setSession, text, trialCall } from './trialApi';

export interface SignedIn {
  username: string;
  role: string;
  printedName: string;
}

export function SignIn({ onSignedIn }: { onSignedIn: (who: SignedIn) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      const r = await trialCall('trial:login', { username, password });
      setSession(text(r.token));
      setPassword('');
      onSignedIn({ username: text(r.username), role: text(r.role), printedName: text(r.printedName) });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <div className="trial-card" data-testid="trial-signin">
      <h2>Core-lab sign-in</h2>
      <label>
        User name <input aria-label="user name" value={username} autoComplete="username" onChange={(e) => setUsername(e.target.value)} />
      </label>
      <label>
        Password <input aria-label="password" type="password" value={password} autoComplete="current-password" onChange={(e) => setPassword(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void submit()} />
      </label>
      <button onClick={() => void submit()}>Sign in</button>
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}
