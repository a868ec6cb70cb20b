import { createHash } from 'node:crypto';
import { RE2JS, RE2JSException } from 're2js';

/**
 * One mapped field as the administrator writes it in the Fields tab (guide 8.1 "Adding options"):
 * the source field name, then optionally `|` and options separated by `,`:
 *
 *   sn|u                               upper case
 *   telephonenumber|p : 9{0} : ^[0-9]{4}$   prefix 9 to 4-digit numbers
 *   surname|h,u,p : 9{0} : ^[0-9]{4}$   several options, applied in the order written
 *
 * Parsed once, when the directory is saved; a field that does not parse is refused with the reason.
 */
export interface FieldSpec {
  /** As written, for display. */
  text: string;
  /** Source field (LDAP attribute, column...), lower case: the guide requires lower-case LDAP names. */
  source: string;
  /** h, l, m, u, p in the order written. */
  transforms: readonly FieldTransform[];
  /** Option i: not shown in the Caller's contact card, still given to the Alerter. */
  invisible: boolean;
  /** Option a: an address; users get a link to the mapping website (`MapServiceURL`). */
  address: boolean;
}

export type FieldTransform =
  | { kind: 'hash' }
  | { kind: 'lower' }
  | { kind: 'capitalize' }
  | { kind: 'upper' }
  | { kind: 'pattern'; format: string; condition?: RE2JS; conditionSource?: string };

export type FieldSpecResult = { ok: true; spec: FieldSpec | null } | { ok: false; reason: string };

export const MAX_FIELD_SPEC_LENGTH = 512;
export const MAX_CONDITION_LENGTH = 256;
const MAX_PROGRAM_SIZE = 2_000;
const OPTIONS_HELP = 'the options are a, h, i, l, m, u and p : value{0} : regexp, several joined by ","';

/**
 * A comma separates two options only when an option follows it, so that commas inside a `p`
 * option's format or regular expression (`^[0-9]{1,4}$`) stay where they are.
 */
const OPTION_SEPARATOR = /,(?=\s*(?:[ahilmu]\s*(?:,|$)|p\s*:|,|$))/i;

/** A source name: no control characters, no `|`, not only spaces. */
const SOURCE_NAME = /^[^\u0000-\u001f|]+$/;

/** Parses one field of the mapping; an empty text means "not mapped" (spec null). */
export function parseFieldSpec(text: string): FieldSpecResult {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, spec: null };
  if (trimmed.length > MAX_FIELD_SPEC_LENGTH) return { ok: false, reason: `at most ${MAX_FIELD_SPEC_LENGTH} characters` };
  const bar = trimmed.indexOf('|');
  const source = (bar < 0 ? trimmed : trimmed.slice(0, bar)).trim();
  if (source === '') return { ok: false, reason: 'the field name is missing before "|"' };
  if (!SOURCE_NAME.test(source) || source.length > 128) return { ok: false, reason: `"${source}" is not a field name (at most 128 characters, no control characters)` };
  const spec: FieldSpec = { text: trimmed, source: source.toLowerCase(), transforms: [], invisible: false, address: false };
  if (bar < 0) return { ok: true, spec };

  const optionsText = trimmed.slice(bar + 1);
  if (optionsText.trim() === '') return { ok: false, reason: `no option after "|": ${OPTIONS_HELP}` };
  const transforms: FieldTransform[] = [];
  for (const raw of optionsText.split(OPTION_SEPARATOR)) {
    const option = raw.trim();
    const letter = option.charAt(0).toLowerCase();
    if (option.length === 1 && 'ahilmu'.includes(letter)) {
      if (letter === 'a') spec.address = true;
      else if (letter === 'i') spec.invisible = true;
      else transforms.push({ kind: letter === 'h' ? 'hash' : letter === 'l' ? 'lower' : letter === 'm' ? 'capitalize' : 'upper' });
      continue;
    }
    if (letter === 'p' && /^p\s*:/i.test(option)) {
      const parsed = parsePattern(option.slice(option.indexOf(':') + 1));
      if (!parsed.ok) return parsed;
      transforms.push(parsed.transform);
      continue;
    }
    return { ok: false, reason: option === '' ? `an option is empty (two commas in a row?): ${OPTIONS_HELP}` : `unknown option "${option}": ${OPTIONS_HELP}` };
  }
  return { ok: true, spec: { ...spec, transforms } };
}

/** `value{0} : regexp` after `p :`. The format ends at the first ":"; the rest is the expression. */
function parsePattern(body: string): { ok: true; transform: FieldTransform } | { ok: false; reason: string } {
  const colon = body.indexOf(':');
  const format = (colon < 0 ? body : body.slice(0, colon)).trim();
  const conditionSource = colon < 0 ? '' : body.slice(colon + 1).trim();
  if (format === '') return { ok: false, reason: 'option p needs a format: p : value{0} : regexp (e.g. p : 9{0} : ^[0-9]{4}$)' };
  if (!format.includes('{0}')) return { ok: false, reason: `the format "${format}" of option p must contain {0}, the synchronized value (e.g. 9{0})` };
  if (conditionSource === '') return { ok: true, transform: { kind: 'pattern', format } };
  if (conditionSource.length > MAX_CONDITION_LENGTH) return { ok: false, reason: `the regular expression of option p is longer than ${MAX_CONDITION_LENGTH} characters` };
  let condition: RE2JS;
  try {
    condition = RE2JS.compile(conditionSource);
  } catch (e) {
    if (e instanceof RE2JSException) {
      return { ok: false, reason: `the regular expression "${conditionSource}" of option p is invalid: ${e.message} (backreferences and lookarounds are not supported)` };
    }
    throw e;
  }
  if (condition.programSize() > MAX_PROGRAM_SIZE) return { ok: false, reason: `the regular expression "${conditionSource}" of option p is too complex: reduce repeat counts` };
  return { ok: true, transform: { kind: 'pattern', format, condition, conditionSource } };
}

/** The value after the field's transformations, in the order written. Empty values stay empty. */
export function applyTransforms(spec: FieldSpec, value: string): string {
  let v = value;
  if (v === '') return v;
  for (const t of spec.transforms) {
    switch (t.kind) {
      case 'hash':
        v = createHash('sha256').update(v, 'utf8').digest('hex');
        break;
      case 'lower':
        v = v.toLowerCase();
        break;
      case 'upper':
        v = v.toUpperCase();
        break;
      case 'capitalize':
        v = v.charAt(0).toUpperCase() + v.slice(1).toLowerCase();
        break;
      case 'pattern':
        // Linear-time matching (RE2): an administrator's expression cannot stall a synchronization.
        if (!t.condition || t.condition.matcher(v).find()) v = t.format.split('{0}').join(v);
        break;
    }
  }
  return v;
}
