import { RE2JS, RE2JSException, RE2Set } from 're2js';

/**
 * Regular expressions written by administrators are untrusted input. They run on RE2JS, a
 * pure-JavaScript port of RE2: matching is an automaton simulation whose cost grows linearly with
 * the input, so no pattern (`(a+)+$`, `(x|x)*y`...) can backtrack catastrophically and stall a
 * service. RE2 refuses what it cannot run in linear time (backreferences, lookarounds), and we also
 * bound the pattern length and the compiled program size, so one match costs at most
 * program size × input length steps (≤ 2,000 × 64).
 */
export const MAX_PATTERN_LENGTH = 256;
export const MAX_PROGRAM_SIZE = 2_000;

/** An anchored match: the matched prefix's end and the capture groups (undefined when unset). */
export interface PrefixMatch {
  end: number;
  groups: (string | undefined)[];
  named: Record<string, string | undefined>;
}

export class SafeRegex {
  private constructor(
    private readonly re: RE2JS,
    /** Number of capture groups, group 0 excluded. */
    readonly groupCount: number,
    readonly groupNames: readonly string[],
  ) {}

  /**
   * Compiles `source` with RE2 semantics (leftmost-first, like .NET and JavaScript), or says why
   * it cannot: syntax errors come with RE2's description, e.g. "missing closing )".
   */
  static compile(source: string): { ok: true; regex: SafeRegex } | { ok: false; reason: string } {
    if (source.length > MAX_PATTERN_LENGTH) {
      return { ok: false, reason: `the expression is ${source.length} characters long; the limit is ${MAX_PATTERN_LENGTH}` };
    }
    let re: RE2JS;
    try {
      re = RE2JS.compile(source);
    } catch (e: unknown) {
      if (e instanceof RE2JSException) return { ok: false, reason: describe(e) };
      throw e;
    }
    if (re.programSize() > MAX_PROGRAM_SIZE) {
      return {
        ok: false,
        reason: `the expression is too complex (${re.programSize()} instructions, limit ${MAX_PROGRAM_SIZE}): reduce repeat counts such as {100}`,
      };
    }
    return { ok: true, regex: new SafeRegex(re, re.groupCount(), Object.keys(re.namedGroups())) };
  }

  /** Matches at the start of `input` only (the guide: patterns are searched at the beginning). */
  matchPrefix(input: string): PrefixMatch | undefined {
    const m = this.re.matcher(input);
    if (!m.lookingAt()) return undefined;
    const groups: (string | undefined)[] = [];
    for (let i = 0; i <= this.groupCount; i++) groups.push(m.group(i) ?? undefined);
    const named: Record<string, string | undefined> = {};
    for (const name of this.groupNames) named[name] = m.group(name) ?? undefined;
    return { end: m.end(), groups, named };
  }
}

/**
 * Several expressions run together in one pass of RE2's automaton: tells which of them match at
 * the start of the input, so a plan with many regular-expression rules runs the (slower)
 * capturing matcher only on the rules that apply. The DFA cache is capped; past the cap RE2JS
 * falls back to its linear-time NFA.
 */
export class SafeRegexSet {
  private constructor(private readonly set: RE2Set) {}

  /** Undefined when the sources cannot be combined; callers then match rule by rule. */
  static build(sources: readonly string[]): SafeRegexSet | undefined {
    if (sources.length === 0) return undefined;
    try {
      const set = new RE2Set(RE2Set.ANCHOR_START, 0, 1 << 20);
      for (const source of sources) set.add(source);
      set.compile();
      return new SafeRegexSet(set);
    } catch (e: unknown) {
      if (e instanceof RE2JSException) return undefined;
      throw e;
    }
  }

  /** For each source, in the order given, whether it matches at the start of `input`. */
  matchPrefixes(input: string): boolean[] {
    const hits = new Array<boolean>(this.set.regexps.length).fill(false);
    for (const i of this.set.match(input)) hits[i] = true;
    return hits;
  }
}

/** Quotes a literal so that it matches itself inside an RE2 expression. */
export function quoteRegex(literal: string): string {
  return literal === '' ? '' : RE2JS.quote(literal);
}

function describe(e: RE2JSException): string {
  // RE2JS messages read "error parsing regexp: missing closing ): `(a`".
  const message = e.message.replace(/^error parsing regexp:\s*/, '');
  if (/`\(\?<?[=!]/.test(message)) {
    return `${message} (lookahead and lookbehind are not supported: they cannot run in linear time)`;
  }
  if (/invalid escape sequence: `\\[1-9]/.test(message)) {
    return `${message} (backreferences are not supported: they cannot run in linear time)`;
  }
  return message;
}
