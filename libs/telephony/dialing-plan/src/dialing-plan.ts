import { canonicalNumber, type NumberOrigin } from './canonical-number';
import { resolveSettings, type DialingPlanError, type DialingPlanSettings, type ResolvedDialingPlanSettings } from './dialing-plan-settings';
import { compileRule, label, type AppliedRule, type CompiledRule, type DialingRule } from './dialing-rule';
import { InvalidPhoneNumberError, checkRawNumber, cleanForRules, finishDialable } from './number-cleaning';
import { SafeRegexSet } from './safe-regex';

/** One step of a transformation, for the "test these rules" screen and for logs. */
export interface DialingStep {
  action: 'clean' | 'rule' | 'no-rule' | 'external-prefix' | 'finish';
  before: string;
  after: string;
  /** What happened and why, e.g. `rule 12 "National number +33" applies: pattern "+33", value "[-ExternalPrefix-]0"`. */
  note: string;
}

/** What `toDialable` did with a number: the string for the PBX, and how it got there. */
export interface DialingResult {
  input: string;
  /** The number to send to the PBX. */
  dialable: string;
  /** The rule that applied, if any. */
  rule?: AppliedRule;
  /** Whether the engine added the external prefix (5.2), as opposed to a rule writing it. */
  externalPrefixAdded: boolean;
  steps: DialingStep[];
}

export type DialingPlanCompilation = { ok: true; plan: DialingPlan } | { ok: false; errors: DialingPlanError[] };

/** More rules than any installation needs; a bound keeps one number's cost bounded too. */
export const MAX_RULES = 500;

/**
 * Builds a dialing plan from its settings and rules, or lists every reason it cannot be saved:
 * bad settings, invalid or unsafe regular expressions (with RE2's reason), unknown tokens,
 * captures the expression does not have, duplicate priorities. Each error names its rule.
 */
export function compileDialingPlan(settings: DialingPlanSettings, rules: readonly DialingRule[]): DialingPlanCompilation {
  const resolved = resolveSettings(settings);
  if (!resolved.ok) return { ok: false, errors: resolved.errors };
  if (rules.length > MAX_RULES) {
    return { ok: false, errors: [{ path: 'rules', message: `the plan has ${rules.length} rules; the limit is ${MAX_RULES}` }] };
  }
  const errors: DialingPlanError[] = [];
  const compiled: CompiledRule[] = [];
  const byPriority = new Map<number, number>();
  rules.forEach((rule, index) => {
    const result = compileRule(rule, index, resolved.settings);
    if (!result.ok) errors.push(...result.errors);
    const other = byPriority.get(rule.priority);
    if (other !== undefined) {
      const ref = { index, priority: rule.priority, name: typeof rule.name === 'string' ? rule.name : '' };
      errors.push({
        path: `rules[${index}].priority`,
        rule: ref,
        message: `${label(ref)}: priority ${rule.priority} is already used by rules[${other}]; give each rule its own priority so the order is clear`,
      });
    } else {
      byPriority.set(rule.priority, index);
    }
    if (result.ok) compiled.push(result.rule);
  });
  if (errors.length) return { ok: false, errors };
  compiled.sort((a, b) => a.source.priority - b.source.priority);
  return { ok: true, plan: new DialingPlan(Object.freeze(resolved.settings), compiled) };
}

/**
 * A compiled dialing plan (guide chapter 5). Pure and synchronous; build it once per domain
 * with `compileDialingPlan` and reuse it for every number.
 */
export class DialingPlan {
  /** All regular-expression rules in one automaton; `regexIndex[i]` is rule i's place in it. */
  private readonly regexSet: SafeRegexSet | undefined;
  private readonly regexIndex: readonly number[];

  /** @internal Use compileDialingPlan. */
  constructor(
    readonly settings: ResolvedDialingPlanSettings,
    private readonly compiled: readonly CompiledRule[],
  ) {
    const sources: string[] = [];
    this.regexIndex = compiled.map((r) => (r.regexSource === undefined ? -1 : sources.push(r.regexSource) - 1));
    this.regexSet = SafeRegexSet.build(sources);
  }

  /** The rules in the order they are tried (lowest priority first). */
  get rules(): readonly AppliedRule[] {
    return this.compiled.map((r) => r.source);
  }

  /**
   * Turns a number someone wants to call (typed, from a directory, or canonical) into what the
   * PBX must dial, following 5.2 exactly:
   * - no rule applies: the external prefix is added when the number is longer than the internal
   *   length, otherwise the number is dialed as it is;
   * - a rule applies to a number starting with "+": the rule's transformation, then the external
   *   prefix "if necessary", i.e. unless the rule's value writes `[-ExternalPrefix-]` itself or
   *   the result is not longer than the internal length;
   * - a rule applies to any other number: the transformation only.
   * Before the rules, spaces and other separators are dropped; after them, every non-numeric
   * character but a leading + # * (standard rule 1). The result says which rule applied and why.
   * Throws InvalidPhoneNumberError for a number over 64 characters or without a digit, # or *.
   */
  toDialable(number: string): DialingResult {
    const input = checkRawNumber(number);
    const steps: DialingStep[] = [];
    const cleaned = cleanForRules(input);
    if (!/[0-9#*]/.test(cleaned)) throw new InvalidPhoneNumberError(input, 'it holds no digit, # or *');
    if (cleaned !== input) {
      steps.push({ action: 'clean', before: input, after: cleaned, note: 'spaces, separators and letters removed' });
    }
    const { externalPrefix, internalLength } = this.settings;

    let applied: { rule: CompiledRule; transformed: string } | undefined;
    // One pass of the set says which regular-expression rules can apply; only those run their
    // capturing matcher. Plain rules are a startsWith.
    const regexHits = this.regexSet?.matchPrefixes(cleaned);
    for (let i = 0; i < this.compiled.length; i++) {
      const rule = this.compiled[i];
      if (regexHits && this.regexIndex[i] >= 0 && !regexHits[this.regexIndex[i]]) continue;
      const transformed = rule.apply(cleaned);
      if (transformed === undefined) continue;
      applied = { rule, transformed };
      const src = rule.source;
      steps.push({
        action: 'rule',
        before: cleaned,
        after: transformed,
        note: `${label(src)} applies: pattern "${src.pattern}", value "${src.value}"`,
      });
      break;
    }
    if (!applied) steps.push({ action: 'no-rule', before: cleaned, after: cleaned, note: 'no rule applies' });

    const base = applied ? applied.transformed : cleaned;
    const finished = finishDialable(base);
    if (finished !== base) {
      steps.push({ action: 'finish', before: base, after: finished, note: 'non-numeric characters removed, except a leading + # *' });
    }

    const long = finished.length > internalLength;
    let why: string;
    let add = false;
    if (!applied) {
      add = long;
      why = long
        ? `no rule and ${finished.length} characters, longer than the internal length ${internalLength}`
        : `no rule and at most ${internalLength} characters: an internal number`;
    } else if (!cleaned.startsWith('+')) {
      why = 'a rule applied to a number not starting with "+": transformation only';
    } else if (applied.rule.placesExternalPrefix) {
      why = 'the rule value writes [-ExternalPrefix-] itself';
    } else {
      add = long;
      why = long
        ? 'a rule applied to a number starting with "+"'
        : `the result has at most ${internalLength} characters: an internal number`;
    }
    const externalPrefixAdded = add && externalPrefix !== '';
    const dialable = externalPrefixAdded ? finishDialable(externalPrefix + finished) : finished;
    steps.push({
      action: 'external-prefix',
      before: finished,
      after: dialable,
      note: externalPrefixAdded
        ? `external prefix "${externalPrefix}" added: ${why}`
        : add
          ? `no external prefix configured (${why})`
          : `external prefix not added: ${why}`,
    });
    return applied
      ? { input, dialable, rule: applied.rule.source, externalPrefixAdded, steps }
      : { input, dialable, externalPrefixAdded, steps };
  }

  /**
   * The canonical form of a number, the key of reverse lookup: E.164 `+<cc><national number>`
   * for external numbers, the number as is for internal ones (see canonicalNumber). Numbers from
   * the PBX (`origin: 'pbx'`) first get `remove` / `add` unless the internal reverse length says
   * they are internal. Throws InvalidPhoneNumberError for a number over 64 characters or with no digit.
   */
  toCanonical(number: string, origin: NumberOrigin = 'directory'): string {
    return canonicalNumber(number, this.settings, origin);
  }
}
