import type { Response } from '../../../electron/ipc/contract';
import { formatVolumeMl } from '../../../electron/core/lesions/index';

type Lesion = Response<'volumetry:measure'>['lesions'][number];

interface Props {
  totalMl: number | null;
  /** Lesion voxels, voxel volume and labelmap hash: shown to tests as data attributes. */
  voxels: number;
  voxelMl: number;
  hash: string;
  lesions: Lesion[];
  decisions: ReadonlyMap<number, 'accepted' | 'rejected'>;
  onGo: (lesion: Lesion) => void;
  onDecide: (lesionId: number, decision: 'accepted' | 'rejected') => void;
}

export function LesionPanel(p: Props) {
  return (
    <section className="panel">
      <h2>Lesions</h2>
      <div className="total" data-testid="total-volume" data-ml={p.totalMl ?? ''} data-voxels={p.voxels} data-voxel-ml={p.voxelMl} data-hash={p.hash}>
        Total {p.totalMl === null ? '—' : `${formatVolumeMl(p.totalMl)} mL`}
      </div>
      <table className="lesions">
        <thead>
          <tr>
            <th>#</th>
            <th>mL</th>
            <th title="Sample range: 5th-95th percentile of this lesion's volume over the SDPM samples (how much the samples disagree; not a confidence interval)">sample range</th>
            <th title="A×B×C/2 estimate">ABC/2</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {p.lesions.map((l) => (
            <tr key={l.lesionId} className={p.decisions.get(l.lesionId) ?? ''}>
              <td>
                <button type="button" onClick={() => p.onGo(l)} title="Go to this lesion">
                  {l.lesionId}
                </button>
              </td>
              <td data-testid="lesion-volume" data-lesion-id={l.lesionId}>{formatVolumeMl(l.volumeMl)}</td>
              <td>{l.sampleIntervalMl === null ? '—' : `${formatVolumeMl(l.sampleIntervalMl[0] ?? 0)}–${formatVolumeMl(l.sampleIntervalMl[1] ?? 0)}`}</td>
              <td>{l.abc2Ml.toFixed(1)}</td>
              <td>
                <button type="button" onClick={() => p.onDecide(l.lesionId, 'accepted')} title="Accept">
                  ✓
                </button>
                <button type="button" onClick={() => p.onDecide(l.lesionId, 'rejected')} title="Reject (remove from the mask)">
                  ✗
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
