/**
 * The open study (one concern): discovery of a folder, loading a series, and plain messages when a folder
 * cannot be used. A folder that fails, or holds no images, never disturbs the study already open.
 */
import { useCallback, useState } from 'react';
import type { Response } from '../../../electron/ipc/contract';
import { ApiError, call } from '../api/api';
import type { ViewerController } from '../viewer/ViewerController';
import { noImagesMessage, plainStudyError } from '../panels/studyMessages';
import { scopedStudyKey, taskScope } from '../trial/taskScope';

type VolumeInfo = Response<'study:load'>;
type Discovered = Response<'study:discover'>;
export type Series = Discovered['series'][number];

function asFloat32(bytes: Uint8Array): Float32Array {
  return bytes.byteOffset % 4 === 0 ? new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) : new Float32Array(bytes.slice().buffer);
}

export function useStudy(controller: ViewerController | null, onLoaded: (info: VolumeInfo) => Promise<void>, setError: (m: string) => void) {
  const [discovered, setDiscovered] = useState<Discovered | null>(null);
  const [volume, setVolume] = useState<VolumeInfo | null>(null);

  const loadSeries = useCallback(
    async (folder: string, s: Series) => {
      if (controller === null) throw new Error('viewer not ready');
      const loaded = await call('study:load', { folder, seriesId: s.seriesId });
      // opened from a core-lab task: the journal belongs to the study within that task (trial/taskScope.ts)
      const info = { ...loaded, studyKey: scopedStudyKey(loaded.studyKey, taskScope(window.location.search)) };
      const vox = await call('study:voxels', { volumeId: info.volumeId });
      const bytes = vox.data.byteOffset % 2 === 0 ? vox.data : vox.data.slice();
      const voxels = vox.dtype === 'int16' ? new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2) : asFloat32(bytes);
      await controller.loadVolume(info, voxels);
      setVolume(info);
      await onLoaded(info);
    },
    [controller, onLoaded],
  );

  /** Opens a folder: its series list replaces the old one only when it has something to show. */
  const openFolder = useCallback(
    async (folder: string) => {
      let d: Discovered;
      try {
        d = await call('study:discover', { folder });
      } catch (err) {
        if (err instanceof ApiError) {
          setError(plainStudyError(err.code, err.message, folder) + (volume !== null ? ' The open study stays as it was.' : ''));
          return;
        }
        throw err;
      }
      if (d.series.length === 0) {
        setError(noImagesMessage(folder, d.skipped.length, volume !== null));
        if (volume === null) setDiscovered(d);
        return;
      }
      setDiscovered(d);
      const loadable = d.series.filter((s) => s.refusedReason === null);
      if (loadable.length === 1) await loadSeries(d.folder, loadable[0]!);
    },
    [volume, loadSeries, setError],
  );

  const loadedSeriesId = volume === null ? null : (discovered?.series.find((s) => s.seriesInstanceUid === volume.identity.seriesInstanceUid)?.seriesId ?? null);
  return { discovered, volume, openFolder, loadSeries, loadedSeriesId };
}
