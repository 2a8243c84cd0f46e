/**
 * Independent reader of the server's edit journal (JSON lines) for tests: replays the last snapshot and
 * the diffs after it, without the app's own replay code, so a bug there cannot hide itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Entry {
  kind: string;
  seq: number;
  runs?: number[];
  values?: number[];
  tool?: string;
}

export function journalFiles(dataDir: string): string[] {
  const dir = join(dataDir, 'journals');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .map((f) => join(dir, f));
}

export function readJournal(file: string): Entry[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Entry)
    .sort((a, b) => a.seq - b.seq);
}

/** Lesion voxels after each entry (index-aligned with the entries), replayed on a Set of voxel indices. */
export function voxelCountsAfterEach(entries: readonly Entry[]): number[] {
  const on = new Set<number>();
  return entries.map((e) => {
    if (e.kind === 'snapshot') on.clear();
    if (e.kind === 'snapshot' || e.kind === 'diff') {
      const runs = e.runs ?? [];
      const values = e.values ?? [];
      for (let n = 0; n < values.length; n++) {
        for (let v = runs[2 * n]!; v < runs[2 * n]! + runs[2 * n + 1]!; v++) {
          if (values[n] !== 0) on.add(v);
          else on.delete(v);
        }
      }
    }
    return on.size;
  });
}
