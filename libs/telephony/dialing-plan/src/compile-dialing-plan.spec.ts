import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan, type DialingPlan } from './dialing-plan';
import type { DialingPlanError, DialingPlanSettings } from './dialing-plan-settings';
import type { DialingRule } from './dialing-rule';
import { standardRules } from './standard-rules';

const FRANCE: DialingPlanSettings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4 };

function errorsOf(rules: DialingRule[], settings: DialingPlanSettings = FRANCE): DialingPlanError[] {
  const result = compileDialingPlan(settings, rules);
  assert.equal(result.ok, false, 'the plan should have been refused');
  return result.ok ? [] : result.errors;
}

function compile(rules: DialingRule[]): DialingPlan {
  const result = compileDialingPlan(FRANCE, rules);
  if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

describe('compileDialingPlan refuses, at save time and with the reason, a rule that', () => {
  /** Rows: why, the rule, where the error is, what the message says. */
  const rows: readonly (readonly [string, DialingRule, string, RegExp])[] = [
    ['has an unbalanced parenthesis', { priority: 30, name: 'broken', pattern: String.raw`[(\+|00?([^(]+)]`, value: '$2' }, 'rules[0].pattern', /rule 30 "broken": the regular expression .* is invalid: missing closing \)/],
    ['has an inverted range', { priority: 30, pattern: '[[9-0]]', value: '' }, 'rules[0].pattern', /invalid character class range/],
    ['repeats a repetition', { priority: 30, pattern: '[0**]', value: '' }, 'rules[0].pattern', /invalid nested repetition operator/],
    ['uses a backreference', { priority: 30, pattern: String.raw`[(\d)\1]`, value: '' }, 'rules[0].pattern', /backreferences are not supported/],
    ['uses a lookahead', { priority: 30, pattern: '[(?=33)]', value: '' }, 'rules[0].pattern', /lookahead and lookbehind are not supported/],
    ['uses a lookbehind', { priority: 30, pattern: '[(?<=33)0]', value: '' }, 'rules[0].pattern', /lookahead and lookbehind are not supported/],
    ['is too complex', { priority: 30, pattern: String.raw`[\d{1000}\d{1000}\d{1000}]`, value: '' }, 'rules[0].pattern', /too complex/],
    ['is too long', { priority: 30, pattern: `[${'0'.repeat(300)}]`, value: '' }, 'rules[0].pattern', /the pattern is 302 characters long; the limit is 256/],
    ['refers to a missing capture', { priority: 30, pattern: String.raw`[(\+)(\d\d)]`, value: '$3' }, 'rules[0].value', /uses \$3 but the expression has only 2 capture groups/],
    ['refers to a missing named capture', { priority: 30, pattern: String.raw`[(\d)]`, value: '${cc}' }, 'rules[0].value', /\$\{cc\}, which the expression does not define/],
    ['uses a capture in a plain rule', { priority: 30, pattern: '+33', value: '0$1' }, 'rules[0].value', /only a regular-expression rule .* has/],
    ['misspells a token', { priority: 30, pattern: '[[-InternationalPrefx-]33]', value: '0' }, 'rules[0].pattern', /unknown token \[-InternationalPrefx-\]/],
    ['misspells a token in the value', { priority: 30, pattern: '+', value: '[-ExternalPrefixe-]00' }, 'rules[0].value', /unknown token \[-ExternalPrefixe-\]/],
    ['has an empty pattern', { priority: 30, pattern: ' ', value: '0' }, 'rules[0].pattern', /empty: it would apply to every number/],
    ['is empty once the settings are put in', { priority: 30, pattern: '[-Add-]', value: '0' }, 'rules[0].pattern', /empty with the current settings/],
    ['holds letters outside square brackets', { priority: 30, pattern: '^33', value: '0' }, 'rules[0].pattern', /can never match.*put it in square brackets/],
    ['has a priority that is not a whole number', { priority: 1.5, pattern: '+', value: '00' }, 'rules[0].priority', /must be a whole number/],
  ];

  for (const [why, rule, path, message] of rows) {
    it(why, () => {
      const [error, ...others] = errorsOf([rule]);

      assert.deepEqual(others, []);
      assert.equal(error.path, path);
      assert.equal(error.rule?.priority, rule.priority);
      assert.match(error.message, message);
    });
  }

  it('uses a priority another rule already has', () => {
    const errors = errorsOf([
      { priority: 30, name: 'first', pattern: '+', value: '00' },
      { priority: 30, name: 'second', pattern: '#', value: '#' },
    ]);

    assert.deepEqual(errors.map((e) => [e.path, e.rule?.name]), [['rules[1].priority', 'second']]);
    assert.match(errors[0].message, /priority 30 is already used by rules\[0\]/);
  });

  it('comes after the 500th', () => {
    const rules = Array.from({ length: 501 }, (_, i) => ({ priority: i, pattern: String(1000 + i), value: '' }));

    assert.deepEqual(errorsOf(rules).map((e) => e.message), ['the plan has 501 rules; the limit is 500']);
  });

  it('names every bad rule of the list at once, and only those', () => {
    const errors = errorsOf([
      ...standardRules(FRANCE),
      { priority: 30, name: 'a', pattern: '[(]', value: '' },
      { priority: 31, name: 'b', pattern: '3611', value: '03611' },
      { priority: 32, name: 'c', pattern: '[(?=1)]', value: '' },
    ]);

    assert.deepEqual(errors.map((e) => e.rule?.name), ['a', 'c']);
  });
});

describe('compileDialingPlan refuses settings', () => {
  const rows: readonly (readonly [string, Partial<DialingPlanSettings>, string])[] = [
    ['a prefix with letters', { externalPrefix: 'O' }, 'settings.externalPrefix'],
    ['a country code of 4 digits', { localCountryPrefix: '3333' }, 'settings.localCountryPrefix'],
    ['a negative internal length', { internalLength: -1 }, 'settings.internalLength'],
    ['a fractional internal reverse length', { internalReverseLength: 4.5 }, 'settings.internalReverseLength'],
    ['an add with letters', { add: 'x' }, 'settings.add'],
  ];
  for (const [why, change, path] of rows) {
    it(why, () => {
      const errors = errorsOf([], { ...FRANCE, ...change });

      assert.deepEqual(errors.map((e) => e.path), [path]);
    });
  }

  it('requires the internal length', () => {
    const errors = errorsOf([], { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0' } as DialingPlanSettings);

    assert.deepEqual(errors.map((e) => e.path), ['settings.internalLength']);
  });
});

describe('untrusted regular expressions cannot stall a service', () => {
  // Each of these takes exponential time on a backtracking engine (JavaScript's RegExp, .NET)
  // with an input that almost matches. Here they must simply finish; speed is measured in bench/.
  const rows: readonly (readonly [string, string])[] = [
    [String.raw`[(0+)+$]`, `${'0'.repeat(63)}(`],
    [String.raw`[(\d|\d\d)+#]`, '1'.repeat(64)],
    [String.raw`[(0*)*1]`, '0'.repeat(64)],
    [String.raw`[(00|0)*$]`, `${'0'.repeat(63)}*`],
  ];
  for (const [pattern, number] of rows) {
    it(`${pattern} on ${number.length} characters`, () => {
      const sut = compile([{ priority: 1, name: 'evil', pattern, value: '' }]);

      const result = sut.toDialable(number);

      assert.equal(result.rule, undefined);
    });
  }

  it('accepts [(a+)+$], which never sees letters: they are removed before the rules', () => {
    const sut = compile([{ priority: 1, name: 'evil', pattern: '[(a+)+$]', value: '' }]);

    assert.equal(sut.toDialable(`${'a'.repeat(63)}1`).dialable, '1');
  });
});
