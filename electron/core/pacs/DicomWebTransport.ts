/**
 * DICOMweb (QIDO-RS, WADO-RS, STOW-RS) over Node's built-in fetch.
 *
 * Why plain fetch rather than dicomweb-client: dicomweb-client is built on XMLHttpRequest (in Node it
 * needs the xhr2 polyfill), buffers every answer, has no AbortSignal (so no cancel and no per-request
 * timeout), and hands back untyped errors without the HTTP status. The product needs typed errors that
 * name the peer and the study, cancel, timeouts and strict multipart checks (a truncated answer must
 * fail, not yield fewer instances); the three REST calls are a few lines each with fetch.
 */
import { describePeer, type DicomWebPeer } from './PacsConfig';
import { TAG, jsonNumber, jsonString, jsonStrings, parseDicomJsonArray, type DicomJsonObject } from './dicomJson';
import { MultipartError, buildMultipart, parseMultipart } from './multipart';
import { networkError, pacsError, type PacsContext } from './pacsErrors';
import { assertUid, dateRange, normalizeQuery, type InstanceRef, type PacsTransport, type SeriesHit, type StudyPage, type StudyQuery } from './PacsTransport';

const ACCEPT_DICOM = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export class DicomWebTransport implements PacsTransport {
  readonly peerLabel: string;
  private readonly authHeader: string | undefined;

  constructor(
    private readonly peer: DicomWebPeer,
    secret: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    this.peerLabel = describePeer(peer);
    if (peer.auth.type === 'basic') this.authHeader = `Basic ${Buffer.from(`${peer.auth.username}:${secret ?? ''}`, 'utf8').toString('base64')}`;
    else if (peer.auth.type === 'bearer') this.authHeader = `Bearer ${secret ?? ''}`;
    else this.authHeader = undefined;
  }

  private async request(path: string, ctx: PacsContext, init: { method?: string; accept: string; body?: Buffer; contentType?: string }, signal?: AbortSignal): Promise<{ body: Uint8Array; contentType: string | null }> {
    // identity: DICOM pixel data barely compresses, and an archive gzipping 0.5 MB instances on the fly
    // (Orthanc does when asked) cost 5-7x the transfer time on loopback (scripts/bench/pacs-retrieve.ts)
    const headers: Record<string, string> = { Accept: init.accept, 'Accept-Encoding': 'identity' };
    if (this.authHeader !== undefined) headers.Authorization = this.authHeader;
    if (init.contentType !== undefined) headers['Content-Type'] = init.contentType;
    const timeout = AbortSignal.timeout(this.peer.timeoutMs);
    const combined = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    try {
      const res = await this.fetchImpl(`${this.peer.baseUrl}${path}`, { method: init.method ?? 'GET', headers, signal: combined, ...(init.body === undefined ? {} : { body: init.body }) });
      if (res.status === 401 || res.status === 403) {
        throw pacsError('PACS_AUTH_FAILED', ctx, `the archive refused our credentials (HTTP ${res.status}); check the user name and the password or token`);
      }
      if (res.status === 404) throw pacsError('PACS_NOT_FOUND', ctx, `not found on the archive (HTTP 404 for ${path})`);
      const body = new Uint8Array(await res.arrayBuffer());
      if (res.status < 200 || res.status >= 300) {
        const text = Buffer.from(body.subarray(0, 300)).toString('utf8').replace(/\s+/g, ' ');
        throw pacsError(res.status >= 500 ? 'PACS_UNREACHABLE' : 'PACS_BAD_RESPONSE', ctx, `HTTP ${res.status} ${res.statusText}${text ? `: ${text}` : ''}`);
      }
      return { body, contentType: res.headers.get('content-type') };
    } catch (err) {
      throw networkError(err, ctx, signal, this.peer.timeoutMs);
    }
  }

  private async qido(path: string, ctx: PacsContext, signal?: AbortSignal): Promise<DicomJsonObject[]> {
    const { body } = await this.request(path, ctx, { accept: 'application/dicom+json' }, signal);
    try {
      return parseDicomJsonArray(Buffer.from(body).toString('utf8'));
    } catch (err) {
      throw pacsError('PACS_BAD_RESPONSE', ctx, `malformed JSON answer (${err instanceof Error ? err.message : String(err)})`, err);
    }
  }

  async findStudies(query: StudyQuery, signal?: AbortSignal): Promise<StudyPage> {
    const q = normalizeQuery(query);
    const p = new URLSearchParams();
    if (q.patientId !== undefined) p.set('PatientID', q.patientId);
    if (q.patientName !== undefined) p.set('PatientName', q.patientName);
    if (q.accessionNumber !== undefined) p.set('AccessionNumber', q.accessionNumber);
    const range = dateRange(q);
    if (range !== undefined) p.set('StudyDate', range);
    if (q.modality !== undefined) p.set('ModalitiesInStudy', q.modality);
    p.set('limit', String(q.limit));
    p.set('offset', String(q.offset));
    for (const t of [TAG.seriesInStudy, TAG.instancesInStudy, TAG.studyDescription, TAG.modalitiesInStudy, TAG.accessionNumber, TAG.studyDate]) p.append('includefield', t);
    const rows = await this.qido(`/studies?${p.toString()}`, { peerLabel: this.peerLabel, action: 'find studies' }, signal);
    const studies = rows.map((r) => ({
      studyInstanceUid: jsonString(r, TAG.studyInstanceUid),
      patientId: jsonString(r, TAG.patientId),
      patientName: jsonString(r, TAG.patientName),
      accessionNumber: jsonString(r, TAG.accessionNumber),
      studyDate: jsonString(r, TAG.studyDate),
      studyDescription: jsonString(r, TAG.studyDescription),
      modalities: jsonStrings(r, TAG.modalitiesInStudy),
      seriesCount: jsonNumber(r, TAG.seriesInStudy),
      instanceCount: jsonNumber(r, TAG.instancesInStudy),
    }));
    if (studies.some((s) => s.studyInstanceUid === '')) throw pacsError('PACS_BAD_RESPONSE', { peerLabel: this.peerLabel, action: 'find studies' }, 'a study in the answer has no StudyInstanceUID');
    return { studies, offset: q.offset, limit: q.limit, mayHaveMore: studies.length >= q.limit };
  }

  async findSeries(studyInstanceUid: string, signal?: AbortSignal): Promise<SeriesHit[]> {
    assertUid(studyInstanceUid, 'StudyInstanceUID');
    const ctx = { peerLabel: this.peerLabel, action: 'find series', studyInstanceUid };
    const rows = await this.qido(`/studies/${studyInstanceUid}/series?includefield=${TAG.instancesInSeries}&includefield=${TAG.seriesDescription}`, ctx, signal);
    return rows.map((r) => ({
      studyInstanceUid,
      seriesInstanceUid: jsonString(r, TAG.seriesInstanceUid),
      modality: jsonString(r, TAG.modality),
      seriesNumber: jsonNumber(r, TAG.seriesNumber),
      seriesDescription: jsonString(r, TAG.seriesDescription),
      instanceCount: jsonNumber(r, TAG.instancesInSeries),
    }));
  }

  async listInstances(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]> {
    assertUid(studyInstanceUid, 'StudyInstanceUID');
    assertUid(seriesInstanceUid, 'SeriesInstanceUID');
    const ctx = { peerLabel: this.peerLabel, action: `list instances of series ${seriesInstanceUid}`, studyInstanceUid };
    const rows = await this.qido(`/studies/${studyInstanceUid}/series/${seriesInstanceUid}/instances`, ctx, signal);
    return rows.map((r) => {
      const sop = jsonString(r, TAG.sopInstanceUid);
      if (sop === '') throw pacsError('PACS_BAD_RESPONSE', ctx, 'an instance in the answer has no SOPInstanceUID');
      return { studyInstanceUid, seriesInstanceUid, sopInstanceUid: sop, sopClassUid: jsonString(r, TAG.sopClassUid) };
    });
  }

  async fetchInstance(ref: InstanceRef, signal?: AbortSignal): Promise<Uint8Array> {
    assertUid(ref.sopInstanceUid, 'SOPInstanceUID');
    const ctx = { peerLabel: this.peerLabel, action: `retrieve instance ${ref.sopInstanceUid} (WADO-RS)`, studyInstanceUid: ref.studyInstanceUid };
    const path = `/studies/${ref.studyInstanceUid}/series/${ref.seriesInstanceUid}/instances/${ref.sopInstanceUid}`;
    const { body, contentType } = await this.request(path, ctx, { accept: ACCEPT_DICOM }, signal);
    let parts;
    try {
      parts = parseMultipart(body, contentType);
    } catch (err) {
      if (err instanceof MultipartError) throw pacsError('PACS_BAD_RESPONSE', ctx, `malformed multipart answer: ${err.message}`, err);
      throw err;
    }
    const first = parts[0];
    if (parts.length !== 1 || first === undefined) throw pacsError('PACS_BAD_RESPONSE', ctx, `expected 1 instance in the multipart answer, got ${parts.length}`);
    return first.body;
  }

  async storeInstance(part10: Uint8Array, ref: InstanceRef, signal?: AbortSignal): Promise<void> {
    const ctx = { peerLabel: this.peerLabel, action: `store instance ${ref.sopInstanceUid} (STOW-RS)`, studyInstanceUid: ref.studyInstanceUid };
    const { body, contentType } = buildMultipart([{ headers: { 'Content-Type': 'application/dicom' }, body: part10 }], 'application/dicom');
    const res = await this.request(`/studies/${ref.studyInstanceUid}`, ctx, { method: 'POST', accept: 'application/dicom+json', body, contentType }, signal);
    const outcome = stowOutcome(Buffer.from(res.body).toString('utf8'), ref.sopInstanceUid);
    if (outcome !== 'stored') throw pacsError('PACS_STORE_FAILED', ctx, outcome);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

function sequenceItems(obj: DicomJsonObject, tag: string): DicomJsonObject[] {
  const el = obj[tag];
  const v = typeof el === 'object' && el !== null ? (el as { Value?: unknown }).Value : undefined;
  return Array.isArray(v) ? v.filter((x): x is DicomJsonObject => typeof x === 'object' && x !== null) : [];
}

/**
 * Reads a STOW-RS answer (PS3.18 10.5.3): 'stored' when ReferencedSOPSequence (0008,1199) lists the
 * instance and FailedSOPSequence (0008,1198) has no item; otherwise the reason, for the message.
 */
export function stowOutcome(text: string, sopInstanceUid: string): string {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    return `the STOW-RS answer is not JSON: ${text.slice(0, 200)}`;
  }
  const root = Array.isArray(obj) ? obj[0] : obj;
  if (typeof root !== 'object' || root === null) return 'the STOW-RS answer is empty';
  const failed = sequenceItems(root as DicomJsonObject, '00081198');
  if (failed.length > 0) return `the archive refused the instance (FailedSOPSequence, reason ${jsonString(failed[0]!, '00081197') || '?'})`;
  const stored = sequenceItems(root as DicomJsonObject, '00081199').some((i) => jsonString(i, '00081155') === sopInstanceUid);
  return stored ? 'stored' : 'the STOW-RS answer does not list the instance in ReferencedSOPSequence';
}
