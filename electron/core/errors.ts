/**
 * Typed errors with stable codes. Core code throws `SdpmError`; the API edge (IPC, local server, CLI)
 * turns it into `{ code, message }` via `toErrorPayload`. Codes are part of the public contract:
 * never rename one, only add.
 */
export type ErrorCode =
  // input files and series
  | 'DICOM_NOT_DICOM'
  | 'DICOM_TRUNCATED'
  | 'DICOM_UNSUPPORTED_TRANSFER_SYNTAX'
  | 'DICOM_DECODE_FAILED'
  | 'DICOM_MISSING_ATTRIBUTE'
  | 'SERIES_EMPTY_FOLDER'
  | 'SERIES_NOT_FOUND'
  | 'SERIES_AMBIGUOUS'
  | 'SERIES_NOT_CT'
  | 'SERIES_TOO_FEW_SLICES'
  | 'SERIES_INCONSISTENT'
  | 'SERIES_DUPLICATE_SLICES'
  | 'SERIES_GAP_REFUSED'
  | 'SERIES_TOO_LARGE'
  | 'NIFTI_INVALID'
  // model bundle and inference
  | 'BUNDLE_NOT_FOUND'
  | 'BUNDLE_INVALID'
  | 'BUNDLE_CHECKSUM'
  | 'PROVIDER_UNAVAILABLE'
  | 'INFERENCE_FAILED'
  | 'CANCELLED'
  // SEG and volumetry
  | 'SEG_INVALID'
  | 'SEG_UNSUPPORTED'
  | 'SEG_NO_REFERENCE'
  | 'GEOMETRY_MISMATCH'
  // PACS (DICOMweb / DIMSE peers): every message names the peer and, where there is one, the study
  | 'PACS_UNREACHABLE'
  | 'PACS_AUTH_FAILED'
  | 'PACS_TIMEOUT'
  | 'PACS_BAD_RESPONSE'
  | 'PACS_NOT_FOUND'
  | 'PACS_INSTANCE_INVALID'
  | 'PACS_RETRIEVE_INCOMPLETE'
  | 'PACS_STORE_FAILED'
  | 'PACS_VERIFY_FAILED'
  | 'PACS_SECRET_MISSING'
  // generic
  | 'INVALID_ARGUMENT'
  | 'IO_ERROR'
  | 'INTERNAL'
  // core-lab trial: accounts, roles, records, signatures, audit trail, database
  | 'AUTH_FAILED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RECORD_LOCKED'
  | 'TRIAL_LOCKED'
  | 'CHARTER_INVALID'
  | 'SIGNATURE_INVALID'
  | 'AUDIT_CHAIN_BROKEN'
  | 'DB_ERROR';

export class SdpmError extends Error {
  readonly code: ErrorCode;
  /** The file or folder the problem is about, when there is one. */
  readonly path: string | undefined;
  constructor(code: ErrorCode, message: string, options?: { path?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SdpmError';
    this.code = code;
    this.path = options?.path;
  }
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  path?: string;
}

/** Converts anything thrown into the `{ code, message }` shape used at every API edge. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err instanceof SdpmError) {
    return err.path === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, path: err.path };
  }
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message };
  return { code: 'INTERNAL', message: String(err) };
}

export function isSdpmError(err: unknown, code?: ErrorCode): err is SdpmError {
  return err instanceof SdpmError && (code === undefined || err.code === code);
}
