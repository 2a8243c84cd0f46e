import { test } from 'node:test';
import assert from 'node:assert/strict';
import { replayJournal } from '../../../../renderer/src/segmentation/replayJournal';
import { EditJournal } from '../../../../renderer/src/segmentation/EditJournal';
import type { JournalEntry } from '../../../../electron/ipc/contract';

test('an EditJournal written through edits replays to the last state, with review decisions', async () => {
  const written: JournalEntry[] = [];
  const j = new EditJournal('study-a', 50, async (_k, es) => {
    written.push(...es);
  });
  const model = new Uint8Array(50).fill(1, 10, 20);
  j.snapshot(model, 'run-1', 0.5);
  const edit1 = model.slice().fill(1, 30, 35);
  assert.deepEqual(j.recordEdit(edit1, 'brush'), { netVoxels: 5, changedRuns: 1 });
  const edit2 = edit1.slice().fill(0, 10, 12);
  assert.equal(j.recordEdit(edit2, 'eraser').netVoxels, -2);
  assert.equal(j.recordEdit(edit2, 'eraser').changedRuns, 0, 'an unchanged labelmap writes nothing');
  j.review('region', 3, 'reviewed');
  await j.flushed();
  assert.equal(written.length, 4);
  // Entries may arrive in any order on disk readers; replay sorts by seq.
  const r = replayJournal([...written].reverse(), 50);
  assert.deepEqual(r.labelmap, edit2);
  assert.equal(r.runId, 'run-1');
  assert.equal(r.nEdits, 2);
  assert.equal(r.reviews.get('region:3'), 'reviewed');
  assert.equal(r.lastSeq, 3);
});

test('a later snapshot (new result or threshold) supersedes earlier edits', () => {
  const entries: JournalEntry[] = [
    { kind: 'snapshot', seq: 0, atMs: 0, runId: 'a', threshold: 0.5, runs: [0, 5], values: [1] },
    { kind: 'diff', seq: 1, atMs: 0, tool: 'brush', runs: [10, 5], values: [1] },
    { kind: 'snapshot', seq: 2, atMs: 0, runId: 'a', threshold: 0.3, runs: [2, 2], values: [1] },
    { kind: 'diff', seq: 3, atMs: 0, tool: 'eraser', runs: [3, 1], values: [0] },
  ];
  const r = replayJournal(entries, 20);
  assert.deepEqual(Array.from(r.labelmap.subarray(0, 6)), [0, 0, 1, 0, 0, 0]);
  assert.equal(r.threshold, 0.3);
  assert.equal(r.nEdits, 1);
});

test('a failed journal write is reported, not swallowed', async () => {
  const j = new EditJournal('study-b', 4, async () => {
    throw new Error('disk full');
  });
  j.snapshot(new Uint8Array(4), null, null);
  await j.flushed();
  assert.match(j.lastError ?? '', /disk full/);
});

test('replay keeps lesion decisions only after the last snapshot and region reviews only within the last run', () => {
  const snap = (seq: number, runId: string, threshold: number): JournalEntry => ({ kind: 'snapshot', seq, atMs: 0, runId, threshold, runs: [0, 2], values: [1] });
  const review = (seq: number, target: 'region' | 'lesion', id: number): JournalEntry => ({ kind: 'review', seq, atMs: 0, target, targetId: id, status: target === 'region' ? 'reviewed' : 'rejected' });
  const entries: JournalEntry[] = [
    snap(0, 'run-1', 0.5),
    review(1, 'region', 1),
    review(2, 'lesion', 1),
    snap(3, 'run-2', 0.5),
    review(4, 'region', 2),
    review(5, 'lesion', 2),
    snap(6, 'run-2', 0.45),
    review(7, 'lesion', 3),
    { kind: 'diff', seq: 8, atMs: 0, tool: 'brush', runs: [5, 1], values: [1] },
  ];
  const r = replayJournal(entries, 10);
  assert.deepEqual([...r.reviews.keys()].sort(), ['lesion:3', 'region:2']);
  assert.deepEqual([...r.modelLabelmap], [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual([...r.labelmap], [1, 1, 0, 0, 0, 1, 0, 0, 0, 0]);
  assert.equal(r.threshold, 0.45);
});

test('the kept layer comes back from the journal: kept at a run, swapped, kept through a threshold change, dropped by a later run', async () => {
  const written: JournalEntry[] = [];
  const j = new EditJournal('study-k', 20, async (_k, es) => {
    written.push(...es);
  });
  const model1 = new Uint8Array(20).fill(1, 0, 4);
  j.snapshot(model1, 'run-1', 0.5);
  const edited = model1.slice().fill(1, 10, 13);
  j.recordEdit(edited, 'brush');
  const model2 = new Uint8Array(20).fill(1, 2, 6);
  j.snapshot(model2, 'run-2', 0.5, true);
  await j.flushed();
  let r = replayJournal(written, 20);
  assert.deepEqual(r.kept, { mask: edited, swapped: false }, 'kept: the edited mask the run replaced');
  assert.deepEqual(r.labelmap, model2);

  // the reader shows the kept edits instead: the run's result becomes the kept layer
  j.recordEdit(edited, 'switch-layer');
  await j.flushed();
  r = replayJournal(written, 20);
  assert.deepEqual(r.kept, { mask: model2, swapped: true });
  assert.deepEqual(r.labelmap, edited);

  // a threshold change of the same run keeps the layer; a new run that kept nothing drops it
  j.snapshot(new Uint8Array(20).fill(1, 2, 5), 'run-2', 0.6);
  await j.flushed();
  assert.notEqual(replayJournal(written, 20).kept, null);
  j.snapshot(new Uint8Array(20).fill(1, 7, 9), 'run-3', 0.5);
  await j.flushed();
  assert.equal(replayJournal(written, 20).kept, null);
});

test('journals written before the kept-layer flag replay with no kept layer', () => {
  const entries: JournalEntry[] = [
    { kind: 'snapshot', seq: 0, atMs: 0, runId: 'a', threshold: 0.5, runs: [0, 5], values: [1] },
    { kind: 'diff', seq: 1, atMs: 0, tool: 'brush', runs: [10, 5], values: [1] },
    { kind: 'snapshot', seq: 2, atMs: 0, runId: 'b', threshold: 0.5, runs: [2, 2], values: [1] },
  ];
  assert.equal(replayJournal(entries, 20).kept, null);
});
