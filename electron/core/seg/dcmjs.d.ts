/**
 * The small part of dcmjs (no bundled types) that SEG encode/decode uses. Values are `unknown` at this
 * edge; readSeg.ts parses them.
 */
declare module 'dcmjs' {
  export interface DenaturalizedDataset {
    [tag: string]: { vr: string; Value?: unknown[] };
  }
  export class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: { allowInvalidVRLength?: boolean; fragmentMultiframe?: boolean }): ArrayBuffer;
  }
  export const data: {
    DicomDict: typeof DicomDict;
    DicomMessage: {
      readFile(buffer: ArrayBuffer, options?: { ignoreErrors?: boolean; untilTag?: string; includeUntilTagValue?: boolean; noCopy?: boolean }): DicomDict;
    };
    DicomMetaDictionary: {
      naturalizeDataset(dataset: DenaturalizedDataset): Record<string, unknown>;
      denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
      uid(): string;
    };
  };
  export const log: { getLogger(name: string): { setLevel(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent'): void } };
  const dcmjs: { data: typeof data; log: typeof log };
  export default dcmjs;
}
