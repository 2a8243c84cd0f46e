/**
 * Verifies a bundle's `SHA256SUMS` (sha256sum format: `<64 hex>  <relative path>`, `*` binary marker allowed):
 * every listed file exists and matches, and no file in the bundle is unlisted except SHA256SUMS itself.
 * Returns the sha256 of the SHA256SUMS file, which identifies the whole bundle content in reports.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { SdpmError } from '../errors';

function listFiles(dir: string, root: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, root, out);
    else out.push(relative(root, p).split(sep).join('/'));
  }
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function verifyChecksums(bundleDir: string): string {
  const sumsPath = join(bundleDir, 'SHA256SUMS');
  let text: string;
  try {
    text = readFileSync(sumsPath, 'utf8');
  } catch (err) {
    throw new SdpmError('BUNDLE_INVALID', `bundle has no SHA256SUMS file: ${sumsPath}`, { path: sumsPath, cause: err });
  }
  const listed = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    if (m === null || m[1] === undefined || m[2] === undefined) throw new SdpmError('BUNDLE_INVALID', `SHA256SUMS line ${i + 1} is not "<sha256>  <path>": ${JSON.stringify(line.slice(0, 80))}`, { path: sumsPath });
    const rel = m[2].replace(/^\.\//, '');
    if (rel.split('/').includes('..') || rel.startsWith('/')) throw new SdpmError('BUNDLE_INVALID', `SHA256SUMS line ${i + 1} names a path outside the bundle: ${rel}`, { path: sumsPath });
    listed.set(rel, m[1].toLowerCase());
  });
  const present: string[] = [];
  listFiles(bundleDir, bundleDir, present);
  for (const f of present) {
    if (f !== 'SHA256SUMS' && !listed.has(f)) throw new SdpmError('BUNDLE_CHECKSUM', `file ${f} is in the bundle but not listed in SHA256SUMS (${bundleDir})`, { path: join(bundleDir, f) });
  }
  for (const [rel, expected] of listed) {
    const p = join(bundleDir, rel);
    let actual: string;
    try {
      actual = sha256File(p);
    } catch (err) {
      throw new SdpmError('BUNDLE_CHECKSUM', `file ${rel} is listed in SHA256SUMS but missing from the bundle (${bundleDir})`, { path: p, cause: err });
    }
    if (actual !== expected) throw new SdpmError('BUNDLE_CHECKSUM', `checksum mismatch for ${rel}: SHA256SUMS says ${expected.slice(0, 12)}…, the file has ${actual.slice(0, 12)}… (modified or corrupt bundle)`, { path: p });
  }
  return sha256File(sumsPath);
}
