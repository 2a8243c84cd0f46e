/**
 * What the product asks of an archive, whichever protocol speaks to it. DicomWebTransport (QIDO-RS,
 * WADO-RS, STOW-RS) and DimseTransport (C-FIND, C-GET, C-STORE) implement it; find, retrieve and
 * send-back code is written once against this interface.
 */
import { SdpmError } from '../errors';

export interface StudyQuery {
  patientId?: string;
  /** DICOM PN matching; "*" wildcards allowed. */
  patientName?: string;
  accessionNumber?: string;
  /** YYYYMMDD, inclusive. */
  dateFrom?: string;
  dateTo?: string;
  /** e.g. CT (ModalitiesInStudy). */
  modality?: string;
  /** Page size (default 50) and first result (default 0). */
  limit?: number;
  offset?: number;
}

export interface StudyHit {
  studyInstanceUid: string;
  patientId: string;
  patientName: string;
  accessionNumber: string;
  studyDate: string;
  studyDescription: string;
  modalities: string[];
  seriesCount: number | null;
  instanceCount: number | null;
}

export interface SeriesHit {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  seriesDescription: string;
  instanceCount: number | null;
}

export interface InstanceRef {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
}

export interface StudyPage {
  studies: StudyHit[];
  offset: number;
  limit: number;
  /** True when the archive returned a full page: ask again with offset + limit for more. */
  mayHaveMore: boolean;
}

export interface PacsTransport {
  /** Describes the peer for messages (describePeer). */
  readonly peerLabel: string;
  findStudies(query: StudyQuery, signal?: AbortSignal): Promise<StudyPage>;
  findSeries(studyInstanceUid: string, signal?: AbortSignal): Promise<SeriesHit[]>;
  listInstances(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]>;
  /** One instance as a DICOM Part-10 file, in the transfer syntax the archive sends. */
  fetchInstance(ref: InstanceRef, signal?: AbortSignal): Promise<Uint8Array>;
  /** Stores one Part-10 file; resolves when the archive acknowledged it (not yet verified). */
  storeInstance(part10: Uint8Array, ref: InstanceRef, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_PAGE_SIZE = 50;

const DATE_RE = /^\d{8}$/;
const UID_RE = /^[0-9]+(\.[0-9]+)*$/;

export function assertUid(uid: string, what: string): void {
  if (uid.length > 64 || !UID_RE.test(uid)) throw new SdpmError('INVALID_ARGUMENT', `${what} "${uid}" is not a DICOM UID`);
}

/** Validates a query (dates, paging) and fills in the paging defaults. */
export function normalizeQuery(q: StudyQuery): StudyQuery & { limit: number; offset: number } {
  for (const k of ['dateFrom', 'dateTo'] as const) {
    const v = q[k];
    if (v !== undefined && !DATE_RE.test(v)) throw new SdpmError('INVALID_ARGUMENT', `${k} must be YYYYMMDD, got "${v}"`);
  }
  if (q.dateFrom !== undefined && q.dateTo !== undefined && q.dateFrom > q.dateTo) {
    throw new SdpmError('INVALID_ARGUMENT', `dateFrom ${q.dateFrom} is after dateTo ${q.dateTo}`);
  }
  const limit = q.limit ?? DEFAULT_PAGE_SIZE;
  const offset = q.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new SdpmError('INVALID_ARGUMENT', `limit must be 1..1000, got ${limit}`);
  if (!Number.isInteger(offset) || offset < 0) throw new SdpmError('INVALID_ARGUMENT', `offset must be >= 0, got ${offset}`);
  return { ...q, limit, offset };
}

/** DICOM date range matching value: "A-B", "A-", "-B", or undefined. */
export function dateRange(q: StudyQuery): string | undefined {
  if (q.dateFrom === undefined && q.dateTo === undefined) return undefined;
  return `${q.dateFrom ?? ''}-${q.dateTo ?? ''}`;
}
