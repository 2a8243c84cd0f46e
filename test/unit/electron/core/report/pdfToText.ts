/** Text of a PDF by poppler's `pdftotext` (installed by scripts/install-system-deps.sh); null when it is missing. */
import { execFileSync } from 'node:child_process';

export function pdfToText(path: string): string | null {
  try {
    return execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
