/**
 * Bundle identity and description (`metadata.json`). Only the fields the engine relies on are checked
 * strictly (name, version); the rest (network config, training data, metrics, intended use) is kept as
 * parsed JSON for display and reports.
 */
import { JsonReader } from './JsonReader';

export interface Metadata {
  name: string;
  version: string;
  /** The whole parsed file, for display and reports. */
  raw: Record<string, unknown>;
}

export function parseMetadata(value: unknown, filePath = 'metadata.json'): Metadata {
  const r = new JsonReader('metadata.json', value, '', filePath);
  r.formatVersion1();
  const name = r.field('name').string();
  if (name.trim() === '') r.field('name').fail('must not be empty');
  const v = r.field('version');
  const version = typeof v.value === 'number' ? String(v.value) : v.string();
  return { name, version, raw: value as Record<string, unknown> };
}
