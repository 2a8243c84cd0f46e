/** Maps core types to the contract's plain records (the contract never exposes core types directly). */
import type { Response } from '../../ipc/contract';
import type { Volume } from '../../core/index';
import type { SeriesSummary } from '../../core/index';
import { calibrationLevelMeaning, NO_CALIBRATION_NOTE, type Calibration } from '../../core/index';

type SeriesDto = Response<'study:discover'>['series'][number];

export function toSeriesDto(s: SeriesSummary): SeriesDto {
  const first = s.slices[0];
  const notes = [...s.problems];
  if (s.splitReason !== null) notes.push(`split from its series: ${s.splitReason}`);
  return {
    seriesId: s.id,
    seriesInstanceUid: s.seriesInstanceUid,
    seriesNumber: s.seriesNumber,
    seriesDescription: s.seriesDescription,
    modality: s.modality,
    nSlices: s.sliceCount,
    rows: s.rows,
    columns: s.columns,
    notes,
    refusedReason: s.segmentable ? null : s.reasons.join('; ') || 'not segmentable',
    patientName: first?.patientName ?? '',
    patientId: first?.patientId ?? '',
    studyDate: first?.studyDate ?? '',
    studyDescription: first?.studyDescription ?? '',
  };
}

export function toVolumeInfo(volumeId: string, studyKey: string, folder: string, v: Volume): Response<'study:load'> {
  return {
    volumeId,
    studyKey,
    folder,
    dimensions: [...v.dimensions],
    spacingMm: [...v.spacingMm],
    originLps: [...v.originLps],
    directionLps: [...v.directionLps],
    dtype: v.voxels instanceof Int16Array ? 'int16' : 'float32',
    identity: { ...v.identity },
    corrections: {
      gantryTiltDeg: v.corrections.gantryTiltDeg,
      tiltCorrected: v.corrections.tiltCorrected,
      resampledToEquidistant: v.corrections.resampledToEquidistant,
      sliceGapsMm: [...v.corrections.sliceGapsMm],
      notes: [...v.corrections.notes],
    },
    source: {
      imageOrientationPatient: [...v.source.imageOrientationPatient],
      pixelSpacingMm: [...v.source.pixelSpacingMm],
      rows: v.source.rows,
      columns: v.source.columns,
      slicePositionsLps: v.source.slices.map((s) => [...s.positionLps]),
    },
  };
}

type MeasureCalibration = Pick<Response<'volumetry:measure'>, 'calibration' | 'intervalNote' | 'lesionIntervalNote'>;

/**
 * The bundle's interval calibration as volumetry:measure sends it (the page recomputes the intervals after each edit
 * with core calibratedInterval) and what its two levels mean: the study level's note goes with the total, as in the
 * report; the lesion level's with the lesion table. Each level is sent whole, so a field calibration.json gains
 * must be added to the contract too (test: the shipped bundle's calibration passes the response schema). Without a
 * calibration for the run, `whyNone` says why (core noCalibrationNote: none in the bundle, or one for another mode).
 */
export function toMeasureCalibration(cal: Calibration | null, whyNone: string = NO_CALIBRATION_NOTE): MeasureCalibration {
  if (cal === null) return { calibration: null, intervalNote: whyNone, lesionIntervalNote: null };
  return {
    calibration: { cMl: cal.cMl, nominalCoverage: cal.nominalCoverage, study: cal.study, lesion: cal.lesion },
    intervalNote: calibrationLevelMeaning(cal, 'study'),
    lesionIntervalNote: calibrationLevelMeaning(cal, 'lesion'),
  };
}
