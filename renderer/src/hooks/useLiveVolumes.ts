/**
 * Live volumes (one concern): the lesion voxel count, total (mL) and labelmap hash, updated from the
 * slices each stroke touched (LiveLabelmap), and the lesion table, measured off the UI thread by the
 * lesion worker from the stroke's diff. Also every whole-labelmap change (model mask, bulk tools, lesion
 * rejection, restore), so that the count, the journal, the worker and Cornerstone's undo stack agree.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import type { JournalEntry, Response } from '../../../electron/ipc/contract';
import { LiveTotal, volumeMl, voxelVolumeMl } from '../../../electron/core/lesions';
import { call } from '../api/api';
import type { ViewerController } from '../viewer/ViewerController';
import { LiveLabelmap } from '../live/LiveLabelmap';
import { LesionWorkerClient } from '../live/LesionWorkerClient';
import { geometryOf } from '../live/lesionProtocol';
import type { LesionTable } from '../live/LesionModel';
import { encodeDiff } from '../segmentation/runLength';
import { replayJournal } from '../segmentation/replayJournal';
import type { Journal } from './useJournal';
import { lesionRows, type IntervalsById } from './lesionRows';
import { voxelsAllSet } from '../../../electron/core/lesions/index';

type MeasureResponse = Response<'volumetry:measure'>;

type VolumeInfo = Response<'study:load'>;
/** A stroke arrives as many small modifications: each is counted at once, journaled together after this pause. */
const SEND_AFTER_MS = 150;

export interface LiveState {
  voxels: number;
  hash: string;
  totalMl: number | null;
}

export function useLiveVolumes(controller: ViewerController | null, volume: VolumeInfo | null, journal: Journal, toolName: () => string, setError: (m: string) => void) {
  const live = useRef<LiveLabelmap | null>(null);
  const worker = useRef<LesionWorkerClient | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const [state, setState] = useState<LiveState>({ voxels: 0, hash: '', totalMl: null });
  /** True from a change until the lesion worker has measured it (the total mL is the worker's, see below). */
  const [measuring, setMeasuring] = useState(false);
  const [table, setTable] = useState<LesionTable | null>(null);
  const [intervals, setIntervals] = useState<IntervalsById>(new Map());
  /** the run's interval calibration and its plain-words note (volumetry:measure, once per model mask) */
  const [calibration, setCalibration] = useState<{ calibration: MeasureResponse['calibration'] | null; intervalNote: string | undefined; lesionIntervalNote: string | null; detectionNote: string | null }>({ calibration: null, intervalNote: undefined, lesionIntervalNote: null, detectionNote: null });
  const [decisions, setDecisions] = useState<ReadonlyMap<number, 'accepted' | 'rejected'>>(new Map());
  /** Reader edits since the last model mask (0 = the mask is the model's). */
  const [editsSinceModel, setEditsSinceModel] = useState(0);
  const voxelMl = volume === null ? 0 : voxelVolumeMl({ spacingMm: volume.spacingMm as [number, number, number], directionLps: volume.directionLps as LesionWorkerGeometry['directionLps'] });

  const publish = useCallback(() => {
    const l = live.current;
    if (l === null) return;
    setState({ voxels: l.voxels, hash: l.hash, totalMl: l.totalMl ?? volumeMl(l.voxels, voxelMl) });
    setMeasuring(true);
  }, [voxelMl]);

  useEffect(() => () => worker.current?.terminate(), []);

  /** The last model mask sent to the worker (run result, threshold, restore) and its version there. */
  const lastModel = useRef<{ mask: Uint8Array; version: number } | null>(null);
  const intervalsTimer = useRef<number | undefined>(undefined);

  /**
   * Once per model mask, not per stroke: the services measure it with the run's lesion IDs (the engine's
   * stable IDs) and sample intervals; the lesion table takes the IDs over and shows the intervals of the
   * lesions still exactly as the model drew them.
   */
  const refreshIntervals = useCallback(
    async (runId: string | null) => {
      const model = lastModel.current;
      if (volume === null || model === null || runId === null) {
        setIntervals(new Map());
        setCalibration({ calibration: null, intervalNote: undefined, lesionIntervalNote: null, detectionNote: null });
        return;
      }
      const m = await call('volumetry:measure', { volumeId: volume.volumeId, runId, labelmap: model.mask });
      setCalibration({ calibration: m.calibration ?? null, intervalNote: m.intervalNote, lesionIntervalNote: m.lesionIntervalNote ?? null, detectionNote: m.detectionNote ?? null });
      worker.current?.adoptIds(model.version, m.lesions);
      setMeasuring(true);
      setIntervals(new Map(m.lesions.map((x) => [x.lesionId, { voxelCount: x.voxelCount, intervalMl: x.sampleIntervalMl }])));
    },
    [volume],
  );
  const scheduleIntervals = useCallback(
    (runId: string | null) => {
      window.clearTimeout(intervalsTimer.current);
      intervalsTimer.current = window.setTimeout(() => {
        refreshIntervals(runId).catch((err: unknown) => setError(`sample intervals not updated: ${err instanceof Error ? err.message : String(err)}`));
      }, 250);
    },
    [refreshIntervals, setError],
  );
  const sendModel = (mask: Uint8Array) => {
    const w = worker.current;
    if (w === null) return;
    w.replace(mask, true);
    lastModel.current = { mask: mask.slice(), version: w.modelVersion };
  };

  const startStudy = useCallback(
    (info: VolumeInfo) => {
      worker.current?.terminate();
      const [nx, ny, nz] = info.dimensions as [number, number, number];
      const geometry: LesionWorkerGeometry = {
        dimensions: [nx, ny, nz],
        spacingMm: info.spacingMm as [number, number, number],
        originLps: info.originLps as [number, number, number],
        directionLps: info.directionLps as LesionWorkerGeometry['directionLps'],
        ...(info.source !== undefined ? { source: info.source as NonNullable<LesionWorkerGeometry['source']> } : {}),
      };
      const g = geometryOf(geometry);
      live.current = new LiveLabelmap(nx * ny, nz, new LiveTotal(g, g.source), geometry.dimensions);
      const w = new LesionWorkerClient(geometry);
      w.onTable = (t) => {
        setTable(t);
        setMeasuring(false);
      };
      w.onError = (m) => setError(`lesion table not updated: ${m}`);
      worker.current = w;
      setTable(null);
      setIntervals(new Map());
      setDecisions(new Map());
      setEditsSinceModel(0);
      setState({ voxels: 0, hash: live.current.hash, totalMl: 0 });
    },
    [setError],
  );

  /** Changes counted but not yet journaled / sent to the lesion worker (a stroke's mouse moves, merged). */
  const unsent = useRef<{ runs: number[]; values: number[] }>({ runs: [], values: [] });

  /** Journals the counted changes and sends them to the lesion worker (later runs win where they overlap). */
  const send = useCallback(() => {
    window.clearTimeout(timer.current);
    const u = unsent.current;
    if (u.values.length === 0) return;
    unsent.current = { runs: [], values: [] };
    journal.diff(u, toolName());
    worker.current?.diff(u);
  }, [journal, toolName]);

  /**
   * Counts what changed in the given slices at once (inside Cornerstone's modified event, before it renders),
   * so the voxel count does not wait for the rendering; journaling and the lesion worker follow shortly after.
   */
  const count = useCallback(
    (slices: number[] | null) => {
      const l = live.current;
      if (l === null || controller === null) return;
      const ks = slices ?? Array.from({ length: l.nSlices }, (_, k) => k);
      performance.mark('sdpm:count-start'); // read by scripts/bench/app-latency.ts
      const change = l.syncSlices(ks, (k) => controller.labelmapSlice(k));
      if (change.values.length === 0) return;
      unsent.current.runs.push(...change.runs);
      unsent.current.values.push(...change.values);
      // Committed now, inside Cornerstone's event: the count and total reach the panel before Cornerstone
      // renders the viewports (a frame can take hundreds of ms with software WebGL), not after it.
      flushSync(() => {
        setEditsSinceModel((n) => n + 1);
        publish();
      });
      window.clearTimeout(timer.current);
      timer.current = window.setTimeout(send, SEND_AFTER_MS);
    },
    [controller, publish, send],
  );

  /** Everything counted reaches the journal and the worker now (before a whole-labelmap change, export, save). */
  const flush = send;

  const onLabelmapModified = count;

  /** Shows a mask everywhere without journaling it (the streamed y_avg preview while a run goes on). */
  const preview = useCallback(
    (mask: Uint8Array) => {
      if (controller === null || live.current === null) return;
      flush();
      controller.setLabelmap(mask, true);
      live.current.replace(mask);
      worker.current?.replace(mask, true);
      lastModel.current = null;
      publish();
    },
    [controller, flush, publish],
  );

  /**
   * A new model mask (run result, threshold change): journaled as a snapshot and put on the undo stack,
   * so Ctrl+Z brings back the mask and the edits it replaced.
   */
  const setModelMask = useCallback(
    (mask: Uint8Array, runId: string | null, threshold: number | null, before: Uint8Array | null, keptPrevious = false) => {
      if (controller === null || live.current === null) return;
      flush();
      const previous = before ?? live.current.labelmap.slice();
      journal.snapshot(mask, runId, threshold, keptPrevious);
      controller.setLabelmap(mask, true);
      if (previous.length === mask.length) controller.recordLabelmapChange(previous, mask, 'probability-threshold');
      live.current.replace(mask);
      sendModel(mask);
      setEditsSinceModel(0);
      setDecisions(new Map());
      publish();
      scheduleIntervals(runId);
    },
    [controller, journal, flush, publish, scheduleIntervals],
  );

  /** A whole-labelmap operation (hole fill, islands, interpolation, reject, kept edits): undoable, journaled. */
  const bulkEdit = useCallback(
    (tool: string, op: (lm: Uint8Array, dims: [number, number, number]) => number): number => {
      const l = live.current;
      if (controller === null || volume === null || l === null) return 0;
      flush();
      const before = l.labelmap;
      const lm = before.slice();
      const changed = op(lm, volume.dimensions as [number, number, number]);
      if (changed === 0) return 0;
      const diff = encodeDiff(before, lm);
      controller.recordLabelmapChange(before, lm, tool);
      controller.setLabelmap(lm, true);
      l.applyRuns(diff);
      journal.diff(diff, tool);
      worker.current?.diff(diff);
      setEditsSinceModel((n) => n + 1);
      publish();
      return changed;
    },
    [controller, volume, journal, flush, publish],
  );

  /** Reject: removes exactly the voxels of the lesion ID the table shows; accept only records the decision. */
  const decideLesion = useCallback(
    async (lesionId: number, decision: 'accepted' | 'rejected') => {
      journal.review('lesion', lesionId, decision);
      setDecisions((prev) => new Map(prev).set(lesionId, decision));
      if (decision !== 'rejected' || table === null || worker.current === null) return;
      const voxels = await worker.current.voxelsOf(lesionId, table.version);
      if (voxels === null) {
        setError('The lesion table was updating; reject the lesion again.');
        return;
      }
      bulkEdit('reject-lesion', (lm) => {
        let n = 0;
        for (const v of voxels) {
          if (lm[v] !== 0) {
            lm[v] = 0;
            n++;
          }
        }
        return n;
      });
    },
    [journal, table, bulkEdit, setError],
  );


  /** Rebuilds the labelmap and decisions from journal entries (restore, saved session). */
  const applyEntries = useCallback(
    (entries: JournalEntry[]) => {
      const l = live.current;
      if (volume === null || controller === null || l === null) return null;
      const r = replayJournal(entries, l.labelmap.length);
      journal.reopen(volume.studyKey, r.lastSeq + 1);
      controller.setLabelmap(r.labelmap, true);
      l.replace(r.labelmap);
      // As it happened: the model mask numbers the lesions, the edits follow (same IDs as before the reload).
      sendModel(r.modelLabelmap);
      worker.current?.diff(encodeDiff(r.modelLabelmap, r.labelmap));
      const decided = new Map<number, 'accepted' | 'rejected'>();
      const reviewed = new Set<number>();
      for (const [key, status] of r.reviews) {
        const [target, id] = key.split(':');
        if (target === 'lesion' && (status === 'accepted' || status === 'rejected')) decided.set(Number(id), status);
        if (target === 'region' && status === 'reviewed') reviewed.add(Number(id));
      }
      setDecisions(decided);
      setEditsSinceModel(r.nEdits);
      publish();
      return { runId: r.runId, threshold: r.threshold, nEdits: r.nEdits, reviewed, kept: r.kept };
    },
    [volume, controller, journal, publish],
  );

  /** Before a run: remember everything the run may replace; the returned function puts it back exactly. */
  const checkpoint = useCallback(() => {
    const l = live.current;
    if (l === null || controller === null) return () => undefined;
    flush();
    const labelmap = l.labelmap.slice();
    const saved = { table, intervals, decisions, editsSinceModel, model: lastModel.current };
    worker.current?.checkpoint();
    return () => {
      controller.setLabelmap(labelmap, true);
      l.replace(labelmap);
      worker.current?.restoreCheckpoint();
      setTable(saved.table);
      setIntervals(saved.intervals);
      setDecisions(saved.decisions);
      setEditsSinceModel(saved.editsSinceModel);
      lastModel.current = saved.model;
      publish();
    };
  }, [controller, flush, table, intervals, decisions, editsSinceModel, publish]);

  return {
    voxels: state.voxels,
    hash: state.hash,
    /**
     * The total (mL) as the core measures it (on the source slices, as the report and the SEG do), kept by core
     * LiveTotal from the voxels each change touched: immediate, and bit for bit the lesion worker's full measure
     * (`measuring` while the worker, which gives the lesion table, catches up).
     */
    totalMl: state.totalMl,
    measuring,
    voxelMl,
    lesions: lesionRows(table, intervals),
    /** calibrated-interval inputs for the lesion panel (core calibratedInterval on the live volumes) */
    calibration: calibration.calibration ?? null,
    intervalNote: calibration.intervalNote,
    /** what each lesion's interval means (counted over lesions), shown on the table's interval column */
    lesionIntervalNote: calibration.lesionIntervalNote,
    /** what the model's held-out detection per lesion kind says (e.g. that it misses most infarcts); null: none */
    detectionNote: calibration.detectionNote,
    tableVersion: table?.version ?? null,
    decisions,
    edited: editsSinceModel > 0,
    startStudy,
    onLabelmapModified,
    flush,
    preview,
    setModelMask,
    bulkEdit,
    decideLesion,
    refreshIntervals,
    applyEntries,
    checkpoint,
    /** Whether every listed voxel is lesion in the counted labelmap (no copy: a restored candidate's few voxels). */
    allSet: (voxels: ArrayLike<number>) => live.current !== null && voxelsAllSet(live.current.labelmap, voxels),
    /** A copy of the counted labelmap (export, kept-edits layer). */
    snapshotLabelmap: () => {
      flush();
      return live.current?.labelmap.slice() ?? new Uint8Array(0);
    },
  };
}

type LesionWorkerGeometry = ConstructorParameters<typeof LesionWorkerClient>[0];
export type LiveVolumes = ReturnType<typeof useLiveVolumes>;
