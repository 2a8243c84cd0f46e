/**
 * The trial charter: the file a study administrator creates a trial from. JSON:
 * ```json
 * { "trialId": "STROKE-CL-01", "title": "...", "readers": ["ana", "ben"], "adjudicators": ["cho"],
 *   "adjudicationRule": "volume differs by more than 5 mL or 20 %",
 *   "signatureMeanings": { "read": "Initial read per protocol", "adjudication": "Adjudication read",
 *                          "reopen": "Corrected read per protocol" },
 *   "caseOrderSeed": 2024 }
 * ```
 * `adjudicationRule` may also be `{ "absoluteMl": 5, "relativePercent": 20 }`. Each study is read by
 * two readers of `readers`; `caseOrderSeed` (optional, default 0) seeds each reader's case order.
 * Every problem is reported naming the file and the field.
 */
import { SdpmError } from '../errors';
import { checkRule, parseAdjudicationPhrase, type AdjudicationRule } from './adjudicationRule';

export interface SignatureMeanings {
  /** Meaning of a reader's signature on a first read (21 CFR 11.50(a)(3)). */
  read: string;
  adjudication: string;
  /** Meaning of the signature on a read reopened and corrected after signing. */
  reopen: string;
}

export interface Charter {
  trialId: string;
  title: string;
  readers: string[];
  adjudicators: string[];
  adjudicationRule: AdjudicationRule;
  signatureMeanings: SignatureMeanings;
  caseOrderSeed: number;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const USER = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const FIELDS = ['trialId', 'title', 'readers', 'adjudicators', 'adjudicationRule', 'signatureMeanings', 'caseOrderSeed'];

function fail(source: string, message: string): never {
  throw new SdpmError('CHARTER_INVALID', `${source}: ${message}`, { path: source });
}

function text(o: Record<string, unknown>, key: string, source: string, max = 200): string {
  const v = o[key];
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) fail(source, `"${key}" must be a non-empty string of at most ${max} characters`);
  return v.trim();
}

function users(o: Record<string, unknown>, key: string, source: string, min: number): string[] {
  const v = o[key];
  if (!Array.isArray(v) || v.length < min) fail(source, `"${key}" must list at least ${min} user name(s)`);
  const out = v.map((u: unknown, i) => {
    if (typeof u !== 'string' || !USER.test(u)) fail(source, `"${key}[${i}]" must be a user name (lower-case letters, digits, . _ -)`);
    return u;
  });
  if (new Set(out).size !== out.length) fail(source, `"${key}" lists a user twice`);
  return out;
}

function rule(v: unknown, source: string): AdjudicationRule {
  if (typeof v === 'string') return parseAdjudicationPhrase(v, source);
  if (typeof v !== 'object' || v === null) return fail(source, '"adjudicationRule" must be a phrase or { absoluteMl, relativePercent }');
  const o = v as Record<string, unknown>;
  const num = (k: string): number | null => {
    const x = o[k];
    if (x === undefined || x === null) return null;
    if (typeof x !== 'number') fail(source, `"adjudicationRule.${k}" must be a number`);
    return x;
  };
  return checkRule({ absoluteMl: num('absoluteMl'), relativePercent: num('relativePercent') }, source);
}

function meanings(v: unknown, source: string): SignatureMeanings {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(source, '"signatureMeanings" must be an object { read, adjudication, reopen }');
  const o = v as Record<string, unknown>;
  return { read: text(o, 'read', `${source} signatureMeanings`), adjudication: text(o, 'adjudication', `${source} signatureMeanings`), reopen: text(o, 'reopen', `${source} signatureMeanings`) };
}

/** Validates a parsed charter (`source` names the file in every message). */
export function parseCharter(value: unknown, source: string): Charter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(source, 'a charter is a JSON object');
  const o = value as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!FIELDS.includes(k)) fail(source, `unknown field "${k}" (fields: ${FIELDS.join(', ')})`);
  const trialId = text(o, 'trialId', source, 64);
  if (!ID.test(trialId)) fail(source, `"trialId" must be letters, digits, . _ - (got "${trialId}")`);
  const readers = users(o, 'readers', source, 2);
  const adjudicators = users(o, 'adjudicators', source, 1);
  const both = readers.filter((r) => adjudicators.includes(r));
  if (both.length > 0) fail(source, `${both.join(', ')} cannot be both reader and adjudicator (independent reads)`);
  const seed = o.caseOrderSeed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0 || seed > 0xffffffff) fail(source, '"caseOrderSeed" must be an integer 0..4294967295');
  return {
    trialId,
    title: text(o, 'title', source),
    readers,
    adjudicators,
    adjudicationRule: rule(o.adjudicationRule, source),
    signatureMeanings: meanings(o.signatureMeanings, source),
    caseOrderSeed: seed,
  };
}

/** Parses charter file text (JSON). */
export function parseCharterText(textContent: string, source: string): Charter {
  let value: unknown;
  try {
    value = JSON.parse(textContent);
  } catch (err) {
    fail(source, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseCharter(value, source);
}
