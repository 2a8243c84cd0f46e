import type { Response } from '../../../electron/ipc/contract';
import { calibratedInterval, formatVolumeMl } from '../../../electron/core/lesions/index';
import { lesionIntervalNote, totalIntervalNote } from './intervalNotes';

type Lesion = Response<'volumetry:measure'>['lesions'][number];
type Calibration = NonNullable<Response<'volumetry:measure'>['calibration']>;

interface Props {
  totalMl: number | null;
  /** Lesion voxels, voxel volume and labelmap hash: shown to tests as data attributes. */
  voxels: number;
  voxelMl: number;
  hash: string;
  lesions: Lesion[];
  decisions: ReadonlyMap<number, 'accepted' | 'rejected'>;
  /** the bundle's interval calibration (volumetry:measure); intervals follow the current volumes. Absent/null: none */
  calibration?: Calibration | null;
  /** plain-words meaning of the interval, or that there is none (volumetry:measure intervalNote) */
  intervalNote?: string;
  /** what each lesion's interval means (volumetry:measure lesionIntervalNote); null/absent: none */
  lesionIntervalNote?: string | null;
  /** what the model's held-out detection per lesion kind says (volumetry:measure detectionNote); null/absent: none */
  detectionNote?: string | null;
  /** candidates the plausibility rules dropped (inference:dropped), not in the mask; listed with why, restorable */
  dropped?: ReadonlyArray<{ id: number; volumeMl: number; reason: string; centroidIjk?: readonly [number, number, number] }>;
  /** how many dropped candidates the reader has restored (they are lesions in the table now) */
  restoredCount?: number;
  /** centre the view on a dropped candidate before deciding */
  onGoDropped?: (centroidIjk: readonly [number, number, number]) => void;
  /** put a dropped candidate's voxels back into the mask (core restoreLesion); absent: no restore button */
  onRestore?: (candidateId: number) => void;
  onGo: (lesion: Lesion) => void;
  onDecide: (lesionId: number, decision: 'accepted' | 'rejected') => void;
}

const range = (iv: readonly number[] | null | undefined): string => (iv === null || iv === undefined ? '—' : `${formatVolumeMl(iv[0] ?? 0)}–${formatVolumeMl(iv[1] ?? 0)}`);

/**
 * Lesions by stable ID (electron/core/lesions), volumes printed with the core formatter, so the panel shows the
 * same digits as report.json, the CSV/HTML report and the SEG. Two ranges, never confused: the calibrated interval
 * (measured coverage of the true volume on held-out cases) and the sample range (how much the SDPM samples disagree).
 */
export function LesionPanel(p: Props) {
  const cal = p.calibration ?? null;
  const ci = (v: number, level: 'study' | 'lesion'): [number, number] | null => {
    if (cal === null) return null;
    const iv = calibratedInterval(v, cal, level);
    return [iv.lowMl, iv.highMl];
  };
  const totalCi = p.totalMl === null ? null : ci(p.totalMl, 'study');
  const totalNote = totalIntervalNote(p.totalMl, cal, p.intervalNote);
  return (
    <section className="panel">
      <h2>Lesions</h2>
      <div className="total" data-testid="total-volume" data-ml={p.totalMl ?? ''} data-voxels={p.voxels} data-voxel-ml={p.voxelMl} data-hash={p.hash}>
        Total {p.totalMl === null ? '—' : `${formatVolumeMl(p.totalMl)} mL`}
        {totalCi !== null && <span title={totalNote}> (interval {range(totalCi)} mL)</span>}
      </div>
      {totalNote !== undefined && (
        <div className="muted" data-testid="interval-note">
          {totalNote}
        </div>
      )}
      <table className="lesions">
        <thead>
          <tr>
            <th>#</th>
            <th>mL</th>
            <th title={p.lesionIntervalNote ?? 'Calibrated interval (bundle calibration.json)'}>interval</th>
            <th title="Sample range: 5th-95th percentile of this lesion's volume over the SDPM samples (how much the samples disagree; not a confidence interval)">sample range</th>
            <th title="A×B×C/2 estimate">ABC/2</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {p.lesions.map((l) => (
            <tr key={l.lesionId} className={p.decisions.get(l.lesionId) ?? ''} title={l.type ?? undefined}>
              <td>
                <button type="button" onClick={() => p.onGo(l)} title="Go to this lesion">
                  {l.lesionId}
                </button>
              </td>
              <td data-testid="lesion-volume" data-lesion-id={l.lesionId}>
                {formatVolumeMl(l.volumeMl)}
              </td>
              <td title={lesionIntervalNote(l.volumeMl, cal)}>{range(cal !== null ? ci(l.volumeMl, 'lesion') : l.calibratedIntervalMl)}</td>
              <td>{range(l.sampleIntervalMl)}</td>
              <td>{l.abc2Ml.toFixed(1)}</td>
              <td>
                <button type="button" onClick={() => p.onDecide(l.lesionId, 'accepted')} title="Accept">
                  ✓
                </button>
                <button type="button" onClick={() => p.onDecide(l.lesionId, 'rejected')} title="Reject (remove exactly this lesion's voxels from the mask)">
                  ✗
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.detectionNote != null && (
        <div className="muted" data-testid="detection-note">
          {p.detectionNote}
        </div>
      )}
      {p.dropped !== undefined && (p.dropped.length > 0 || (p.restoredCount ?? 0) > 0) && (
        <details data-testid="dropped-candidates" data-count={p.dropped.length} data-restored={p.restoredCount ?? 0}>
          <summary>
            {p.dropped.length} dropped candidate{p.dropped.length === 1 ? '' : 's'} (plausibility rules, not part of SDPM)
            {(p.restoredCount ?? 0) > 0 && `; ${p.restoredCount} restored by you`}
          </summary>
          <ul className="compact">
            {p.dropped.map((d) => (
              <li key={d.id} data-candidate-id={d.id}>
                {p.onGoDropped !== undefined && d.centroidIjk !== undefined ? (
                  <button type="button" onClick={() => d.centroidIjk !== undefined && p.onGoDropped?.(d.centroidIjk)} title="Go to this candidate">
                    #{d.id}
                  </button>
                ) : (
                  `#${d.id}`
                )}{' '}
                {formatVolumeMl(d.volumeMl)} mL: {d.reason}{' '}
                {p.onRestore !== undefined && (
                  <button type="button" onClick={() => p.onRestore?.(d.id)} title="Put this candidate back into the mask">
                    Restore
                  </button>
                )}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
