/**
 * Rebuilds the labelmap and the review decisions from journal entries: the last snapshot, then every
 * later diff in sequence order. The result is bit-identical to the labelmap at the last journaled edit.
 * Review decisions count as the app keeps them: lesion decisions only after the last snapshot (a new model
 * mask renumbers the lesions), region reviews only since the run of the last snapshot began (each run has
 * its own review queue; a threshold change keeps it).
 */
import type { JournalEntry } from '../../../electron/ipc/contract';
import { applyRuns } from './runLength';

export interface ReplayResult {
  labelmap: Uint8Array;
  /** The labelmap at the last snapshot (the model's mask before the reader's edits). */
  modelLabelmap: Uint8Array;
  runId: string | null;
  threshold: number | null;
  /** `region:<id>` / `lesion:<id>` -> latest status. */
  reviews: Map<string, 'reviewed' | 'accepted' | 'rejected' | 'pending'>;
  lastSeq: number;
  nEdits: number;
  /**
   * The layer kept beside the shown mask: the edited mask a run replaced when the reader chose to keep it
   * (snapshot `keptPrevious`), exchanged with the shown mask at each 'switch-layer' edit (`swapped` = the kept
   * layer is now the run's result). Null when the last run kept nothing.
   */
  kept: { mask: Uint8Array; swapped: boolean } | null;
}

export function replayJournal(entries: readonly JournalEntry[], voxelCount: number): ReplayResult {
  const sorted = [...entries].sort((a, b) => a.seq - b.seq);
  let lastSnapshot = -1;
  sorted.forEach((e, i) => {
    if (e.kind === 'snapshot') lastSnapshot = i;
  });
  const lastRun = lastSnapshot < 0 ? null : (sorted[lastSnapshot] as { runId: string | null }).runId;
  let runStart = lastSnapshot;
  for (let i = lastSnapshot - 1; i >= 0; i--) {
    const e = sorted[i]!;
    if (e.kind !== 'snapshot') continue;
    if (e.runId !== lastRun) break;
    runStart = i;
  }
  const labelmap = new Uint8Array(voxelCount);
  let modelLabelmap = labelmap.slice();
  const reviews: ReplayResult['reviews'] = new Map();
  let runId: string | null = null;
  let threshold: number | null = null;
  let nEdits = 0;
  // One pass over the whole journal: entries before the last snapshot matter only for the kept layer.
  let kept: ReplayResult['kept'] = null;
  let keptRunId: string | null | undefined;
  sorted.forEach((e, i) => {
    if (e.kind === 'review') {
      const after = e.target === 'lesion' ? lastSnapshot : runStart;
      if (i > after) reviews.set(`${e.target}:${e.targetId}`, e.status);
      return;
    }
    if (e.kind === 'snapshot') {
      if (e.keptPrevious === true) kept = { mask: labelmap.slice(), swapped: false };
      else if (e.runId !== keptRunId) kept = null; // a new run that kept nothing (a threshold change keeps the layer)
      keptRunId = e.runId;
      labelmap.fill(0);
      applyRuns(labelmap, e);
      if (i === lastSnapshot) {
        runId = e.runId;
        threshold = e.threshold;
        modelLabelmap = labelmap.slice();
      }
      return;
    }
    if (i > lastSnapshot) nEdits++;
    if (e.tool === 'switch-layer' && kept !== null) {
      const before = labelmap.slice();
      applyRuns(labelmap, e);
      kept = { mask: before, swapped: !kept.swapped };
    } else applyRuns(labelmap, e);
  });
  return { labelmap, modelLabelmap, runId, threshold, reviews, lastSeq: sorted[sorted.length - 1]?.seq ?? -1, nEdits, kept };
}
