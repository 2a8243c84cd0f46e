import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JournalStore } from '../../../../../electron/services/app/JournalStore';
import { memoryLogger } from '../../../../../electron/core/logger';
import type { JournalEntry } from '../../../../../electron/ipc/contract';

const snap: JournalEntry = { kind: 'snapshot', seq: 0, atMs: 1, runId: 'r', threshold: 0.5, runs: [0, 3], values: [1] };
const diff = (seq: number): JournalEntry => ({ kind: 'diff', seq, atMs: 2, tool: 'brush', runs: [seq * 10, 2], values: [1] });

test('appends survive a new store instance (a restart) in order; a torn last line is skipped with a warning', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-journal-'));
  const a = new JournalStore(dir, memoryLogger());
  await a.append('study-x', [snap]);
  await Promise.all([a.append('study-x', [diff(1)]), a.append('study-x', [diff(2)]), a.append('study-x', [diff(3)])]);
  appendFileSync(join(dir, 'journals', 'study-x.jsonl'), '{"kind":"diff","seq":4,"atMs"');
  const logger = memoryLogger();
  const b = new JournalStore(dir, logger);
  const { entries } = await b.read('study-x');
  assert.deepEqual(entries.map((e) => e.seq), [0, 1, 2, 3]);
  assert.ok(logger.records.some((r) => r.message === 'journal line skipped'));
});

test('sessions save, list and load back; bad names are refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sdpm-journal-'));
  const s = new JournalStore(dir, memoryLogger());
  await s.append('study-y', [snap, diff(1)]);
  await s.saveSession('study-y', 'first-read');
  await s.append('study-y', [diff(2)]);
  assert.deepEqual((await s.listSessions('study-y')).map((x) => x.name), ['first-read']);
  const loaded = await s.loadSession('study-y', 'first-read');
  assert.equal(loaded.length, 2);
  assert.equal((await s.read('study-y')).entries.length, 2);
  await assert.rejects(s.saveSession('study-y', '../escape'), /letters, digits/);
  await assert.rejects(s.read('../../etc'), /not allowed/);
});
