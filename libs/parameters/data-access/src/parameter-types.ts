import type { ParameterApplicationCode, ParameterScope, ParameterType, ParameterValue } from '@tws/contracts';

/** One parameter of the catalogue: what the guide says about it, as data. */
export interface ParameterDefinition {
  application: ParameterApplicationCode;
  /** Exactly as the guide spells it (typos included: the original product reads these names). */
  name: string;
  type: ParameterType;
  /** enum: the allowed values; list: the allowed items (any item when absent). */
  values?: readonly string[];
  /** integer bounds, inclusive. */
  min?: number;
  max?: number;
  /** string: a pattern the value must match (empty always allowed), with what to say otherwise. */
  pattern?: { regex: RegExp; hint: string };
  /** Factory default, typed; null for a secret nobody has set. */
  default: ParameterValue | null;
  description: string;
  /** Only listed in expert mode (guide 10.2). */
  expert: boolean;
  /** Scopes a value may be set at (system-wide settings: `default` only). */
  scopes: readonly ParameterScope[];
  /** Guide chapter that describes it. */
  guide: string;
  /** Other spellings accepted when looking a parameter up (the guide's typos, corrected). */
  aliases?: readonly string[];
}

export type ParseResult = { ok: true; text: string } | { ok: false; reason: string };

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0']);
const MAX_TEXT = 2000;

const fail = (reason: string): ParseResult => ({ ok: false, reason });

/**
 * Checks a value given by an administrator against the parameter's type and returns its
 * canonical text (what is stored; secrets are sealed by the caller). Booleans also accept the
 * guide's "Yes"/"No"; lists accept an array or the guide's "A|B" form.
 */
export function parseParameterValue(def: ParameterDefinition, input: unknown): ParseResult {
  switch (def.type) {
    case 'boolean': {
      if (typeof input === 'boolean') return { ok: true, text: String(input) };
      const s = typeof input === 'string' ? input.trim().toLowerCase() : undefined;
      if (s !== undefined && TRUE.has(s)) return { ok: true, text: 'true' };
      if (s !== undefined && FALSE.has(s)) return { ok: true, text: 'false' };
      return fail('must be true or false (Yes/No)');
    }
    case 'integer': {
      const n = typeof input === 'number' ? input : typeof input === 'string' && /^\s*-?\d{1,12}\s*$/.test(input) ? Number(input) : NaN;
      if (!Number.isSafeInteger(n)) return fail(`must be an integer${range(def)}`);
      if ((def.min !== undefined && n < def.min) || (def.max !== undefined && n > def.max)) return fail(`must be an integer${range(def)}`);
      return { ok: true, text: String(n) };
    }
    case 'enum': {
      if (typeof input !== 'string') return fail(`must be one of ${def.values!.join(', ')}`);
      const v = def.values!.find((x) => x.toLowerCase() === input.trim().toLowerCase());
      return v ? { ok: true, text: v } : fail(`must be one of ${def.values!.join(', ')}`);
    }
    case 'list': {
      const items = Array.isArray(input) ? input : typeof input === 'string' ? input.split('|') : undefined;
      if (!items || !items.every((i) => typeof i === 'string')) return fail('must be a list of values (an array, or values separated by "|")');
      const out: string[] = [];
      for (const raw of items.map((i: string) => i.trim())) {
        if (!raw) return fail('must not contain an empty value');
        const v = def.values ? def.values.find((x) => x.toLowerCase() === raw.toLowerCase()) : raw.includes('|') ? undefined : raw;
        if (!v) return fail(def.values ? `"${raw}" is not one of ${def.values.join(', ')}` : `"${raw}" must not contain "|"`);
        if (!out.includes(v)) out.push(v);
      }
      if (out.length === 0) return fail('must contain at least one value');
      return { ok: true, text: out.join('|') };
    }
    case 'time': {
      const s = typeof input === 'string' ? input.trim() : '';
      return TIME.test(s) ? { ok: true, text: s } : fail('must be a time of day in HH:MM format (00:00 to 23:59)');
    }
    case 'url': {
      if (typeof input !== 'string') return fail('must be a URL (http or https) or empty');
      const s = input.trim();
      if (s === '') return { ok: true, text: '' };
      if (s.length > MAX_TEXT) return fail(`must be at most ${MAX_TEXT} characters`);
      try {
        const u = new URL(s);
        if (u.protocol !== 'http:' && u.protocol !== 'https:') return fail('must be an http or https URL');
      } catch {
        return fail('must be a URL (http or https) or empty');
      }
      return { ok: true, text: s };
    }
    case 'secret': {
      if (typeof input !== 'string' || input.length === 0) return fail('must be a non-empty text (delete the value to unset it)');
      if (input.length > 500) return fail('must be at most 500 characters');
      return { ok: true, text: input };
    }
    case 'string': {
      if (typeof input !== 'string') return fail('must be a text');
      const s = input.trim();
      if (s.length > MAX_TEXT) return fail(`must be at most ${MAX_TEXT} characters`);
      if (s !== '' && def.pattern && !def.pattern.regex.test(s)) return fail(`must be ${def.pattern.hint}`);
      return { ok: true, text: s };
    }
  }
}

function range(def: ParameterDefinition): string {
  if (def.min !== undefined && def.max !== undefined) return ` between ${def.min} and ${def.max}`;
  if (def.min !== undefined) return ` of at least ${def.min}`;
  if (def.max !== undefined) return ` of at most ${def.max}`;
  return '';
}

/** The typed value of a stored canonical text (never called with a sealed secret). */
export function decodeParameterValue(def: ParameterDefinition, text: string): ParameterValue {
  switch (def.type) {
    case 'boolean':
      return text === 'true';
    case 'integer':
      return Number(text);
    case 'list':
      return text === '' ? [] : text.split('|');
    default:
      return text;
  }
}

/** Canonical text of the factory default (null: no default, e.g. an unset secret). */
export function defaultText(def: ParameterDefinition): string | null {
  if (def.default === null) return null;
  const r = parseParameterValue(def, def.default);
  if (!r.ok) throw new Error(`catalogue: default of ${def.name} is invalid: ${r.reason}`);
  return r.text;
}
