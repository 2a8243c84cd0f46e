/**
 * Journals every labelmap change to the services as it happens (append-only, fsync'd there), so no
 * work is lost on a crash. Keeps the last journaled labelmap only to compute diffs; the labelmap itself
 * is owned by Cornerstone. Appends are serialised: entries reach the disk in sequence order.
 */
import type { JournalEntry } from '../../../electron/ipc/contract';
import { applyRuns, encodeDiff, encodeSnapshot, netVoxelChange, type Runs } from './runLength';

export type AppendFn = (studyKey: string, entries: JournalEntry[]) => Promise<void>;

export class EditJournal {
  readonly studyKey: string;
  private readonly append: AppendFn;
  /** Last journaled labelmap, for recordEdit; null when the caller journals its own diffs (recordRuns). */
  private shadow: Uint8Array | null;
  private seq: number;
  private chain: Promise<void> = Promise.resolve();
  private pendingCount = 0;
  /** Last write error, shown to the reader (work is not safe while this is set). */
  lastError: string | null = null;
  onStatus: (() => void) | null = null;

  /** `voxelCount` null: no shadow is kept (the caller counts changes itself and journals them with recordRuns). */
  constructor(studyKey: string, voxelCount: number | null, append: AppendFn, startSeq = 0, initial?: Uint8Array) {
    this.studyKey = studyKey;
    this.append = append;
    this.shadow = voxelCount === null ? null : initial === undefined ? new Uint8Array(voxelCount) : initial.slice();
    this.seq = startSeq;
  }

  get pending(): number {
    return this.pendingCount;
  }

  private write(entry: JournalEntry): void {
    this.pendingCount++;
    this.chain = this.chain
      .then(() => this.append(this.studyKey, [entry]))
      .then(
        () => {
          this.lastError = null;
        },
        (err: unknown) => {
          this.lastError = `edit journal not saved: ${err instanceof Error ? err.message : String(err)}`;
        },
      )
      .finally(() => {
        this.pendingCount--;
        this.onStatus?.();
      });
    this.onStatus?.();
  }

  snapshot(labelmap: Uint8Array, runId: string | null, threshold: number | null, keptPrevious = false): void {
    if (this.shadow !== null) this.shadow = labelmap.slice();
    this.write({ kind: 'snapshot', seq: this.seq++, atMs: Date.now(), runId, threshold, ...(keptPrevious ? { keptPrevious: true } : {}), ...encodeSnapshot(labelmap) });
  }

  /** Journals the difference since the last journaled state; returns the net change in lesion voxels (0 when nothing changed). */
  recordEdit(current: Uint8Array, tool: string): { netVoxels: number; changedRuns: number } {
    if (this.shadow === null) throw new Error('recordEdit needs a journal that keeps a shadow labelmap');
    const diff = encodeDiff(this.shadow, current);
    if (diff.values.length === 0) return { netVoxels: 0, changedRuns: 0 };
    const netVoxels = netVoxelChange(this.shadow, diff);
    this.shadow = current.slice();
    this.write({ kind: 'diff', seq: this.seq++, atMs: Date.now(), tool: tool.slice(0, 60), ...diff });
    return { netVoxels, changedRuns: diff.values.length };
  }

  /** Journals changes the caller already computed (voxel runs with their new values). */
  recordRuns(diff: Runs, tool: string): void {
    if (diff.values.length === 0) return;
    if (this.shadow !== null) applyRuns(this.shadow, diff);
    this.write({ kind: 'diff', seq: this.seq++, atMs: Date.now(), tool: tool.slice(0, 60), runs: diff.runs, values: diff.values });
  }

  review(target: 'region' | 'lesion', targetId: number, status: 'reviewed' | 'accepted' | 'rejected' | 'pending'): void {
    this.write({ kind: 'review', seq: this.seq++, atMs: Date.now(), target, targetId, status });
  }

  /** Resolves when everything journaled so far is on disk (or failed: see lastError). */
  flushed(): Promise<void> {
    return this.chain;
  }
}
