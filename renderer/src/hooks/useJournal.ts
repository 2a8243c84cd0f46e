/**
 * The crash-safe edit journal (one concern): opens it per study, offers to restore unsaved work, keeps the
 * status line, and saves/lists/loads named sessions. Every change reaches the services' append-only,
 * fsync'd journal as it happens.
 */
import { useCallback, useRef, useState } from 'react';
import type { JournalEntry, Response } from '../../../electron/ipc/contract';
import { call } from '../api/api';
import { EditJournal } from '../segmentation/EditJournal';
import type { Runs } from '../segmentation/runLength';

type VolumeInfo = Response<'study:load'>;
export interface RestoreOffer {
  entries: JournalEntry[];
  updatedAtMs: number | null;
  nEdits: number;
}

const append = async (studyKey: string, entries: JournalEntry[]) => {
  await call('journal:append', { studyKey, entries });
};

export function useJournal(setError: (m: string) => void) {
  const journal = useRef<EditJournal | null>(null);
  const [status, setStatus] = useState('No study open.');
  const [restoreOffer, setRestoreOffer] = useState<RestoreOffer | null>(null);
  const [sessions, setSessions] = useState<Array<{ name: string; savedAtMs: number }>>([]);

  const refreshStatus = useCallback(() => {
    const j = journal.current;
    if (j === null) return;
    setStatus(j.lastError ?? (j.pending > 0 ? `Saving ${j.pending} change(s)…` : 'All changes saved to the journal.'));
  }, []);

  const open = useCallback(
    (studyKey: string, startSeq = 0) => {
      const j = new EditJournal(studyKey, null, append, startSeq);
      j.onStatus = refreshStatus;
      journal.current = j;
    },
    [refreshStatus],
  );

  /** Opens the journal of a newly loaded series and offers to restore what it holds. */
  const startStudy = useCallback(
    async (info: VolumeInfo) => {
      open(info.studyKey);
      setSessions([]);
      setStatus('Edits are journaled as you work.');
      const previous = await call('journal:read', { studyKey: info.studyKey });
      if (previous.entries.length > 0) {
        const nEdits = previous.entries.filter((e) => e.kind !== 'snapshot').length;
        setRestoreOffer({ entries: previous.entries, updatedAtMs: previous.updatedAtMs, nEdits });
      } else setRestoreOffer(null);
    },
    [open],
  );

  const discardRestore = useCallback(
    (studyKey: string) => {
      setRestoreOffer(null);
      call('journal:discard', { studyKey }).catch((err: unknown) => setError(String(err)));
    },
    [setError],
  );

  return {
    status,
    setStatus,
    restoreOffer,
    clearRestoreOffer: () => setRestoreOffer(null),
    startStudy,
    discardRestore,
    /** Continues a journal after a replay (sequence numbers go on from the last entry). */
    reopen: open,
    snapshot: (mask: Uint8Array, runId: string | null, threshold: number | null, keptPrevious = false) => journal.current?.snapshot(mask, runId, threshold, keptPrevious),
    diff: (runs: Runs, tool: string) => journal.current?.recordRuns(runs, tool),
    review: (target: 'region' | 'lesion', id: number, status: 'reviewed' | 'accepted' | 'rejected' | 'pending') => journal.current?.review(target, id, status),
    flushed: () => journal.current?.flushed() ?? Promise.resolve(),
    sessions,
    listSessions: async (studyKey: string) => setSessions((await call('session:list', { studyKey })).sessions),
    saveSession: async (studyKey: string, name: string) => {
      await journal.current?.flushed();
      const r = await call('session:save', { studyKey, name });
      setStatus(`Session saved: ${r.path}`);
    },
    loadSession: async (studyKey: string, name: string) => {
      await journal.current?.flushed();
      return (await call('session:load', { studyKey, name })).entries;
    },
  };
}

export type Journal = ReturnType<typeof useJournal>;
