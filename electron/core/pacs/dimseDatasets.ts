/**
 * The dcmjs-dimse (0.3.3) details the DIMSE transport needs, in one place:
 * - its console logging off (it logs every PDU);
 * - C-GET associations that can receive SEG, SR and encapsulated PDF (its storage list predates them);
 * - data sets kept as the archive sent them: dcmjs-dimse hands over parsed (naturalized) data sets, and
 *   re-encoding them through dcmjs drops private elements and truncates over-long values (29 GE private
 *   tags of the GE head were lost). The raw data set bytes of every received C-STORE are kept beside the
 *   parsed one and written out as they came; a data set made from a Part-10 file for C-STORE sends its
 *   original bytes when the negotiated transfer syntax is the file's own.
 * These are prototype patches of dcmjs-dimse internals (Association, the network layer, Dataset),
 * applied once at import; the integration tests against Orthanc check their effect.
 */
import dimse from 'dcmjs-dimse';
import dcmjs from 'dcmjs';
import { datasetOffset } from './compareDicom';

const { Dataset } = dimse;
const { CGetRequest } = dimse.requests;
export type DimseDataset = InstanceType<typeof Dataset>;

export const IMPLICIT_LE = '1.2.840.10008.1.2';
export const EXPLICIT_LE = '1.2.840.10008.1.2.1';

dimse.log.setLevel('silent');
(dcmjs.log as unknown as { setLevel(level: string): void }).setLevel('error');

/** Storage SOP classes added to every C-GET association with the SCP role: SEG (binary, labelmap), PDF, SR. */
const EXTRA_CGET_STORAGE = ['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7', '1.2.840.10008.5.1.4.1.1.104.1', '1.2.840.10008.5.1.4.1.1.88.11', '1.2.840.10008.5.1.4.1.1.88.22', '1.2.840.10008.5.1.4.1.1.88.33'];

interface AssociationInternals {
  addPresentationContextFromRequest(request: unknown, ts?: unknown): number;
  addOrGetPresentationContext(uid: string): number;
  addTransferSyntaxToPresentationContext(id: number, ts: string): void;
  getPresentationContext(id: number): { setProviderRole(v: boolean): void };
}

function addCGetStorageClasses(): void {
  const proto = dimse.association.Association.prototype as unknown as AssociationInternals & { __sdpmCGet?: boolean };
  if (proto.__sdpmCGet === true) return;
  const original = proto.addPresentationContextFromRequest;
  proto.addPresentationContextFromRequest = function patched(this: AssociationInternals, request: unknown, ts?: unknown): number {
    const id = original.call(this, request, ts);
    if (request instanceof CGetRequest) {
      for (const uid of EXTRA_CGET_STORAGE) {
        const pc = this.addOrGetPresentationContext(uid);
        this.getPresentationContext(pc).setProviderRole(true);
        this.addTransferSyntaxToPresentationContext(pc, EXPLICIT_LE); // first: archives tend to accept the first
        this.addTransferSyntaxToPresentationContext(pc, IMPLICIT_LE);
      }
    }
    return id;
  };
  proto.__sdpmCGet = true;
}
addCGetStorageClasses();

/** The data set bytes as they crossed the wire (received) or as they were in the file (to send). */
const rawBytes = new WeakMap<object, { bytes: Uint8Array; transferSyntaxUid: string }>();

interface NetworkInternals {
  createDatasetFromStoreWritableStream(writable: { toBuffer?: () => Buffer }, pc: { getAcceptedTransferSyntaxUid(): string }, callback: (ds: DimseDataset) => void): void;
  __sdpmRaw?: boolean;
}

function keepRawDatasets(): void {
  const network = Object.getPrototypeOf(dimse.Scp.prototype) as NetworkInternals;
  if (network.__sdpmRaw === true) return;
  const originalReceive = network.createDatasetFromStoreWritableStream;
  network.createDatasetFromStoreWritableStream = function patched(this: unknown, writable, pc, callback) {
    originalReceive.call(this, writable, pc, (ds) => {
      if (typeof writable.toBuffer === 'function') rawBytes.set(ds, { bytes: new Uint8Array(writable.toBuffer()), transferSyntaxUid: pc.getAcceptedTransferSyntaxUid() });
      callback(ds);
    });
  };
  const datasetProto = Dataset.prototype as unknown as { getDenaturalizedDataset(...args: unknown[]): Buffer };
  const originalEncode = datasetProto.getDenaturalizedDataset;
  datasetProto.getDenaturalizedDataset = function patched(this: DimseDataset, ...args: unknown[]): Buffer {
    const raw = rawBytes.get(this);
    if (raw !== undefined && raw.transferSyntaxUid === this.getTransferSyntaxUid()) return Buffer.from(raw.bytes);
    return originalEncode.apply(this, args);
  };
  network.__sdpmRaw = true;
}
keepRawDatasets();

function metaElements(sopClassUid: unknown, sopInstanceUid: unknown, transferSyntaxUid: string): ReturnType<typeof dcmjs.data.DicomMetaDictionary.denaturalizeDataset> {
  return dcmjs.data.DicomMetaDictionary.denaturalizeDataset({
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: transferSyntaxUid,
    ImplementationClassUID: '1.2.826.0.1.3680043.10.1425.1',
    ImplementationVersionName: 'SDPM_PACS',
  });
}

/**
 * A received data set as a Part-10 file: its bytes as they came (any transfer syntax), under a new file
 * meta header. Without raw bytes (not received over the network), re-encoded with dcmjs (implicit VR
 * becomes explicit VR little endian).
 */
export function datasetToPart10(ds: DimseDataset): Uint8Array {
  const { DicomDict, DicomMetaDictionary } = dcmjs.data;
  const elements = ds.getElements();
  const raw = rawBytes.get(ds);
  const ts = raw?.transferSyntaxUid ?? (ds.getTransferSyntaxUid() === IMPLICIT_LE ? EXPLICIT_LE : ds.getTransferSyntaxUid());
  const dict = new DicomDict(metaElements(elements.SOPClassUID, elements.SOPInstanceUID, ts));
  if (raw === undefined) {
    dict.dict = DicomMetaDictionary.denaturalizeDataset(elements);
    return new Uint8Array(dict.write({ allowInvalidVRLength: true }));
  }
  dict.dict = {};
  const head = new Uint8Array(dict.write());
  const out = new Uint8Array(head.length + raw.bytes.length);
  out.set(head, 0);
  out.set(raw.bytes, head.length);
  return out;
}

/** A Part-10 file as a data set for C-STORE; it sends the file's own data set bytes where it can. */
export function part10ToDataset(bytes: Uint8Array): DimseDataset {
  const dict = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  const tsValue = dict.meta['00020010']?.Value?.[0];
  const ts = typeof tsValue === 'string' ? tsValue : EXPLICIT_LE;
  const ds = new Dataset(dcmjs.data.DicomMetaDictionary.naturalizeDataset(dict.dict), ts);
  rawBytes.set(ds, { bytes: bytes.slice(datasetOffset(bytes)), transferSyntaxUid: ts });
  return ds;
}
