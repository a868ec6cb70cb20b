import {
  EXTERNAL_PREFIX_TOKEN,
  LEADING_TOKEN,
  TOKEN_NAMES,
  substituteTokens,
  type DialingPlanError,
  type ResolvedDialingPlanSettings,
} from './dialing-plan-settings';
import { MAX_PATTERN_LENGTH, SafeRegex, quoteRegex } from './safe-regex';
import { removeSeparators } from './number-cleaning';

/**
 * A specific rule of the dialing plan, as the administrator enters it (guide 5, 5.3):
 * - `pattern` in square brackets, e.g. `[(\+|[-InternationalPrefix-])?([^(]+)\([^)]+\)]`, is a
 *   regular expression; otherwise it is plain text. Both are searched only at the beginning of
 *   the number, and the matched beginning is replaced by `value`.
 * - `[-InternationalPrefix-]`, `[-ExternalPrefix-]`, `[-LocalCountryPrefix-]` (and the other
 *   settings, see TOKEN_NAMES) are replaced by the settings in patterns and values.
 * - in the value of a regular-expression rule, `$n` / `${n}` / `${name}` insert a capture and
 *   `$$` a dollar sign.
 */
export interface DialingRule {
  /** Rules are tried from the lowest priority to the highest; the first that applies wins. */
  priority: number;
  name?: string;
  pattern: string;
  value: string;
}

/** The rule that applied, as `toDialable` reports it. */
export interface AppliedRule {
  priority: number;
  name: string;
  pattern: string;
  value: string;
}

export const MAX_VALUE_LENGTH = 256;

type ValuePart = { literal: string } | { group: number } | { named: string };

/** A rule ready to run: the pattern compiled, the tokens of the value already substituted. */
export interface CompiledRule {
  readonly source: AppliedRule;
  /** The value writes `[-ExternalPrefix-]` itself, so the engine must not add it again (5.2). */
  readonly placesExternalPrefix: boolean;
  /** The expression (settings put in) of a regular-expression rule, for the plan's RE2 set. */
  readonly regexSource?: string;
  /** The number with the matched beginning replaced, or undefined when the rule does not apply. */
  apply(number: string): string | undefined;
}

/** Plain-text characters that can still be in a number when rules are tried (see cleanForRules). */
const PLAIN_PATTERN_CHARS = /^[0-9+#*()]+$/;

/** Compiles one rule, or lists everything wrong with it (several problems are reported at once). */
export function compileRule(
  rule: DialingRule,
  index: number,
  settings: ResolvedDialingPlanSettings,
): { ok: true; rule: CompiledRule } | { ok: false; errors: DialingPlanError[] } {
  const name = typeof rule.name === 'string' ? rule.name : '';
  const ref = { index, priority: rule.priority, name };
  const errors: DialingPlanError[] = [];
  const fail = (field: string, message: string) =>
    errors.push({ path: `rules[${index}].${field}`, rule: ref, message: `${label(ref)}: ${message}` });

  if (typeof rule.priority !== 'number' || !Number.isSafeInteger(rule.priority)) {
    fail('priority', `priority ${String(rule.priority)} must be a whole number`);
  }
  if (typeof rule.pattern !== 'string' || rule.pattern.trim() === '') {
    fail('pattern', 'the pattern is empty: it would apply to every number');
    return { ok: false, errors };
  }
  if (typeof rule.value !== 'string') {
    fail('value', 'the value is missing: give the replacement text (it may be empty)');
    return { ok: false, errors };
  }
  if (rule.pattern.length > MAX_PATTERN_LENGTH) {
    fail('pattern', `the pattern is ${rule.pattern.length} characters long; the limit is ${MAX_PATTERN_LENGTH}`);
  }
  if (rule.value.length > MAX_VALUE_LENGTH) {
    fail('value', `the value is ${rule.value.length} characters long; the limit is ${MAX_VALUE_LENGTH}`);
  }
  if (errors.length) return { ok: false, errors };

  const source: AppliedRule = Object.freeze({ priority: rule.priority, name, pattern: rule.pattern, value: rule.value });
  const placesExternalPrefix = EXTERNAL_PREFIX_TOKEN.test(rule.value);
  const value = substituteTokens(rule.value, settings);
  for (const token of value.unknown) fail('value', unknownToken(token));

  if (isRegexPattern(rule.pattern)) {
    const body = substituteTokens(rule.pattern.slice(1, -1), settings, quoteRegex);
    for (const token of body.unknown) fail('pattern', unknownToken(token));
    if (body.unknown.length) return { ok: false, errors };
    const compiled = SafeRegex.compile(body.text);
    if (!compiled.ok) {
      fail('pattern', `the regular expression ${rule.pattern} is invalid: ${compiled.reason}`);
      return { ok: false, errors };
    }
    const regex = compiled.regex;
    const parts = parseValue(value.text, regex, (m) => fail('value', m));
    if (errors.length) return { ok: false, errors };
    return {
      ok: true,
      rule: {
        source,
        placesExternalPrefix,
        regexSource: body.text,
        apply(number) {
          const m = regex.matchPrefix(number);
          if (!m) return undefined;
          let out = '';
          for (const p of parts) {
            if ('literal' in p) out += p.literal;
            else if ('group' in p) out += m.groups[p.group] ?? '';
            else out += m.named[p.named] ?? '';
          }
          return out + number.slice(m.end);
        },
      },
    };
  }

  const pattern = substituteTokens(rule.pattern, settings);
  for (const token of pattern.unknown) fail('pattern', unknownToken(token));
  const literal = removeSeparators(pattern.text);
  if (!pattern.unknown.length && literal === '') {
    fail('pattern', `the pattern "${rule.pattern}" is empty with the current settings: it would apply to every number`);
  } else if (!pattern.unknown.length && !PLAIN_PATTERN_CHARS.test(literal)) {
    fail(
      'pattern',
      `the pattern "${rule.pattern}" can never match: before the rules, a number keeps only digits and + # * ( ); ` +
        'to write a regular expression, put it in square brackets',
    );
  }
  if (/\$\{?[0-9]/.test(value.text)) {
    fail('value', `"${rule.value}" refers to a capture ($n), which only a regular-expression rule (pattern in square brackets) has`);
  }
  if (errors.length) return { ok: false, errors };
  const replacement = value.text;
  return {
    ok: true,
    rule: {
      source,
      placesExternalPrefix,
      apply: (number) => (number.startsWith(literal) ? replacement + number.slice(literal.length) : undefined),
    },
  };
}

/**
 * A pattern is a regular expression when square brackets enclose it (5.3). A pattern that starts
 * with a token, e.g. `[-InternationalPrefix-]` or `[-ExternalPrefix-][-InternationalPrefix-]`,
 * is plain text: a regular expression starting with a token is written `[[-Token-]...]`.
 */
export function isRegexPattern(pattern: string): boolean {
  return pattern.length >= 2 && pattern.startsWith('[') && pattern.endsWith(']') && !LEADING_TOKEN.test(pattern);
}

export function label(rule: { priority: number; name: string }): string {
  return `rule ${String(rule.priority)}${rule.name ? ` "${rule.name}"` : ''}`;
}

function unknownToken(token: string): string {
  return `unknown token ${token}; use one of ${TOKEN_NAMES.map((n) => `[-${n}-]`).join(', ')}`;
}

/**
 * Splits a regular-expression rule's value into literals and captures, .NET style: `$n` takes the
 * longest run of digits that names an existing group, `${n}` and `${name}` are explicit, `$$` is a
 * dollar sign, any other `$` is literal. A capture the expression does not have is an error.
 */
function parseValue(value: string, regex: SafeRegex, fail: (message: string) => void): ValuePart[] {
  const parts: ValuePart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push({ literal });
    literal = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c !== '$' || i + 1 >= value.length) {
      literal += c;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      literal += '$';
      i++;
    } else if (next === '{') {
      const close = value.indexOf('}', i + 2);
      const ref = close < 0 ? '' : value.slice(i + 2, close);
      if (/^[0-9]+$/.test(ref)) {
        const group = Number(ref);
        if (group > regex.groupCount) fail(missingGroup(`\${${ref}}`, regex.groupCount));
        flush();
        parts.push({ group });
        i = close;
      } else if (ref && regex.groupNames.includes(ref)) {
        flush();
        parts.push({ named: ref });
        i = close;
      } else {
        fail(`"${value}" refers to \${${ref}}, which the expression does not define`);
        i = close < 0 ? value.length : close;
      }
    } else if (/[0-9]/.test(next)) {
      let end = i + 1;
      while (end < value.length && /[0-9]/.test(value[end])) end++;
      // Longest digit run that is an existing group; "$12" with 2 groups is $1 then "2".
      let digits = value.slice(i + 1, end);
      while (digits.length > 1 && Number(digits) > regex.groupCount) digits = digits.slice(0, -1);
      const group = Number(digits);
      if (group > regex.groupCount) fail(missingGroup(`$${digits}`, regex.groupCount));
      flush();
      parts.push({ group });
      i += digits.length;
    } else {
      literal += c;
    }
  }
  flush();
  return parts;
}

function missingGroup(ref: string, count: number): string {
  return `the value uses ${ref} but the expression has ${count === 0 ? 'no capture group' : `only ${count} capture group${count > 1 ? 's' : ''}`}`;
}
