import { test } from 'node:test';
import assert from 'node:assert/strict';
import { channels, journalEntrySchema } from '../../../../electron/ipc/contract';
import { SchemaError } from '../../../../electron/ipc/schema';

test('inference settings: defaults absent, out-of-range values named by path', () => {
  const p = channels['inference:start'].request;
  const ok = p({ volumeId: 'v', settings: { mode: 'sal', profile: null, nSamples: 4, seed: 7 } }, 'request');
  assert.equal(ok.settings.nSamples, 4);
  assert.equal('provider' in ok.settings, false);
  assert.throws(() => p({ volumeId: 'v', settings: { mode: 'sal', profile: null, nSamples: 0, seed: 7 } }, 'request'), (e: unknown) => e instanceof SchemaError && e.fieldPath === 'request.settings.nSamples');
  assert.throws(() => p({ volumeId: 'v', settings: { mode: 'sal', profile: null, nSamples: 1.5, seed: 7 } }, 'request'), /an integer/);
  assert.throws(() => p({ volumeId: 'v', settings: { mode: 'fast', profile: null, seed: 7 } }, 'request'), /request\.settings\.mode/);
});

test('journal entries are a tagged union', () => {
  const e = journalEntrySchema({ kind: 'diff', seq: 3, atMs: 1, tool: 'brush', runs: [10, 2], values: [1] }, 'e');
  assert.equal(e.kind, 'diff');
  assert.throws(() => journalEntrySchema({ kind: 'nope', seq: 1 }, 'e'), /e\.kind/);
  assert.throws(() => journalEntrySchema({ kind: 'review', seq: 1, atMs: 0, target: 'region', targetId: 0, status: 'maybe' }, 'e'), /e\.status/);
});
