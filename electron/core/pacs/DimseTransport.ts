/**
 * DIMSE (C-FIND, C-GET, C-STORE) with dcmjs-dimse: one association per operation, Study Root
 * information model. C-GET is used for retrieval (instances come back on the same association, so no
 * inbound port or firewall rule is needed on the reader's machine); it asks for one instance at a time
 * so that retrieval can resume and report per instance like WADO-RS.
 *
 * DIMSE has no paging: C-FIND returns every match, and findStudies pages them on our side.
 */
import dimse from 'dcmjs-dimse';
import { describePeer, type DimsePeer } from './PacsConfig';
import { datasetToPart10, part10ToDataset, type DimseDataset } from './dimseDatasets';
import { pacsError, type PacsContext } from './pacsErrors';
import { assertUid, dateRange, normalizeQuery, type InstanceRef, type PacsTransport, type SeriesHit, type StudyPage, type StudyQuery } from './PacsTransport';

const { Client } = dimse;
const { CFindRequest, CGetRequest, CStoreRequest } = dimse.requests;
const { CStoreResponse } = dimse.responses;
const { Status } = dimse.constants;
type DimseRequest = Parameters<InstanceType<typeof Client>['addRequest']>[0];

function el(ds: DimseDataset | undefined, key: string): string {
  const v = ds?.getElements()[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null && 'Alphabetic' in x ? String((x as { Alphabetic: unknown }).Alphabetic) : String(x))).join('\\');
  if (typeof v === 'object' && v !== null && 'Alphabetic' in v) return String((v as { Alphabetic: unknown }).Alphabetic);
  return '';
}

function num(ds: DimseDataset | undefined, key: string): number | null {
  const s = el(ds, key);
  const n = s === '' ? NaN : Number(s);
  return Number.isFinite(n) ? n : null;
}

export class DimseTransport implements PacsTransport {
  readonly peerLabel: string;

  constructor(private readonly peer: DimsePeer) {
    this.peerLabel = describePeer(peer);
  }

  /** Runs requests on one association; resolves when it is released and closed. */
  private run(requests: DimseRequest[], ctx: PacsContext, signal: AbortSignal | undefined, onStore?: (ds: DimseDataset) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(pacsError('CANCELLED', ctx, 'cancelled'));
        return;
      }
      const client = new Client();
      let failure: Error | undefined;
      const fail = (e: Error): void => {
        failure ??= e;
      };
      const onAbort = (): void => {
        fail(pacsError('CANCELLED', ctx, 'cancelled'));
        client.abort?.();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      for (const r of requests) client.addRequest(r);
      client.on('associationRejected', (result: unknown) => {
        fail(pacsError('PACS_AUTH_FAILED', ctx, `association rejected (${JSON.stringify(result)}): is our AE title "${this.peer.callingAeTitle}" known to the archive and its AE title "${this.peer.aeTitle}" right?`));
      });
      client.on('networkError', (e: unknown) => {
        const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
        const msg = e instanceof Error ? e.message : String(e);
        if (code === 'ECONNREFUSED') fail(pacsError('PACS_UNREACHABLE', ctx, 'cannot connect (ECONNREFUSED): is the archive running and the address right?', e));
        else if (/timeout/i.test(msg)) fail(pacsError('PACS_TIMEOUT', ctx, `no answer within ${this.peer.timeoutMs / 1000} s (${msg})`, e));
        else fail(pacsError('PACS_UNREACHABLE', ctx, `connection failed or dropped (${code || msg})`, e));
      });
      if (onStore !== undefined) {
        client.on('cStoreRequest', (req: { getDataset(): DimseDataset | undefined }, callback: (r: unknown) => void) => {
          const response = CStoreResponse.fromRequest(req as never);
          const ds = req.getDataset();
          if (ds === undefined) {
            response.setStatus(Status.ProcessingFailure);
          } else {
            onStore(ds);
            response.setStatus(Status.Success);
          }
          callback(response);
        });
      }
      client.on('closed', () => {
        signal?.removeEventListener('abort', onAbort);
        if (failure !== undefined) reject(failure);
        else resolve();
      });
      const t = this.peer.timeoutMs;
      client.send(this.peer.host, this.peer.port, this.peer.callingAeTitle, this.peer.aeTitle, { connectTimeout: t, associationTimeout: t, pduTimeout: t });
    });
  }

  private async find(request: InstanceType<typeof CFindRequest>, ctx: PacsContext, signal?: AbortSignal): Promise<DimseDataset[]> {
    const out: DimseDataset[] = [];
    let finalStatus: number | undefined;
    let comment = '';
    request.on('response', (res: { getStatus(): number; hasDataset(): boolean; getDataset(): DimseDataset | undefined; getErrorComment(): string }) => {
      const status = res.getStatus();
      if (status === Status.Pending) {
        const ds = res.getDataset();
        if (ds !== undefined) out.push(ds);
      } else {
        finalStatus = status;
        comment = res.getErrorComment() ?? '';
      }
    });
    await this.run([request], ctx, signal);
    if (finalStatus !== Status.Success) {
      throw pacsError('PACS_BAD_RESPONSE', ctx, `C-FIND ended with status 0x${(finalStatus ?? -1).toString(16)}${comment ? ` (${comment})` : ''}`);
    }
    return out;
  }

  async findStudies(query: StudyQuery, signal?: AbortSignal): Promise<StudyPage> {
    const q = normalizeQuery(query);
    const keys: Record<string, unknown> = {
      StudyInstanceUID: '',
      PatientID: q.patientId ?? '',
      PatientName: q.patientName ?? '',
      AccessionNumber: q.accessionNumber ?? '',
      StudyDate: dateRange(q) ?? '',
      StudyDescription: '',
      ModalitiesInStudy: q.modality ?? '',
      NumberOfStudyRelatedSeries: '',
      NumberOfStudyRelatedInstances: '',
    };
    const rows = await this.find(CFindRequest.createStudyFindRequest(keys), { peerLabel: this.peerLabel, action: 'find studies (C-FIND)' }, signal);
    const all = rows
      .map((r) => ({
        studyInstanceUid: el(r, 'StudyInstanceUID'),
        patientId: el(r, 'PatientID'),
        patientName: el(r, 'PatientName'),
        accessionNumber: el(r, 'AccessionNumber'),
        studyDate: el(r, 'StudyDate'),
        studyDescription: el(r, 'StudyDescription'),
        modalities: el(r, 'ModalitiesInStudy').split('\\').filter((m) => m !== ''),
        seriesCount: num(r, 'NumberOfStudyRelatedSeries'),
        instanceCount: num(r, 'NumberOfStudyRelatedInstances'),
      }))
      .sort((a, b) => (a.studyDate + a.studyInstanceUid).localeCompare(b.studyDate + b.studyInstanceUid));
    const studies = all.slice(q.offset, q.offset + q.limit);
    return { studies, offset: q.offset, limit: q.limit, mayHaveMore: q.offset + q.limit < all.length };
  }

  async findSeries(studyInstanceUid: string, signal?: AbortSignal): Promise<SeriesHit[]> {
    assertUid(studyInstanceUid, 'StudyInstanceUID');
    const keys = { StudyInstanceUID: studyInstanceUid, SeriesInstanceUID: '', Modality: '', SeriesNumber: '', SeriesDescription: '', NumberOfSeriesRelatedInstances: '' };
    const rows = await this.find(CFindRequest.createSeriesFindRequest(keys), { peerLabel: this.peerLabel, action: 'find series (C-FIND)', studyInstanceUid }, signal);
    return rows.map((r) => ({
      studyInstanceUid,
      seriesInstanceUid: el(r, 'SeriesInstanceUID'),
      modality: el(r, 'Modality'),
      seriesNumber: num(r, 'SeriesNumber'),
      seriesDescription: el(r, 'SeriesDescription'),
      instanceCount: num(r, 'NumberOfSeriesRelatedInstances'),
    }));
  }

  async listInstances(studyInstanceUid: string, seriesInstanceUid: string, signal?: AbortSignal): Promise<InstanceRef[]> {
    assertUid(studyInstanceUid, 'StudyInstanceUID');
    assertUid(seriesInstanceUid, 'SeriesInstanceUID');
    const ctx = { peerLabel: this.peerLabel, action: `list instances of series ${seriesInstanceUid} (C-FIND)`, studyInstanceUid };
    const rows = await this.find(CFindRequest.createImageFindRequest({ StudyInstanceUID: studyInstanceUid, SeriesInstanceUID: seriesInstanceUid, SOPInstanceUID: '', SOPClassUID: '' }), ctx, signal);
    return rows.map((r) => {
      const sop = el(r, 'SOPInstanceUID');
      if (sop === '') throw pacsError('PACS_BAD_RESPONSE', ctx, 'an instance in the answer has no SOPInstanceUID');
      return { studyInstanceUid, seriesInstanceUid, sopInstanceUid: sop, sopClassUid: el(r, 'SOPClassUID') };
    });
  }

  async fetchInstance(ref: InstanceRef, signal?: AbortSignal): Promise<Uint8Array> {
    assertUid(ref.sopInstanceUid, 'SOPInstanceUID');
    const ctx = { peerLabel: this.peerLabel, action: `retrieve instance ${ref.sopInstanceUid} (C-GET)`, studyInstanceUid: ref.studyInstanceUid };
    const request = CGetRequest.createImageGetRequest(ref.studyInstanceUid, ref.seriesInstanceUid, ref.sopInstanceUid);
    let finalStatus: number | undefined;
    request.on('response', (res: { getStatus(): number }) => {
      if (res.getStatus() !== Status.Pending) finalStatus = res.getStatus();
    });
    const got: DimseDataset[] = [];
    await this.run([request], ctx, signal, (ds) => got.push(ds));
    const ds = got.find((d) => d.getElement('SOPInstanceUID') === ref.sopInstanceUid);
    if (ds === undefined) {
      throw pacsError(finalStatus === Status.Success ? 'PACS_BAD_RESPONSE' : 'PACS_NOT_FOUND', ctx, `C-GET delivered no instance (final status 0x${(finalStatus ?? -1).toString(16)})`);
    }
    try {
      return datasetToPart10(ds);
    } catch (err) {
      throw pacsError('PACS_INSTANCE_INVALID', ctx, `the received data set cannot be written as DICOM (${err instanceof Error ? err.message : String(err)})`, err);
    }
  }

  async storeInstance(part10: Uint8Array, ref: InstanceRef, signal?: AbortSignal): Promise<void> {
    const ctx = { peerLabel: this.peerLabel, action: `store instance ${ref.sopInstanceUid} (C-STORE)`, studyInstanceUid: ref.studyInstanceUid };
    const request = new CStoreRequest(part10ToDataset(part10));
    let status: number | undefined;
    let comment = '';
    request.on('response', (res: { getStatus(): number; getErrorComment(): string }) => {
      status = res.getStatus();
      comment = res.getErrorComment() ?? '';
    });
    await this.run([request], ctx, signal);
    if (status !== Status.Success) throw pacsError('PACS_STORE_FAILED', ctx, `C-STORE status 0x${(status ?? -1).toString(16)}${comment ? ` (${comment})` : ''}`);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
