import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventPayload, Request, Response } from '../../electron/ipc/contract';
import { ApiError, call, isElectron, onEvent } from './api/api';
import { useEditing } from './useEditing';
import { ViewportGrid } from './viewer/ViewportGrid';
import type { SliceInfo, ViewerController, ViewportName } from './viewer/ViewerController';
import { VIEWPORTS } from './viewer/ViewerController';
import { ijkToWorld } from './viewer/volumeGeometry';
import { webGl2Problem } from './viewer/initCornerstone';
import { StudyPanel } from './panels/StudyPanel';
import { PatientBanner } from './panels/PatientBanner';
import { WindowBar } from './panels/WindowBar';
import { InferencePanel } from './panels/InferencePanel';
import { OverlayPanel } from './panels/OverlayPanel';
import { ToolsPanel } from './panels/ToolsPanel';
import { ReviewPanel } from './panels/ReviewPanel';
import { LesionPanel } from './panels/LesionPanel';
import { ExportPanel } from './panels/ExportPanel';
import { thresholdMask } from './segmentation/thresholdMask';

type VolumeInfo = Response<'study:load'>;
type Series = Response<'study:discover'>['series'][number];

function message(err: unknown): string {
  if (err instanceof ApiError) return `${err.message} (${err.code})`;
  return err instanceof Error ? err.message : String(err);
}

function asFloat32(bytes: Uint8Array): Float32Array {
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float32Array(bytes.slice().buffer);
}

export function App({ initialError }: { initialError?: string }) {
  const [fatal] = useState<string | null>(() => initialError ?? webGl2Problem());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [appInfo, setAppInfo] = useState<Response<'app:info'> | null>(null);
  const [discovered, setDiscovered] = useState<Response<'study:discover'> | null>(null);
  const [volume, setVolume] = useState<VolumeInfo | null>(null);
  const [controller, setController] = useState<ViewerController | null>(null);
  const [sliceInfo, setSliceInfo] = useState<Partial<Record<ViewportName, SliceInfo>>>({});
  // inference
  const [options, setOptions] = useState<Response<'inference:options'> | null>(null);
  const [unavailable, setUnavailable] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<EventPayload<'inference:progress'> | null>(null);
  const [finished, setFinished] = useState<EventPayload<'inference:finished'> | null>(null);
  const probability = useRef<Float32Array | null>(null);
  const [hasProbability, setHasProbability] = useState(false);
  const [threshold, setThreshold] = useState(0.5);
  const [hasUncertainty, setHasUncertainty] = useState(false);
  const uncertainty = useRef<Float32Array | null>(null);
  const [showUncertainty, setShowUncertainty] = useState(true);
  const [uncertaintyOpacity, setUncertaintyOpacity] = useState(0.5);
  const [regions, setRegions] = useState<Response<'inference:regions'>['regions']>([]);
  const [reviewIndex, setReviewIndex] = useState(0);
  /** performance.now() when the first overlay (y_avg) was shown; exposed for the latency benchmark. */
  const [firstOverlayAtMs, setFirstOverlayAtMs] = useState<number | null>(null);

  const editing = useEditing(controller, volume, runId, setError);

  const guard = useCallback(async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      console.error(err);
      setError(message(err));
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    call('app:info', {}).then(setAppInfo, (err: unknown) => setError(message(err)));
    call('inference:options', {}).then(setOptions, (err: unknown) => setUnavailable(`SDPM is not available: ${message(err)}`));
  }, []);

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
    return controller.subscribe(update, editing.onLabelmapModified);
  }, [controller, editing.onLabelmapModified]);

  const openFolder = (folder: string) =>
    guard(async () => {
      const d = await call('study:discover', { folder });
      setDiscovered(d);
      const loadable = d.series.filter((s) => s.refusedReason === null);
      if (loadable.length === 1) await loadSeries(d.folder, loadable[0]!);
    });

  const loadSeries = async (folder: string, s: Series) => {
    if (controller === null) throw new Error('viewer not ready');
    const info = await call('study:load', { folder, seriesId: s.seriesId });
    const vox = await call('study:voxels', { volumeId: info.volumeId });
    const bytes = vox.data.byteOffset % 2 === 0 ? vox.data : vox.data.slice();
    const voxels = vox.dtype === 'int16' ? new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : asFloat32(bytes);
    probability.current = null;
    uncertainty.current = null;
    setHasProbability(false);
    setHasUncertainty(false);
    setRegions([]);
    setRunId(null);
    setFinished(null);
    await controller.loadVolume(info, voxels);
    setVolume(info);
    await editing.startStudy(info);
  };

  // Streaming results: y_avg after the first sample, the final maps and ranked regions when done.
  useEffect(() => {
    if (runId === null || volume === null || controller === null) return undefined;
    const applyProbability = (p: Float32Array, t: number) => {
      probability.current = p;
      setHasProbability(true);
      editing.replaceFromModel(thresholdMask(p, t), runId, t);
    };
    const offProgress = onEvent('inference:progress', (e) => {
      if (e.runId === runId) setProgress(e);
    });
    const offPartial = onEvent('inference:partial', (e) => {
      if (e.runId !== runId || editing.editedSinceRun()) return;
      call('inference:map', { runId, map: 'yAvg' }).then(
        (m) => {
          applyProbability(asFloat32(m.data), threshold);
          setFirstOverlayAtMs(performance.now());
        },
        (err: unknown) => setError(message(err)),
      );
    });
    const offFinished = onEvent('inference:finished', (e) => {
      if (e.runId !== runId) return;
      setRunning(false);
      setFinished(e);
      if (e.status !== 'done') return;
      (async () => {
        const p = await call('inference:map', { runId, map: 'probability' });
        if (!editing.editedSinceRun()) applyProbability(asFloat32(p.data), threshold);
        else probability.current = asFloat32(p.data);
        setHasProbability(true);
        setFirstOverlayAtMs((t) => t ?? performance.now());
        const u = await call('inference:map', { runId, map: 'uncertainty' }).catch(() => null);
        uncertainty.current = u === null ? null : asFloat32(u.data);
        setHasUncertainty(u !== null);
        if (showUncertainty && uncertainty.current !== null) await controller.setUncertainty(volume, uncertainty.current);
        setRegions((await call('inference:regions', { runId })).regions);
        setReviewIndex(0);
      })().catch((err: unknown) => setError(message(err)));
    });
    return () => {
      offProgress();
      offPartial();
      offFinished();
    };
    // threshold/showUncertainty are read at event time on purpose; re-subscribing would drop events.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, volume, controller]);

  const run = (settings: Request<'inference:start'>['settings']) =>
    guard(async () => {
      if (volume === null) return;
      setFirstOverlayAtMs(null);
      setProgress(null);
      setFinished(null);
      editing.markRunStart();
      const r = await call('inference:start', { volumeId: volume.volumeId, settings });
      setRunning(true);
      setRunId(r.runId);
    });

  const goRegion = (i: number) => {
    const r = regions[i];
    if (r === undefined || volume === null || controller === null) return;
    setReviewIndex(i);
    controller.jumpToWorld(ijkToWorld(volume, r.centroidIjk));
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      // Keys typed into a text or number field are the field's; checkboxes, sliders and buttons keep the shortcuts.
      const typing = t !== null && (t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || (t.tagName === 'INPUT' && !['checkbox', 'range', 'button', 'radio'].includes((t as HTMLInputElement).type)));
      if (typing) return;
      if (e.key === ']') goRegion(Math.min(regions.length - 1, reviewIndex + 1));
      else if (e.key === '[') goRegion(Math.max(0, reviewIndex - 1));
      else if (e.key === 'r' && !e.ctrlKey && regions[reviewIndex] !== undefined) editing.markReviewed(regions[reviewIndex]!.regionId);
      else editing.onKey(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

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
          discovered={discovered}
          loadedSeriesId={volume === null ? null : (discovered?.series.find((s) => s.seriesInstanceUid === volume.identity.seriesInstanceUid)?.seriesId ?? null)}
          onOpenFolder={(f) => void openFolder(f)}
          onChooseFolder={() =>
            void guard(async () => {
              const r = await call('study:chooseFolder', {});
              if (r.folder !== null) await openFolder(r.folder);
            })
          }
          onLoadSeries={(s) => void guard(() => loadSeries(discovered?.folder ?? '', s))}
        />
        <InferencePanel
          options={options}
          unavailable={unavailable}
          canRun={volume !== null && !busy}
          running={running}
          progress={progress}
          finished={finished}
          onRun={(s) => void run(s)}
          onCancel={() => {
            if (runId !== null) call('inference:cancel', { runId }).catch((err: unknown) => setError(message(err)));
          }}
        />
        <OverlayPanel
          hasProbability={hasProbability}
          threshold={threshold}
          onThreshold={(t) => {
            setThreshold(t);
            if (probability.current !== null && runId !== null) editing.replaceFromModel(thresholdMask(probability.current, t), runId, t);
          }}
          hasUncertainty={hasUncertainty}
          showUncertainty={showUncertainty}
          onShowUncertainty={(on) => {
            setShowUncertainty(on);
            if (volume !== null && controller !== null) controller.setUncertainty(volume, on ? uncertainty.current : null).catch((err: unknown) => setError(message(err)));
          }}
          uncertaintyOpacity={uncertaintyOpacity}
          onUncertaintyOpacity={(a) => {
            setUncertaintyOpacity(a);
            controller?.setUncertaintyOpacity(a);
          }}
          edited={editing.edited}
        />
      </aside>
      <main className="center">
        {volume !== null && <PatientBanner info={volume} />}
        <WindowBar onWindow={(l, w) => controller?.setWindow(l, w)} />
        {error !== null && (
          <div className="error-bar" role="alert" data-testid="error">
            {error} <button onClick={() => setError(null)}>×</button>
          </div>
        )}
        {editing.restoreOffer !== null && (
          <div className="restore-bar" role="alert" data-testid="restore-offer">
            Unsaved review work found for this series ({editing.restoreOffer.nEdits} journaled change(s), last one{' '}
            {editing.restoreOffer.updatedAtMs === null ? 'unknown' : new Date(editing.restoreOffer.updatedAtMs).toLocaleString()}).
            <button type="button" data-testid="restore-accept" onClick={() => editing.acceptRestore()}>
              Restore
            </button>
            <button type="button" onClick={() => editing.discardRestore()}>
              Discard
            </button>
          </div>
        )}
        <ViewportGrid onReady={setController} sliceInfo={sliceInfo} />
        <div hidden data-testid="first-overlay-at" data-ms={firstOverlayAtMs ?? ''} />
      </main>
      <aside className="sidebar">
        <ToolsPanel
          enabled={volume !== null}
          mode={editing.mode}
          onMode={editing.setMode}
          brush3d={editing.brush3d}
          onBrush3d={editing.setBrush3d}
          radiusMm={editing.radiusMm}
          onRadius={editing.setRadiusMm}
          huRange={editing.huRange}
          onHuRange={editing.setHuRange}
          onUndo={() => controller?.undo()}
          onRedo={() => controller?.redo()}
          onFillHoles={editing.fillHoles}
          onRemoveIslands={editing.removeIslands}
          onInterpolate={editing.interpolate}
        />
        <ReviewPanel regions={regions} current={reviewIndex} reviewed={editing.reviewedRegions} onGo={goRegion} onMarkReviewed={editing.markReviewed} />
        <LesionPanel
          totalMl={editing.totalMl}
          voxels={editing.labelmapState.voxels}
          voxelMl={editing.voxelMl}
          hash={editing.labelmapState.hash}
          lesions={editing.lesions}
          decisions={editing.lesionDecisions}
          onGo={(l) => volume !== null && controller?.jumpToWorld(ijkToWorld(volume, l.centroidIjk))}
          onDecide={editing.decideLesion}
        />
        <ExportPanel
          enabled={volume !== null && !busy}
          sessions={editing.sessions}
          onListSessions={() => void guard(() => editing.listSessions())}
          onLoadSession={(name) => void guard(() => editing.loadSession(name))}
          edited={editing.edited}
          journalStatus={editing.journalStatus}
          exported={editing.exported}
          onExport={(reader) => void guard(() => editing.exportSeg(reader))}
          onSaveSession={(name) => void guard(() => editing.saveSession(name))}
        />
      </aside>
    </div>
  );
}
