/**
 * The review app's layout. State lives in hooks of one concern each: the open study (useStudy), the
 * editing tools (useEditTools), the edit journal (useJournal), live volumes and lesions (useLiveVolumes),
 * the SDPM run (useRun) and the keyboard (useShortcuts). This file wires them to the panels.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Response } from '../../electron/ipc/contract';
import { ApiError, call, isElectron } from './api/api';
import { ViewportGrid } from './viewer/ViewportGrid';
import type { SliceInfo, ViewerController, ViewportName } from './viewer/ViewerController';
import { VIEWPORTS } from './viewer/ViewerController';
import { ijkToWorld } from './viewer/volumeGeometry';
import { webGl2Problem } from './viewer/initCornerstone';
import { StudyPanel } from './panels/StudyPanel';
import { PacsPanel } from './panels/PacsPanel';
import { PatientBanner } from './panels/PatientBanner';
import { WindowBar } from './panels/WindowBar';
import { InferencePanel } from './panels/InferencePanel';
import { OverlayPanel, UncertaintyLegend } from './panels/OverlayPanel';
import { ToolsPanel } from './panels/ToolsPanel';
import { ReviewPanel } from './panels/ReviewPanel';
import { LesionPanel } from './panels/LesionPanel';
import { ExportPanel } from './panels/ExportPanel';
import { RunDialog } from './panels/RunDialog';
import { LayerPanel } from './panels/LayerPanel';
import { removeIslands as removeIslandsInPlace } from './segmentation/removeIslands';
import { interpolateSlices } from './segmentation/interpolateSlices';
import { fillHoles as fillHolesInPlace } from './segmentation/fillHoles';
import { fillRegionAt } from './segmentation/fillRegionAt';
import { useEditTools } from './hooks/useEditTools';
import { useJournal } from './hooks/useJournal';
import { useLiveVolumes } from './hooks/useLiveVolumes';
import { useRun } from './hooks/useRun';
import { useStudy } from './hooks/useStudy';
import { useShortcuts } from './hooks/useShortcuts';

const MIN_ISLAND_VOXELS = 10;

function message(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

export function App({ initialError }: { initialError?: string }) {
  const [fatal] = useState<string | null>(() => initialError ?? webGl2Problem());
  const [error, setErrorState] = useState<string | null>(null);
  const setError = useCallback((m: string) => setErrorState(m), []);
  const [busy, setBusy] = useState(false);
  const [appInfo, setAppInfo] = useState<Response<'app:info'> | null>(null);
  const [controller, setController] = useState<ViewerController | null>(null);
  const [sliceInfo, setSliceInfo] = useState<Partial<Record<ViewportName, SliceInfo>>>({});
  const [exported, setExported] = useState<Response<'export:seg'> | null>(null);
  const [reviewIndex, setReviewIndex] = useState(0);

  const tools = useEditTools(controller);
  const toolRef = useRef<string>(tools.mode);
  toolRef.current = tools.mode;
  const toolName = useCallback(() => toolRef.current, []);
  const journal = useJournal(setError);
  const [volumeForLive, setVolumeForLive] = useState<Response<'study:load'> | null>(null);
  const live = useLiveVolumes(controller, volumeForLive, journal, toolName, setError);
  const run = useRun(controller, volumeForLive, live, setError);

  const onLoaded = useCallback(
    async (info: Response<'study:load'>) => {
      setVolumeForLive(info);
      live.startStudy(info);
      run.resetForStudy();
      setExported(null);
      setReviewIndex(0);
      await journal.startStudy(info);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [live.startStudy, run.resetForStudy, journal.startStudy],
  );
  const study = useStudy(controller, onLoaded, setError);
  const volume = study.volume;

  const guard = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setErrorState(null);
    try {
      await fn();
    } catch (err) {
      console.error(err);
      setErrorState(message(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    call('app:info', {}).then(setAppInfo, (err: unknown) => setErrorState(message(err)));
  }, []);

  // `?open=<folder>` (the core-lab task list's "Open in the review app"): open that study once the viewer is up.
  const openedFromUrl = useRef(false);
  useEffect(() => {
    const folder = new URLSearchParams(window.location.search).get('open');
    if (controller === null || folder === null || folder === '' || openedFromUrl.current) return;
    openedFromUrl.current = true;
    void guard(() => study.openFolder(folder));
  }, [controller, guard, study]);

  useEffect(() => {
    if (controller === null) return undefined;
    const update = () => {
      const next: Partial<Record<ViewportName, SliceInfo>> = {};
      for (const name of VIEWPORTS) {
        const s = controller.sliceInfo(name);
        if (s !== null) next[name] = s;
      }
      setSliceInfo(next);
    };
    return controller.subscribe(update, live.onLabelmapModified);
  }, [controller, live.onLabelmapModified]);

  const editingAllowed = volume !== null && !run.running;
  const fillAt = useCallback(
    (ijk: [number, number, number], axis: 0 | 1 | 2) => {
      let reason = '';
      live.bulkEdit('fill', (lm, dims) => {
        const r = fillRegionAt(lm, dims, ijk, axis);
        reason = r.reason;
        return r.filled;
      });
      if (reason === 'open') setError('Fill: the clicked region is not enclosed by lesion (it reaches the edge of the slice). Close the outline first.');
    },
    [live, setError],
  );
  useEffect(() => {
    controller?.onFillClick(fillAt);
    return () => controller?.onFillClick(null);
  }, [controller, fillAt]);

  const goRegion = (i: number) => {
    const r = run.regions[i];
    if (r === undefined || volume === null || controller === null) return;
    setReviewIndex(i);
    controller.jumpToWorld(ijkToWorld(volume, r.centroidIjk));
  };
  const markReviewed = (regionId: number) => {
    journal.review('region', regionId, 'reviewed');
    run.markReviewed(regionId);
  };
  const bulk = {
    fillHoles: () => void live.bulkEdit('fill-holes', (lm, dims) => fillHolesInPlace(lm, dims)),
    removeIslands: () => void live.bulkEdit('remove-islands', (lm, dims) => removeIslandsInPlace(lm, dims, MIN_ISLAND_VOXELS)),
    interpolate: () => void live.bulkEdit('interpolate', (lm, dims) => interpolateSlices(lm, dims)),
  };
  useShortcuts(controller, editingAllowed, tools, {
    ...bulk,
    nextRegion: () => goRegion(Math.min(run.regions.length - 1, reviewIndex + 1)),
    previousRegion: () => goRegion(Math.max(0, reviewIndex - 1)),
    markReviewed: () => {
      const r = run.regions[reviewIndex];
      if (r !== undefined) markReviewed(r.regionId);
    },
  });

  const restore = () => {
    const offer = journal.restoreOffer;
    if (offer === null) return;
    journal.clearRestoreOffer();
    const r = live.applyEntries(offer.entries);
    if (r === null) return;
    journal.setStatus(`Restored ${r.nEdits} edit(s) from the journal.`);
    run.restoreKept(r.kept);
    void run.restoreRun(r.runId, r.threshold, r.reviewed);
  };

  if (fatal !== null) {
    return (
      <main className="fatal" role="alert" data-testid="fatal">
        <h1>SDPM Review cannot start</h1>
        <p>{fatal}</p>
      </main>
    );
  }

  return (
    <div className="app">
      <aside className="sidebar">
        <StudyPanel
          electron={isElectron()}
          demoFolder={appInfo?.demoFolder ?? null}
          busy={busy}
          discovered={study.discovered}
          loadedSeriesId={study.loadedSeriesId}
          onOpenFolder={(f) => void guard(() => study.openFolder(f))}
          onChooseFolder={() =>
            void guard(async () => {
              const r = await call('study:chooseFolder', {});
              if (r.folder !== null) await study.openFolder(r.folder);
            })
          }
          onLoadSeries={(s) => void guard(() => study.loadSeries(study.discovered?.folder ?? '', s))}
        />
        <PacsPanel busy={busy} segPath={exported?.segPath ?? null} onOpenFolder={(f) => void guard(() => study.openFolder(f))} />
        <InferencePanel
          options={run.options}
          unavailable={run.unavailable}
          canRun={volume !== null && !busy}
          running={run.running}
          progress={run.progress}
          finished={run.finished}
          onRun={run.requestRun}
          onCancel={run.cancel}
        />
        <OverlayPanel
          hasProbability={run.hasProbability && !run.running}
          threshold={run.threshold}
          onThreshold={run.setThreshold}
          hasUncertainty={run.hasUncertainty}
          showUncertainty={run.showUncertainty}
          onShowUncertainty={run.setShowUncertainty}
          uncertaintyOpacity={run.uncertaintyOpacity}
          onUncertaintyOpacity={run.setUncertaintyOpacity}
          uncertaintyMax={run.uncertaintyMax}
          edited={live.edited}
        />
        <ReviewPanel regions={run.regions} current={reviewIndex} reviewed={run.reviewed} onGo={goRegion} onMarkReviewed={markReviewed} />
      </aside>
      <main className="center">
        {volume !== null && <PatientBanner info={volume} />}
        <WindowBar onWindow={(l, w) => controller?.setWindow(l, w)} />
        {run.showUncertainty && run.hasUncertainty && (
          <div className="center-legend">
            <UncertaintyLegend max={run.uncertaintyMax} />
          </div>
        )}
        {error !== null && (
          <div className="error-bar" role="alert" data-testid="error">
            {error} <button onClick={() => setErrorState(null)}>×</button>
          </div>
        )}
        {run.notice !== null && (
          <div className="restore-bar" role="status" data-testid="notice">
            {run.notice} <button onClick={run.dismissNotice}>×</button>
          </div>
        )}
        {journal.restoreOffer !== null && (
          <div className="restore-bar" role="alert" data-testid="restore-offer">
            Unsaved review work found for this series ({journal.restoreOffer.nEdits} journaled change(s), last one{' '}
            {journal.restoreOffer.updatedAtMs === null ? 'unknown' : new Date(journal.restoreOffer.updatedAtMs).toLocaleString()}).
            <button type="button" data-testid="restore-accept" onClick={restore}>
              Restore
            </button>
            <button type="button" onClick={() => volume !== null && journal.discardRestore(volume.studyKey)}>
              Discard
            </button>
          </div>
        )}
        {run.confirm !== null && (
          <RunDialog onKeep={() => run.confirm !== null && void run.start(run.confirm, true)} onReplace={() => run.confirm !== null && void run.start(run.confirm, false)} onCancel={run.dismissConfirm} />
        )}
        <ViewportGrid onReady={setController} sliceInfo={sliceInfo} />
        <div hidden data-testid="first-overlay-at" data-ms={run.firstOverlayAtMs ?? ''} />
        <div
          hidden
          data-testid="lesion-data"
          data-version={live.tableVersion ?? ''}
          data-json={JSON.stringify(live.lesions.map((l) => ({ id: l.lesionId, voxels: l.voxelCount, ml: l.volumeMl, interval: l.sampleIntervalMl, decision: live.decisions.get(l.lesionId) ?? null })))}
        />
      </main>
      <aside className="sidebar">
        <div className="lesion-scroll" data-testid="lesion-scroll" data-measuring={live.measuring ? 'yes' : 'no'}>
        <LesionPanel
          totalMl={live.totalMl}
          voxels={live.voxels}
          voxelMl={live.voxelMl}
          hash={live.hash}
          lesions={live.lesions}
          decisions={live.decisions}
          calibration={live.calibration}
          {...(live.intervalNote !== undefined ? { intervalNote: live.intervalNote } : {})}
          lesionIntervalNote={live.lesionIntervalNote}
          detectionNote={live.detectionNote}
          onGo={(l) => volume !== null && controller?.jumpToWorld(ijkToWorld(volume, l.centroidIjk))}
          onDecide={(id, d) => void live.decideLesion(id, d)}
          dropped={run.dropped.filter((c) => !run.restoredCandidates.has(c.id))}
          restoredCount={run.restoredCandidates.size}
          onRestore={(id) => !busy && !run.running && run.restoreCandidate(id)}
          onGoDropped={(c) => volume !== null && controller?.jumpToWorld(ijkToWorld(volume, c))}
        />
        </div>
        {run.kept !== null && <LayerPanel layer={run.kept} onSwap={run.swapLayers} onVisible={run.setKeptVisible} />}
        <ExportPanel
          enabled={volume !== null && !busy && !run.running}
          sessions={journal.sessions}
          onListSessions={() => void guard(async () => { if (volume !== null) await journal.listSessions(volume.studyKey); })}
          onLoadSession={(name) =>
            void guard(async () => {
              if (volume === null) return;
              live.flush();
              const entries = await journal.loadSession(volume.studyKey, name);
              const r = live.applyEntries(entries);
              journal.setStatus(`Loaded session ${name}.`);
              if (r !== null) run.restoreKept(r.kept);
              if (r !== null) await run.restoreRun(r.runId, r.threshold, r.reviewed);
            })
          }
          edited={live.edited}
          journalStatus={journal.status}
          exported={exported}
          onExport={(readerName) =>
            void guard(async () => {
              if (volume === null) return;
              const labelmap = live.snapshotLabelmap();
              await journal.flushed();
              setExported(await call('export:seg', { volumeId: volume.volumeId, runId: run.resultRunId, labelmap, readerName, edited: live.edited }));
            })
          }
          onSaveSession={(name) =>
            void guard(async () => {
              if (volume === null) return;
              live.flush();
              await journal.saveSession(volume.studyKey, name);
            })
          }
        />
        <ToolsPanel
          enabled={editingAllowed}
          mode={tools.mode}
          onMode={tools.setMode}
          brush3d={tools.brush3d}
          onBrush3d={tools.setBrush3d}
          radiusMm={tools.radiusMm}
          onRadius={tools.setRadiusMm}
          huRange={tools.huRange}
          onHuRange={tools.setHuRange}
          onUndo={() => controller?.undo()}
          onRedo={() => controller?.redo()}
          onFillHoles={bulk.fillHoles}
          onRemoveIslands={bulk.removeIslands}
          onInterpolate={bulk.interpolate}
        />
      </aside>
    </div>
  );
}
