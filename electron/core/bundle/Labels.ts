/** What the output channel means and the coded terms for DICOM SEG (`labels.json`, models/BUNDLE-FORMAT.md). */
import { JsonReader } from './JsonReader';

export interface CodedTerm {
  codeValue: string;
  codingSchemeDesignator: string;
  codeMeaning: string;
}
export interface OutputLabel {
  channel: number;
  labelValue: number;
  name: string;
  /** Other fields of the output entry (coded terms etc.), kept as parsed JSON for the SEG writer. */
  extra: Record<string, unknown>;
}
export interface LesionType {
  name: string;
  /** e.g. `meanHu >= 45` */
  rule: string;
  category: CodedTerm | null;
  type: CodedTerm | null;
  anatomicRegion: CodedTerm | null;
  recommendedDisplayRgb: readonly [number, number, number] | null;
}
export interface Labels {
  outputs: OutputLabel[];
  lesionTypes: LesionType[];
}

function coded(r: JsonReader): CodedTerm | null {
  if (r.value === undefined || r.value === null) return null;
  return { codeValue: r.field('codeValue').string(), codingSchemeDesignator: r.field('codingSchemeDesignator').string(), codeMeaning: r.field('codeMeaning').string() };
}

export function parseLabels(value: unknown, filePath = 'labels.json'): Labels {
  const r = new JsonReader('labels.json', value, '', filePath);
  r.formatVersion1();
  const outputs = r.field('outputs').items().map((o) => ({
    channel: o.field('channel').int(0),
    labelValue: o.field('labelValue').int(1, 65535),
    name: o.field('name').string(),
    extra: Object.fromEntries(o.keys().filter((k) => !['channel', 'labelValue', 'name'].includes(k)).map((k) => [k, o.field(k).value])),
  }));
  if (outputs.length === 0) r.field('outputs').fail('must list at least one output');
  const lesionTypes = (r.has('lesionTypes') ? r.field('lesionTypes').items() : []).map((t) => {
    const rgbR = t.field('recommendedDisplayRgb');
    let rgb: [number, number, number] | null = null;
    if (rgbR.value !== undefined) {
      const v = rgbR.items().map((c) => c.int(0, 255));
      if (v.length !== 3) rgbR.fail('must have 3 entries');
      rgb = [v[0] ?? 0, v[1] ?? 0, v[2] ?? 0];
    }
    return { name: t.field('name').string(), rule: t.field('rule').string(), category: coded(t.field('category')), type: coded(t.field('type')), anatomicRegion: coded(t.field('anatomicRegion')), recommendedDisplayRgb: rgb };
  });
  return { outputs, lesionTypes };
}
