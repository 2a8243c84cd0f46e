/**
 * Editing state around the Cornerstone-owned labelmap: tool settings, the crash-safe edit journal,
 * live volumes, lesion decisions, restore after a crash, sessions and export.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { JournalEntry, Response } from '../../electron/ipc/contract';
import { call } from './api/api';
import type { EditMode, ViewerController } from './viewer/ViewerController';
import { voxelCountOf } from './viewer/volumeGeometry';
import { EditJournal } from './segmentation/EditJournal';
import { replayJournal } from './segmentation/replayJournal';
import { countNonZero, hashLabelmap } from './segmentation/runLength';
import { removeIslands as removeIslandsInPlace } from './segmentation/removeIslands';
import { interpolateSlices } from './segmentation/interpolateSlices';
import { componentNear, labelComponents } from './segmentation/labelComponents';
import { fillHoles as fillHolesInPlace } from './segmentation/fillHoles';
import { fillRegionAt } from './segmentation/fillRegionAt';
import { editActionForKey } from './segmentation/editShortcuts';

type VolumeInfo = Response<'study:load'>;
type Lesion = Response<'volumetry:measure'>['lesions'][number];
const EDIT_DEBOUNCE_MS = 150;
const MEASURE_DEBOUNCE_MS = 400;
const MIN_ISLAND_VOXELS = 10;
const MIN_RADIUS_MM = 1;
const MAX_RADIUS_MM = 30;

export function useEditing(controller: ViewerController | null, volume: VolumeInfo | null, runId: string | null, setError: (m: string) => void) {
  const [mode, setModeState] = useState<EditMode>('navigate');
  const [brush3d, setBrush3dState] = useState(false);
  const [radiusMm, setRadiusState] = useState(5);
  const [huRange, setHuRangeState] = useState<[number, number]>([45, 90]);
  const [edited, setEdited] = useState(false);
  const [totalMl, setTotalMl] = useState<number | null>(null);
  const [lesions, setLesions] = useState<Lesion[]>([]);
  const [reviewedRegions, setReviewedRegions] = useState<ReadonlySet<number>>(new Set());
  const [lesionDecisions, setLesionDecisions] = useState<ReadonlyMap<number, 'accepted' | 'rejected'>>(new Map());
  const [journalStatus, setJournalStatus] = useState('No study open.');
  const [restoreOffer, setRestoreOffer] = useState<{ entries: JournalEntry[]; updatedAtMs: number | null; nEdits: number } | null>(null);
  const [exported, setExported] = useState<Response<'export:seg'> | null>(null);
  /** Lesion voxel count and labelmap hash after the last journaled change (shown as data attributes for tests). */
  const [labelmapState, setLabelmapState] = useState<{ voxels: number; hash: string }>({ voxels: 0, hash: '' });
  const [sessions, setSessions] = useState<Array<{ name: string; savedAtMs: number }>>([]);
  const journal = useRef<EditJournal | null>(null);
  const lesionCount = useRef(0);
  const editTimer = useRef<number | undefined>(undefined);
  const measureTimer = useRef<number | undefined>(undefined);
  const editedSinceRunRef = useRef(false);
  const pendingTool = useRef<string>('navigate');

  const voxelMl = volume === null ? 0 : ((volume.spacingMm[0] ?? 0) * (volume.spacingMm[1] ?? 0) * (volume.spacingMm[2] ?? 0)) / 1000;

  const refreshStatus = useCallback(() => {
    const j = journal.current;
    if (j === null) return;
    setJournalStatus(j.lastError ?? (j.pending > 0 ? `Saving ${j.pending} change(s)…` : 'All changes saved to the journal.'));
  }, []);

  const scheduleMeasure = useCallback(() => {
    window.clearTimeout(measureTimer.current);
    measureTimer.current = window.setTimeout(() => {
      if (controller === null || volume === null) return;
      call('volumetry:measure', { volumeId: volume.volumeId, runId, labelmap: controller.getLabelmap() }).then(
        (m) => {
          setLesions(m.lesions);
          setTotalMl(m.totalMl);
        },
        (err: unknown) => setError(`volumes not updated: ${err instanceof Error ? err.message : String(err)}`),
      );
    }, MEASURE_DEBOUNCE_MS);
  }, [controller, volume, runId, setError]);

  /** Journals the current labelmap against the last journaled one; updates the total at once. */
  const flushEdit = useCallback(() => {
    const j = journal.current;
    if (j === null || controller === null) return;
    const current = controller.getLabelmap();
    const r = j.recordEdit(current, pendingTool.current);
    if (r.changedRuns === 0) return;
    lesionCount.current += r.netVoxels;
    setTotalMl(lesionCount.current * voxelMl);
    setLabelmapState({ voxels: lesionCount.current, hash: hashLabelmap(current) });
    setEdited(true);
    editedSinceRunRef.current = true;
    scheduleMeasure();
  }, [controller, voxelMl, scheduleMeasure]);

  const onLabelmapModified = useCallback(() => {
    window.clearTimeout(editTimer.current);
    editTimer.current = window.setTimeout(flushEdit, EDIT_DEBOUNCE_MS);
  }, [flushEdit]);

  useEffect(() => () => window.clearTimeout(editTimer.current), []);

  const startStudy = useCallback(
    async (info: VolumeInfo) => {
      const n = voxelCountOf(info);
      const j = new EditJournal(info.studyKey, n, async (key, entries) => {
        await call('journal:append', { studyKey: key, entries });
      });
      j.onStatus = refreshStatus;
      journal.current = j;
      lesionCount.current = 0;
      setLabelmapState({ voxels: 0, hash: '' });
      setEdited(false);
      setTotalMl(0);
      setLesions([]);
      setExported(null);
      setReviewedRegions(new Set());
      setLesionDecisions(new Map());
      setJournalStatus('Edits are journaled as you work.');
      const previous = await call('journal:read', { studyKey: info.studyKey });
      if (previous.entries.length > 0) {
        const nEdits = previous.entries.filter((e) => e.kind !== 'snapshot').length;
        setRestoreOffer({ entries: previous.entries, updatedAtMs: previous.updatedAtMs, nEdits });
      } else setRestoreOffer(null);
    },
    [refreshStatus],
  );

  const applyEntries = useCallback(
    (entries: JournalEntry[]) => {
      if (volume === null || controller === null) return;
      const r = replayJournal(entries, voxelCountOf(volume));
      const j = new EditJournal(volume.studyKey, r.labelmap.length, async (key, es) => {
        await call('journal:append', { studyKey: key, entries: es });
      }, r.lastSeq + 1, r.labelmap);
      j.onStatus = refreshStatus;
      journal.current = j;
      lesionCount.current = countNonZero(r.labelmap);
      controller.setLabelmap(r.labelmap);
      setLabelmapState({ voxels: lesionCount.current, hash: hashLabelmap(r.labelmap) });
      setTotalMl(lesionCount.current * voxelMl);
      setEdited(r.nEdits > 0);
      const reviewed = new Set<number>();
      const decisions = new Map<number, 'accepted' | 'rejected'>();
      for (const [key, status] of r.reviews) {
        const [target, id] = key.split(':');
        if (target === 'region' && status === 'reviewed') reviewed.add(Number(id));
        if (target === 'lesion' && (status === 'accepted' || status === 'rejected')) decisions.set(Number(id), status);
      }
      setReviewedRegions(reviewed);
      setLesionDecisions(decisions);
      setJournalStatus(`Restored ${r.nEdits} edit(s) from the journal.`);
      scheduleMeasure();
    },
    [volume, controller, voxelMl, refreshStatus, scheduleMeasure],
  );

  const acceptRestore = useCallback(() => {
    if (restoreOffer === null) return;
    applyEntries(restoreOffer.entries);
    setRestoreOffer(null);
  }, [restoreOffer, applyEntries]);

  const discardRestore = useCallback(() => {
    if (volume === null) return;
    setRestoreOffer(null);
    call('journal:discard', { studyKey: volume.studyKey }).catch((err: unknown) => setError(String(err)));
  }, [volume, setError]);

  /**
   * A new model mask (streamed result or threshold change): journaled as a snapshot, not an edit. It goes
   * on the undo stack too, so Ctrl+Z after moving the threshold brings back the mask and the manual edits
   * it replaced (the overlay panel promises this).
   */
  const replaceFromModel = useCallback(
    (mask: Uint8Array, run: string, threshold: number) => {
      const j = journal.current;
      if (j === null || controller === null) return;
      j.snapshot(mask, run, threshold);
      const before = controller.getLabelmap();
      controller.setLabelmap(mask);
      if (before.length === mask.length) controller.recordLabelmapChange(before, mask, 'probability-threshold');
      lesionCount.current = countNonZero(mask);
      setTotalMl(lesionCount.current * voxelMl);
      setLabelmapState({ voxels: lesionCount.current, hash: hashLabelmap(mask) });
      setEdited(false);
      scheduleMeasure();
    },
    [controller, voxelMl, scheduleMeasure],
  );

  const setMode = useCallback(
    (m: EditMode) => {
      controller?.setMode(m);
      pendingTool.current = m;
      setModeState(m);
    },
    [controller],
  );

  /**
   * Runs a whole-labelmap operation (hole fill, island removal, interpolation, lesion rejection), puts it
   * on the undo stack with the brush strokes, and journals it like any edit.
   */
  const bulkEdit = useCallback(
    (tool: string, op: (lm: Uint8Array, dims: [number, number, number]) => number) => {
      if (controller === null || volume === null) return;
      const before = controller.getLabelmap();
      const lm = before.slice();
      const changed = op(lm, volume.dimensions as [number, number, number]);
      if (changed === 0) return;
      pendingTool.current = tool;
      controller.setLabelmap(lm);
      controller.recordLabelmapChange(before, lm, tool);
      window.clearTimeout(editTimer.current);
      flushEdit();
      pendingTool.current = mode;
    },
    [controller, volume, flushEdit, mode],
  );

  const decideLesion = useCallback(
    (lesionId: number, decision: 'accepted' | 'rejected') => {
      const lesion = lesions.find((l) => l.lesionId === lesionId);
      if (lesion === undefined || volume === null) return;
      journal.current?.review('lesion', lesionId, decision);
      setLesionDecisions((prev) => new Map(prev).set(lesionId, decision));
      if (decision === 'rejected') {
        bulkEdit('reject-lesion', (lm, dims) => {
          const { labels } = labelComponents(lm, dims);
          const target = componentNear(labels, dims, lesion.centroidIjk);
          let n = 0;
          for (let v = 0; v < lm.length; v++) {
            if (labels[v] === target && target !== 0) {
              lm[v] = 0;
              n++;
            }
          }
          return n;
        });
      }
    },
    [lesions, volume, bulkEdit],
  );

  const markReviewed = useCallback((regionId: number) => {
    journal.current?.review('region', regionId, 'reviewed');
    setReviewedRegions((prev) => new Set(prev).add(regionId));
  }, []);

  const setBrush3d = useCallback(
    (on: boolean) => {
      controller?.set3dBrush(on);
      setBrush3dState(on);
    },
    [controller],
  );

  const setRadiusMm = useCallback(
    (mm: number) => {
      const r = Math.min(MAX_RADIUS_MM, Math.max(MIN_RADIUS_MM, mm));
      controller?.setBrushRadiusMm(r);
      setRadiusState(r);
    },
    [controller],
  );

  const removeIslands = useCallback(() => bulkEdit('remove-islands', (lm, dims) => removeIslandsInPlace(lm, dims, MIN_ISLAND_VOXELS)), [bulkEdit]);
  const interpolate = useCallback(() => bulkEdit('interpolate', (lm, dims) => interpolateSlices(lm, dims)), [bulkEdit]);
  const fillHoles = useCallback(() => bulkEdit('fill-holes', (lm, dims) => fillHolesInPlace(lm, dims)), [bulkEdit]);

  /** Fill mode: a click fills the enclosed background around it, in the clicked view's plane. */
  const fillAt = useCallback(
    (ijk: [number, number, number], axis: 0 | 1 | 2) => {
      let reason = '';
      bulkEdit('fill', (lm, dims) => {
        const r = fillRegionAt(lm, dims, ijk, axis);
        reason = r.reason;
        return r.filled;
      });
      if (reason === 'open') setError('Fill: the clicked region is not enclosed by lesion (it reaches the edge of the slice). Close the outline first.');
    },
    [bulkEdit, setError],
  );

  useEffect(() => {
    controller?.onFillClick(fillAt);
    return () => controller?.onFillClick(null);
  }, [controller, fillAt]);

  /** Keyboard shortcuts of every editing tool (table in segmentation/editShortcuts.ts). */
  const onKey = useCallback(
    (e: KeyboardEvent) => {
      if (controller === null || volume === null) return;
      const action = editActionForKey(e);
      if (action === null) return;
      e.preventDefault();
      switch (action.kind) {
        case 'undo':
          controller.undo();
          break;
        case 'redo':
          controller.redo();
          break;
        case 'mode':
          setMode(action.mode);
          break;
        case 'toggle3d':
          setBrush3d(!brush3d);
          break;
        case 'radius':
          setRadiusMm(radiusMm + action.deltaMm);
          break;
        case 'fillHoles':
          fillHoles();
          break;
        case 'removeIslands':
          removeIslands();
          break;
        case 'interpolate':
          interpolate();
          break;
      }
    },
    [controller, volume, setMode, setBrush3d, brush3d, setRadiusMm, radiusMm, fillHoles, removeIslands, interpolate],
  );

  return {
    mode,
    setMode,
    brush3d,
    setBrush3d,
    radiusMm,
    setRadiusMm,
    huRange,
    setHuRange: (r: [number, number]) => {
      controller?.setThresholdRangeHu(Math.min(r[0], r[1]), Math.max(r[0], r[1]));
      setHuRangeState(r);
    },
    edited,
    totalMl,
    labelmapState,
    voxelMl,
    lesions,
    reviewedRegions,
    lesionDecisions,
    journalStatus,
    restoreOffer,
    exported,
    onLabelmapModified,
    startStudy,
    acceptRestore,
    discardRestore,
    replaceFromModel,
    markRunStart: () => {
      editedSinceRunRef.current = false;
    },
    editedSinceRun: () => editedSinceRunRef.current,
    markReviewed,
    decideLesion,
    onKey,
    removeIslands,
    interpolate,
    fillHoles,
    sessions,
    listSessions: async () => {
      if (volume === null) return;
      setSessions((await call('session:list', { studyKey: volume.studyKey })).sessions);
    },
    loadSession: async (name: string) => {
      if (volume === null) return;
      window.clearTimeout(editTimer.current);
      await journal.current?.flushed();
      const r = await call('session:load', { studyKey: volume.studyKey, name });
      applyEntries(r.entries);
      setJournalStatus(`Loaded session ${name}.`);
    },
    saveSession: async (name: string) => {
      if (volume === null) return;
      window.clearTimeout(editTimer.current);
      flushEdit();
      await journal.current?.flushed();
      const r = await call('session:save', { studyKey: volume.studyKey, name });
      setJournalStatus(`Session saved: ${r.path}`);
    },
    exportSeg: async (readerName: string) => {
      if (volume === null || controller === null) return;
      window.clearTimeout(editTimer.current);
      flushEdit();
      await journal.current?.flushed();
      const r = await call('export:seg', { volumeId: volume.volumeId, runId, labelmap: controller.getLabelmap(), readerName, edited });
      setExported(r);
    },
  };
}
