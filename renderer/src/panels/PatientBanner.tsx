import type { Response } from '../../../electron/ipc/contract';
import { formatDicomDate, formatDicomTime, formatPersonName } from './formatDicom';

export function PatientBanner({ info }: { info: Response<'study:load'> }) {
  const id = info.identity;
  const c = info.corrections;
  return (
    <header className="banner" data-testid="patient-banner">
      <strong>{formatPersonName(id.patientName)}</strong>
      <span>ID {id.patientId || '—'}</span>
      <span>
        {id.patientSex || '?'} · born {formatDicomDate(id.patientBirthDate)}
      </span>
      <span>
        Study {formatDicomDate(id.studyDate)} {formatDicomTime(id.studyTime)} · {id.studyDescription || 'no description'}
      </span>
      <span>Acc {id.accessionNumber || '—'}</span>
      <span>
        Series {id.seriesNumber ?? '?'} {id.seriesDescription} ({id.manufacturer})
      </span>
      <span>
        {info.dimensions.join('×')} voxels, {info.spacingMm.map((s) => s.toFixed(2)).join('×')} mm
      </span>
      {(c.tiltCorrected || c.resampledToEquidistant) && (
        <span className="warn" title={c.notes.join('\n')}>
          {c.tiltCorrected ? `Gantry tilt ${c.gantryTiltDeg.toFixed(1)}° corrected` : ''}
          {c.tiltCorrected && c.resampledToEquidistant ? ' · ' : ''}
          {c.resampledToEquidistant ? `uneven slice gaps (${c.sliceGapsMm.join(', ')} mm) resampled` : ''}
        </span>
      )}
    </header>
  );
}
