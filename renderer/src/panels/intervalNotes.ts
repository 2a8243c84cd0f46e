/**
 * What the lesion panel says about its calibrated intervals, worded by core exactly as the study report words them.
 * With a binned calibration an interval's meaning depends on the volume's size, so the notes follow the edits.
 */
import type { Response } from '../../../electron/ipc/contract';
import { calibratedInterval, calibratedIntervalMeaning } from '../../../electron/core/lesions/index';

type Calibration = NonNullable<Response<'volumetry:measure'>['calibration']>;

/** The meaning of the total's own interval; without calibration or a total, the services' note (why there is none). */
export function totalIntervalNote(totalMl: number | null, cal: Calibration | null, servicesNote: string | undefined): string | undefined {
  return cal !== null && totalMl !== null ? calibratedIntervalMeaning(calibratedInterval(totalMl, cal, 'study')) : servicesNote;
}

/** The meaning of one lesion's interval (its tooltip); undefined without calibration. */
export function lesionIntervalNote(volumeMl: number, cal: Calibration | null): string | undefined {
  return cal === null ? undefined : calibratedIntervalMeaning(calibratedInterval(volumeMl, cal, 'lesion'));
}
