/**
 * The global settings of a dialing plan: the left part of Telephony / Dialing plan
 * (administration guide, chapter 5).
 */
export interface DialingPlanSettings {
  /** Prefix used for international calls, e.g. "00". */
  internationalPrefix: string;
  /** Country code of the installation, e.g. "33" for France. */
  localCountryPrefix: string;
  /** Prefix that gives access to the public network, e.g. "0" (may be empty on a direct trunk). */
  externalPrefix: string;
  /** Characters added in front of numbers received from the PBX (after `remove`). Default "". */
  add?: string;
  /** Characters removed from the front of numbers received from the PBX. Default "". */
  remove?: string;
  /** Maximum length of an internal number: longer numbers are external. */
  internalLength: number;
  /**
   * Length up to which a number received from the PBX is an internal number (reverse lookup of
   * incoming calls). Default: `internalLength`.
   */
  internalReverseLength?: number;
  /**
   * Not in the guide: the national (trunk) prefix dialed before a national number, "0" in France,
   * the UK and Germany, "" in countries that have none (Italy, Spain, Denmark...). The guide's
   * standard rules hard-code "0" (`+33(0)`, `+330`); making it a setting keeps those rules and the
   * canonical form right elsewhere. Default "0".
   */
  nationalPrefix?: string;
}

/** Settings with every default applied and every value checked. */
export type ResolvedDialingPlanSettings = Required<DialingPlanSettings>;

/** One reason why settings or a rule cannot be saved. */
export interface DialingPlanError {
  /** Where the problem is, e.g. "settings.externalPrefix" or "rules[3].pattern". */
  path: string;
  /** The rule concerned, when the problem is in a rule (index in the list given to compile). */
  rule?: { index: number; priority: number; name: string };
  /** What is wrong and what to do, in words an administrator understands. */
  message: string;
}

const PREFIX_PATTERN = /^[0-9]{0,16}$/;
const ADD_REMOVE_PATTERN = /^[0-9+#*]{0,16}$/;
const MAX_LENGTH_SETTING = 32;

/** Checks the settings and applies the defaults; errors name the setting and the fix. */
export function resolveSettings(
  settings: DialingPlanSettings,
): { ok: true; settings: ResolvedDialingPlanSettings } | { ok: false; errors: DialingPlanError[] } {
  const errors: DialingPlanError[] = [];
  const text = (key: keyof DialingPlanSettings, value: unknown, pattern: RegExp, what: string, fallback = ''): string => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !pattern.test(value)) {
      errors.push({ path: `settings.${key}`, message: `${key} "${String(value)}" is invalid: ${what}` });
      return fallback;
    }
    return value;
  };
  const length = (key: keyof DialingPlanSettings, value: unknown, fallback: number): number => {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LENGTH_SETTING) {
      errors.push({
        path: `settings.${key}`,
        message: `${key} ${String(value)} is invalid: give a whole number of digits from 0 to ${MAX_LENGTH_SETTING}`,
      });
      return fallback;
    }
    return value;
  };

  const internalLength = length('internalLength', settings.internalLength, 0);
  if (settings.internalLength === undefined || settings.internalLength === null) {
    errors.push({ path: 'settings.internalLength', message: 'internalLength is required: the maximum length of an internal number, e.g. 4' });
  }
  const resolved: ResolvedDialingPlanSettings = {
    internationalPrefix: text('internationalPrefix', settings.internationalPrefix, PREFIX_PATTERN, 'use up to 16 digits, e.g. "00"'),
    localCountryPrefix: text('localCountryPrefix', settings.localCountryPrefix, /^[0-9]{0,3}$/, 'use the 1 to 3 digit country code, e.g. "33"'),
    externalPrefix: text('externalPrefix', settings.externalPrefix, PREFIX_PATTERN, 'use up to 16 digits, e.g. "0", or leave it empty'),
    add: text('add', settings.add, ADD_REMOVE_PATTERN, 'use up to 16 characters among digits, + # *'),
    remove: text('remove', settings.remove, ADD_REMOVE_PATTERN, 'use up to 16 characters among digits, + # *'),
    internalLength,
    internalReverseLength: length('internalReverseLength', settings.internalReverseLength, internalLength),
    nationalPrefix: text('nationalPrefix', settings.nationalPrefix, /^[0-9]{0,4}$/, 'use up to 4 digits, e.g. "0", or "" when the country has none', '0'),
  };
  return errors.length ? { ok: false, errors } : { ok: true, settings: resolved };
}

/**
 * The tokens rules may use, `[-Name-]`, each standing for a setting (case-insensitive names).
 * `quote` says whether the value is a string to match literally inside a regular expression
 * (prefixes) or a number to splice in as is (lengths, e.g. `\d{[-InternalLength-]}`).
 */
const TOKENS: Record<string, { key: keyof ResolvedDialingPlanSettings; quote: boolean }> = {
  internationalprefix: { key: 'internationalPrefix', quote: true },
  externalprefix: { key: 'externalPrefix', quote: true },
  localcountryprefix: { key: 'localCountryPrefix', quote: true },
  nationalprefix: { key: 'nationalPrefix', quote: true },
  add: { key: 'add', quote: true },
  remove: { key: 'remove', quote: true },
  internallength: { key: 'internalLength', quote: false },
  internalreverselength: { key: 'internalReverseLength', quote: false },
};

export const TOKEN_NAMES = [
  'InternationalPrefix',
  'ExternalPrefix',
  'LocalCountryPrefix',
  'NationalPrefix',
  'Add',
  'Remove',
  'InternalLength',
  'InternalReverseLength',
] as const;

const TOKEN = /\[-([A-Za-z]+)-\]/g;
export const LEADING_TOKEN = /^\[-[A-Za-z]+-\]/;
export const EXTERNAL_PREFIX_TOKEN = /\[-ExternalPrefix-\]/i;

/**
 * Replaces every `[-Name-]` token by its setting. `quote` escapes string settings for a regular
 * expression. Unknown tokens are reported, not left in place, so a typo never reaches a number.
 */
export function substituteTokens(
  text: string,
  settings: ResolvedDialingPlanSettings,
  quote: (literal: string) => string = (s) => s,
): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const out = text.replace(TOKEN, (whole, name: string) => {
    const token = TOKENS[name.toLowerCase()];
    if (!token) {
      unknown.push(whole);
      return whole;
    }
    const value = String(settings[token.key]);
    return token.quote ? quote(value) : value;
  });
  return { text: out, unknown };
}
