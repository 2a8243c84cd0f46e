/**
 * The PACS channels and events of the API contract (spread into `channels` / `events` in contract.ts).
 * A peer crosses the edge without its secret; the secret is sent once with `pacs:savePeer` and kept in
 * the secure store (Electron) or in memory for the session (browser mode), never in the settings file.
 */
import { arr, bool, int, literal, nullable, obj, optional, str, tagged } from './schema';

const name = str({ minLength: 1, maxLength: 64 });
const uid = str({ minLength: 1, maxLength: 64 });
const jobId = str({ minLength: 1, maxLength: 200 });
const date = str({ minLength: 8, maxLength: 8 });

export const pacsPeerSchema = tagged('kind', {
  dicomweb: obj({
    kind: literal('dicomweb'),
    name,
    baseUrl: str({ minLength: 1, maxLength: 2048 }),
    auth: tagged('type', { none: obj({ type: literal('none') }), basic: obj({ type: literal('basic'), username: str({ minLength: 1, maxLength: 256 }) }), bearer: obj({ type: literal('bearer') }) }),
    timeoutMs: int({ min: 100, max: 3_600_000 }),
  }),
  dimse: obj({
    kind: literal('dimse'),
    name,
    aeTitle: str({ minLength: 1, maxLength: 16 }),
    host: str({ minLength: 1, maxLength: 255 }),
    port: int({ min: 1, max: 65535 }),
    callingAeTitle: str({ minLength: 1, maxLength: 16 }),
    timeoutMs: int({ min: 100, max: 3_600_000 }),
  }),
});

const studyHit = obj({
  studyInstanceUid: str(),
  patientId: str(),
  patientName: str(),
  accessionNumber: str(),
  studyDate: str(),
  studyDescription: str(),
  modalities: arr(str()),
  seriesCount: nullable(int({ min: 0 })),
  instanceCount: nullable(int({ min: 0 })),
});

const seriesHit = obj({
  studyInstanceUid: str(),
  seriesInstanceUid: str(),
  modality: str(),
  seriesNumber: nullable(int()),
  seriesDescription: str(),
  instanceCount: nullable(int({ min: 0 })),
});

export const pacsChannels = {
  'pacs:peers': { request: obj({}), response: obj({ peers: arr(obj({ peer: pacsPeerSchema, hasSecret: bool(), label: str() })), secretStore: str() }) },
  /** Saves (or replaces by name) a connection; `secret` (password or token) goes to the secret store only. */
  'pacs:savePeer': { request: obj({ peer: pacsPeerSchema, secret: optional(str({ minLength: 1, maxLength: 4096 })) }), response: obj({ label: str() }) },
  'pacs:find': {
    request: obj({
      peer: name,
      patientId: optional(str({ maxLength: 64 })),
      patientName: optional(str({ maxLength: 64 })),
      accessionNumber: optional(str({ maxLength: 64 })),
      dateFrom: optional(date),
      dateTo: optional(date),
      modality: optional(str({ maxLength: 16 })),
      limit: optional(int({ min: 1, max: 1000 })),
      offset: optional(int({ min: 0 })),
    }),
    response: obj({ studies: arr(studyHit), offset: int({ min: 0 }), limit: int({ min: 1 }), mayHaveMore: bool() }),
  },
  'pacs:series': { request: obj({ peer: name, studyInstanceUid: uid }), response: obj({ series: arr(seriesHit) }) },
  /** Starts retrieving one series into the cache; progress and the end arrive as `pacs:progress` events. */
  'pacs:retrieve': { request: obj({ peer: name, studyInstanceUid: uid, seriesInstanceUid: uid }), response: obj({ jobId }) },
  'pacs:cancel': { request: obj({ jobId }), response: obj({}) },
  /** Stores an exported SEG and reads it back; answers only after the comparison ("stored and verified"). */
  'pacs:send': {
    request: obj({ peer: name, segPath: str({ minLength: 1, maxLength: 4096 }) }),
    response: obj({ message: str(), level: literal('identical', 'dataset-bytes', 'tags'), sopInstanceUid: str() }),
  },
} as const;

export const pacsEvents = {
  'pacs:progress': obj({
    jobId,
    status: literal('running', 'complete', 'incomplete', 'cancelled', 'failed'),
    total: int({ min: 0 }),
    done: int({ min: 0 }),
    failed: int({ min: 0 }),
    /** The user-facing line (names the peer and the study); on completion, the folder to load. */
    message: str(),
    folder: nullable(str()),
  }),
} as const;
