/**
 * The list of studies of a batch: every sub-folder and every .nii/.nii.gz file of a folder (sorted by
 * name, hidden entries skipped), or a CSV whose first column (or column `path`) holds paths relative to the
 * CSV and whose optional column `id` names the study. Ids are made unique (`_2`, `_3`...). The order is
 * the manifest order that shards are cut from.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { SdpmError } from '../../core/index';
import { isNiftiPath } from '../../core/index';

export interface StudyEntry {
  id: string;
  path: string;
}

function safeId(s: string): string {
  return s.replace(/\.nii(\.gz)?$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'study';
}

/** Splits one CSV line (RFC 4180 quotes; fields as written, not trimmed). */
export function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const splitCsvLine = (line: string): string[] => csvFields(line).map((s) => s.trim());

export function listStudies(input: string): StudyEntry[] {
  const abs = resolve(input);
  if (!existsSync(abs)) throw new SdpmError('SERIES_NOT_FOUND', `batch input not found: ${abs}`, { path: abs });
  let entries: StudyEntry[];
  if (statSync(abs).isDirectory()) {
    entries = readdirSync(abs)
      .filter((n) => !n.startsWith('.'))
      .sort()
      .map((n) => join(abs, n))
      .filter((p) => statSync(p).isDirectory() || isNiftiPath(p))
      .map((p) => ({ id: safeId(basename(p)), path: p }));
  } else {
    const lines = readFileSync(abs, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '' && !l.startsWith('#'));
    const head = splitCsvLine(lines[0] ?? '').map((h) => h.toLowerCase());
    const hasHeader = head.includes('path');
    const pc = hasHeader ? head.indexOf('path') : 0;
    const ic = hasHeader ? head.indexOf('id') : -1;
    entries = (hasHeader ? lines.slice(1) : lines).map((l, i) => {
      const cells = splitCsvLine(l);
      const p = cells[pc] ?? '';
      if (p === '') throw new SdpmError('INVALID_ARGUMENT', `${abs}: row ${i + 1} has no path`, { path: abs });
      const path = resolve(dirname(abs), p);
      return { id: safeId(ic >= 0 && (cells[ic] ?? '') !== '' ? (cells[ic] as string) : basename(path)), path };
    });
  }
  const seen = new Map<string, number>();
  return entries.map((e) => {
    const n = seen.get(e.id) ?? 0;
    seen.set(e.id, n + 1);
    return n === 0 ? e : { ...e, id: `${e.id}_${n + 1}` };
  });
}

