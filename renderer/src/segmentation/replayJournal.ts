/**
 * Rebuilds the labelmap and the review decisions from journal entries: the last snapshot, then every
 * later diff in sequence order. The result is bit-identical to the labelmap at the last journaled edit.
 */
import type { JournalEntry } from '../../../electron/ipc/contract';
import { applyRuns } from './runLength';

export interface ReplayResult {
  labelmap: Uint8Array;
  runId: string | null;
  threshold: number | null;
  /** `region:<id>` / `lesion:<id>` -> latest status. */
  reviews: Map<string, 'reviewed' | 'accepted' | 'rejected' | 'pending'>;
  lastSeq: number;
  nEdits: number;
}

export function replayJournal(entries: readonly JournalEntry[], voxelCount: number): ReplayResult {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  let lastSnapshot = -1;
  sorted.forEach((e, i) => {
    if (e.kind === 'snapshot') lastSnapshot = i;
  });
  const labelmap = new Uint8Array(voxelCount);
  const reviews: ReplayResult['reviews'] = new Map();
  let runId: string | null = null;
  let threshold: number | null = null;
  let nEdits = 0;
  sorted.forEach((e, i) => {
    if (e.kind === 'review') {
      reviews.set(`${e.target}:${e.targetId}`, e.status);
      return;
    }
    if (i < lastSnapshot) return;
    if (e.kind === 'snapshot') {
      labelmap.fill(0);
      runId = e.runId;
      threshold = e.threshold;
    } else nEdits++;
    applyRuns(labelmap, e);
  });
  return { labelmap, runId, threshold, reviews, lastSeq: sorted[sorted.length - 1]?.seq ?? -1, nEdits };
}
