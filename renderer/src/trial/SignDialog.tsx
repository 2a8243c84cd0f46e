/**
 * The e-signature step (21 CFR 11.50, 11.200): shows what is being signed and its meaning, asks for
 * the password again, and after signing shows the manifestation (printed name, UTC and local time,
 * meaning, SHA-256 of the SEG bytes).
 */
import { useState } from 'react';
import { errorText, text, trialCall } from './trialApi';

export function SignDialog({ taskId, printedName, onDone }: { taskId: string; printedName: string; onDone: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [manifest, setManifest] = useState<Record<string, unknown> | null>(null);
  const sign = async () => {
    setError(null);
    try {
      const r = await trialCall('trial:signRead', { taskId, password });
      setPassword('');
      setManifest((r.manifest ?? null) as Record<string, unknown> | null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  if (manifest !== null) {
    return (
      <div className="trial-card trial-signature" data-testid="trial-signature">
        <h3>Signed</h3>
        <p>
          <strong>{text(manifest.printedName)}</strong> — {text(manifest.meaning)}
        </p>
        <p>
          {text(manifest.signedAtUtc)} (UTC) · {text(manifest.signedAtLocal)} (local) · {text(manifest.workstation)}
        </p>
        <p className="trial-hash">SEG SHA-256 {text(manifest.segSha256)}</p>
        <button onClick={onDone}>Close</button>
      </div>
    );
  }
  return (
    <div className="trial-card" data-testid="trial-sign-dialog">
      <h3>Sign this read as {printedName}</h3>
      <p>Signing locks the read. Enter your password again to sign.</p>
      <input aria-label="signature password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button onClick={() => void sign()}>Sign</button> <button onClick={onDone}>Cancel</button>
      {error !== null && <p className="trial-error" role="alert">{error}</p>}
    </div>
  );
}
