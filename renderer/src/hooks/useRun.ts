/**
 * An SDPM run (one concern): options, start (asking first when the reader has edits), progress, the
 * streamed y_avg preview, the final maps (probability, uncertainty, review regions), cancel, and the
 * reader's edits kept as their own layer. The reader's work is never lost or mixed:
 * - while a run goes on, the view shows its preview but nothing else changes (maps, queue, export paths,
 *   journal) and editing waits; a cancelled or failed run puts back exactly the state before it;
 * - when the reader had edits, the finished run keeps them as a second layer (green outline) to compare
 *   with the new result and choose from (unless the reader chose to replace them).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EventPayload, Request, Response } from '../../../electron/ipc/contract';
import { ApiError, call, onEvent } from '../api/api';
import type { ViewerController } from '../viewer/ViewerController';
import { thresholdMask } from '../segmentation/thresholdMask';
import type { LiveVolumes } from './useLiveVolumes';
import { restoreVoxels } from '../../../electron/core/lesions/index';

type VolumeInfo = Response<'study:load'>;
type Settings = Request<'inference:start'>['settings'];
type Region = Response<'inference:regions'>['regions'][number];

/** A candidate the bundle's plausibility rules dropped (engine post-processing, not SDPM), restorable by the reader. */
export interface DroppedCandidate {
  id: number;
  volumeMl: number;
  meanHu: number | null;
  rule: string;
  reason: string;
  centroidIjk: [number, number, number];
  /** voxel indices on the volume grid */
  voxels: Int32Array;
}

function asInt32(bytes: Uint8Array): Int32Array {
  return bytes.byteOffset % 4 === 0 ? new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Int32Array(bytes.slice().buffer);
}

export function asFloat32(bytes: Uint8Array): Float32Array {
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float32Array(bytes.slice().buffer);
}

const KEPT_EDITS = 'your edits from before this run';
const NEW_RESULT = 'the new SDPM result';

export interface KeptLayer {
  /** The mask not shown as the lesion labelmap (shown as a green outline when `visible`). */
  mask: Uint8Array;
  /** What the kept mask is, and what the shown one is. */
  keptName: string;
  shownName: string;
  visible: boolean;
}

interface ActiveRun {
  runId: string;
  keepEdits: boolean;
  before: Uint8Array;
  restore: () => void;
}

export function useRun(controller: ViewerController | null, volume: VolumeInfo | null, live: LiveVolumes, setError: (m: string) => void) {
  const [options, setOptions] = useState<Response<'inference:options'> | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Settings | null>(null);
  const [running, setRunning] = useState<string | null>(null);
  const [progress, setProgress] = useState<EventPayload<'inference:progress'> | null>(null);
  const [finished, setFinished] = useState<EventPayload<'inference:finished'> | null>(null);
  /** The run whose maps are shown (probability, uncertainty, regions, intervals, export). */
  const [resultRunId, setResultRunId] = useState<string | null>(null);
  const probability = useRef<Float32Array | null>(null);
  const uncertainty = useRef<Float32Array | null>(null);
  const [hasProbability, setHasProbability] = useState(false);
  const [hasUncertainty, setHasUncertainty] = useState(false);
  const [uncertaintyMax, setUncertaintyMax] = useState(0);
  const [threshold, setThresholdState] = useState(0.5);
  const [showUncertainty, setShowUncertaintyState] = useState(false);
  const [uncertaintyOpacity, setUncertaintyOpacityState] = useState(0.5);
  const [regions, setRegions] = useState<Region[]>([]);
  const [dropped, setDropped] = useState<DroppedCandidate[]>([]);
  /**
   * Dropped candidates that are in the mask now (restored by the reader), by candidate ID. Derived from the
   * labelmap after every change, so undo, redo and a reload from the journal all keep it right.
   */
  const restoredCandidates = useMemo<ReadonlySet<number>>(
    () => new Set(dropped.filter((c) => live.allSet(c.voxels)).map((c) => c.id)),
    // live.hash changes with every labelmap change; live.allSet reads the current one
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [dropped, live.hash],
  );
  const [reviewed, setReviewed] = useState<ReadonlySet<number>>(new Set());
  const [kept, setKept] = useState<KeptLayer | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  /** performance.now() when the first overlay of the latest run was drawn (the latency benchmark reads it). */
  const [firstOverlayAtMs, setFirstOverlayAtMs] = useState<number | null>(null);
  const active = useRef<ActiveRun | null>(null);

  useEffect(() => {
    call('inference:options', {}).then(setOptions, (err: unknown) => setUnavailable(`SDPM is not available: ${err instanceof Error ? err.message : String(err)}`));
  }, []);

  /** A new series: nothing of the previous one's run stays. */
  const resetForStudy = useCallback(() => {
    probability.current = null;
    uncertainty.current = null;
    setHasProbability(false);
    setHasUncertainty(false);
    setUncertaintyMax(0);
    setRegions([]);
    setDropped([]);
    setReviewed(new Set());
    setResultRunId(null);
    setFinished(null);
    setProgress(null);
    setKept(null);
    setNotice(null);
    controller?.setComparison(null);
  }, [controller]);

  const showUncertaintyMap = useCallback(
    async (on: boolean) => {
      if (controller === null || volume === null) return;
      const max = await controller.setUncertainty(volume, on ? uncertainty.current : null);
      if (on) setUncertaintyMax(max);
    },
    [controller, volume],
  );

  /** Fetches and shows the maps of a finished run; throws when the services no longer hold it. */
  const loadRunMaps = useCallback(
    async (runId: string) => {
      const p = asFloat32((await call('inference:map', { runId, map: 'probability' })).data);
      const u = await call('inference:map', { runId, map: 'uncertainty' }).catch(() => null);
      const r = (await call('inference:regions', { runId })).regions;
      // A run without plausibility rules (or an older service) has no dropped candidates; never fail the maps for it.
      const d = await call('inference:dropped', { runId }).then(
        (x) => x.candidates.map((c): DroppedCandidate => ({ ...c, centroidIjk: [c.centroidIjk[0] ?? 0, c.centroidIjk[1] ?? 0, c.centroidIjk[2] ?? 0], voxels: asInt32(c.voxels) })),
        () => [] as DroppedCandidate[],
      );
      probability.current = p;
      setDropped(d);
      uncertainty.current = u === null ? null : asFloat32(u.data);
      setHasProbability(true);
      setHasUncertainty(u !== null);
      setResultRunId(runId);
      setRegions(r);
      if (controller !== null && volume !== null) setUncertaintyMax(await controller.setUncertainty(volume, showUncertainty ? uncertainty.current : null));
      return p;
    },
    [controller, volume, showUncertainty],
  );

  const start = useCallback(
    async (settings: Settings, keepEdits: boolean) => {
      if (volume === null || controller === null) return;
      setConfirm(null);
      controller.setMode('navigate');
      const before = live.snapshotLabelmap();
      const restore = live.checkpoint();
      setFirstOverlayAtMs(null);
      setProgress(null);
      setFinished(null);
      const r = await call('inference:start', { volumeId: volume.volumeId, settings });
      active.current = { runId: r.runId, keepEdits, before, restore };
      setRunning(r.runId);
    },
    [volume, controller, live],
  );

  /** Run asked for: with reader edits on screen, ask first (keep them as a layer by default). */
  const requestRun = useCallback(
    (settings: Settings) => {
      if (live.edited) setConfirm(settings);
      else start(settings, false).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    },
    [live.edited, start, setError],
  );

  // Streamed results of the active run.
  useEffect(() => {
    if (running === null || volume === null || controller === null) return undefined;
    const runId = running;
    const offProgress = onEvent('inference:progress', (e) => {
      if (e.runId === runId) setProgress(e);
    });
    const offPartial = onEvent('inference:partial', (e) => {
      if (e.runId !== runId) return;
      call('inference:map', { runId, map: 'yAvg' }).then(
        (m) => {
          if (active.current?.runId !== runId) return;
          live.preview(thresholdMask(asFloat32(m.data), threshold));
          setFirstOverlayAtMs((t) => t ?? performance.now());
        },
        (err: unknown) => setError(err instanceof Error ? err.message : String(err)),
      );
    });
    const offFinished = onEvent('inference:finished', (e) => {
      if (e.runId !== runId) return;
      const run = active.current;
      active.current = null;
      setRunning(null);
      setFinished(e);
      if (run === null) return;
      if (e.status !== 'done') {
        run.restore();
        return;
      }
      (async () => {
        const p = await loadRunMaps(runId);
        const mask = thresholdMask(p, threshold);
        live.setModelMask(mask, runId, threshold, run.before, run.keepEdits);
        setFirstOverlayAtMs((t) => t ?? performance.now());
        setReviewed(new Set());
        setNotice(null);
        if (run.keepEdits) {
          const layer: KeptLayer = { mask: run.before, keptName: KEPT_EDITS, shownName: NEW_RESULT, visible: true };
          setKept(layer);
          controller.setComparison(layer.mask);
        } else {
          // a layer kept at an earlier run belongs to that run, not to this one
          setKept(null);
          controller.setComparison(null);
        }
      })().catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
    });
    return () => {
      offProgress();
      offPartial();
      offFinished();
    };
    // threshold is read at event time on purpose; re-subscribing would drop events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [running, volume, controller]);

  const cancel = useCallback(() => {
    if (running !== null) call('inference:cancel', { runId: running }).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err)));
  }, [running, setError]);

  const setThreshold = useCallback(
    (t: number) => {
      setThresholdState(t);
      if (probability.current !== null && resultRunId !== null) live.setModelMask(thresholdMask(probability.current, t), resultRunId, t, null);
    },
    [live, resultRunId],
  );

  /** Swaps the shown mask and the kept layer (undoable, journaled as an edit). */
  const swapLayers = useCallback(() => {
    if (kept === null || controller === null) return;
    const shown = live.snapshotLabelmap();
    live.bulkEdit('switch-layer', (lm) => {
      let n = 0;
      for (let v = 0; v < lm.length; v++) {
        if (lm[v] !== kept.mask[v]) {
          lm[v] = kept.mask[v]!;
          n++;
        }
      }
      return n;
    });
    const next: KeptLayer = { mask: shown, keptName: kept.shownName, shownName: kept.keptName, visible: kept.visible };
    setKept(next);
    controller.setComparison(next.visible ? next.mask : null);
  }, [kept, controller, live]);

  const setKeptVisible = useCallback(
    (on: boolean) => {
      if (kept === null) return;
      setKept({ ...kept, visible: on });
      controller?.setComparison(on ? kept.mask : null);
    },
    [kept, controller],
  );

  /** After a journal restore: the kept layer (and which side is shown) as the journal recorded it. */
  const restoreKept = useCallback(
    (k: { mask: Uint8Array; swapped: boolean } | null) => {
      if (k === null) {
        setKept(null);
        controller?.setComparison(null);
        return;
      }
      const layer: KeptLayer = { mask: k.mask, keptName: k.swapped ? NEW_RESULT : KEPT_EDITS, shownName: k.swapped ? KEPT_EDITS : NEW_RESULT, visible: true };
      setKept(layer);
      controller?.setComparison(layer.mask);
    },
    [controller],
  );

  /** After a journal restore: the run's maps, queue and intervals come back when the services still hold the run. */
  const restoreRun = useCallback(
    async (runId: string | null, restoredThreshold: number | null, restoredReviewed: ReadonlySet<number>) => {
      if (restoredThreshold !== null) setThresholdState(restoredThreshold);
      setReviewed(restoredReviewed);
      if (runId === null) return;
      try {
        await loadRunMaps(runId);
        await live.refreshIntervals(runId);
      } catch (err) {
        const gone = err instanceof ApiError && err.code === 'INVALID_ARGUMENT';
        setNotice(
          gone
            ? 'Your mask and decisions are restored. The probability and uncertainty maps of that SDPM run are no longer held (the app was restarted): run SDPM again to see them; your edits will be kept as a layer.'
            : `Your mask is restored, but the run's maps could not be read: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    },
    [loadRunMaps, live],
  );

  /** Puts a dropped candidate back into the mask: one undoable, journaled edit (it survives a reload). */
  const restoreCandidate = useCallback(
    (id: number) => {
      const c = dropped.find((x) => x.id === id);
      if (c === undefined) return;
      live.bulkEdit('restore-candidate', (lm) => restoreVoxels(lm, c.voxels));
    },
    [dropped, live],
  );

  return {
    options,
    unavailable,
    confirm,
    dismissConfirm: () => setConfirm(null),
    requestRun,
    start: (settings: Settings, keepEdits: boolean) => start(settings, keepEdits).catch((err: unknown) => setError(err instanceof Error ? err.message : String(err))),
    running: running !== null,
    progress,
    finished,
    cancel,
    resultRunId,
    hasProbability,
    hasUncertainty,
    uncertaintyMax,
    threshold,
    setThreshold,
    showUncertainty,
    setShowUncertainty: (on: boolean) => {
      setShowUncertaintyState(on);
      showUncertaintyMap(on).catch((err: unknown) => setError(String(err)));
    },
    uncertaintyOpacity,
    setUncertaintyOpacity: (a: number) => {
      setUncertaintyOpacityState(a);
      controller?.setUncertaintyOpacity(a);
    },
    regions,
    dropped,
    restoredCandidates,
    restoreCandidate,
    reviewed,
    markReviewed: (regionId: number) => setReviewed((prev) => new Set(prev).add(regionId)),
    kept,
    swapLayers,
    setKeptVisible,
    restoreKept,
    notice,
    dismissNotice: () => setNotice(null),
    firstOverlayAtMs,
    resetForStudy,
    restoreRun,
  };
}

export type Run = ReturnType<typeof useRun>;
