import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan, type DialingPlan } from './dialing-plan';
import type { DialingPlanSettings } from './dialing-plan-settings';
import type { DialingRule } from './dialing-rule';
import { standardRules } from './standard-rules';
import { InvalidPhoneNumberError } from './number-cleaning';

/** The guide's installation: France, international prefix 00, external prefix 0, 4-digit extensions. */
const FRANCE: DialingPlanSettings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4 };

/** The regular-expression rule of 5.3, as reconstructed (see README "The rule of 5.3"). */
const RULE_5_3: DialingRule = {
  priority: 30,
  name: '',
  pattern: String.raw`[(\+|[-InternationalPrefix-])?([^(]+)\([^)]+\)]`,
  value: '[-ExternalPrefix-][-InternationalPrefix-]$2',
};

function compile(rules: DialingRule[], settings: DialingPlanSettings = FRANCE): DialingPlan {
  const result = compileDialingPlan(settings, rules);
  if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

/** Rows: number dialed, what the PBX receives, priority of the rule that applied (none: no rule). */
type DialRow = readonly [number: string, dialable: string, rule: number | 'none'];

function dialTable(sut: () => DialingPlan, rows: readonly DialRow[]): void {
  for (const [number, dialable, rule] of rows) {
    it(`${number} → ${dialable} (${rule === 'none' ? 'no rule' : `rule ${rule}`})`, () => {
      const result = sut().toDialable(number);

      assert.equal(result.dialable, dialable);
      assert.equal(result.rule?.priority ?? 'none', rule);
    });
  }
}

describe('chapter 5: the examples of the rules screen', () => {
  const sut = () =>
    compile([
      { priority: 1, name: 'International', pattern: '+', value: '00' },
      { priority: 2, name: 'Short numbers 361x', pattern: '361', value: '361' },
    ]);

  dialTable(sut, [
    // '"+" will be replaced by "00"', then the external prefix (5.2: +3912334477 -> 0 00 3912334477)
    ['+3912334477', '0003912334477', 1],
    // '"361" will be replaced by "361"': the number is kept and, a rule having applied, not prefixed
    ['36150000', '36150000', 2],
    // the same number without a rule would get the external prefix
    ['37150000', '037150000', 'none'],
  ]);

  it('searches patterns only at the beginning of the number', () => {
    const plan = compile([{ priority: 1, name: 'seventeen', pattern: '17', value: '99' }]);

    assert.equal(plan.toDialable('0155171889').dialable, '00155171889');
    assert.equal(plan.toDialable('0155171889').rule, undefined);
    assert.equal(plan.toDialable('1755').dialable, '9955');
  });

  it('searches regular expressions only at the beginning of the number too', () => {
    const plan = compile([{ priority: 1, name: 'seventeen', pattern: '[17]', value: '99' }]);

    assert.equal(plan.toDialable('0155171889').rule, undefined);
    assert.equal(plan.toDialable('1755').dialable, '9955');
  });

  it('tries the rules from the lowest priority, whatever their order in the list, and the first that applies wins', () => {
    const plan = compile([
      { priority: 20, name: 'any +', pattern: '+', value: '00' },
      { priority: 10, name: 'France', pattern: '+33', value: '[-ExternalPrefix-]0' },
    ]);

    assert.deepEqual(plan.rules.map((r) => r.priority), [10, 20]);
    assert.equal(plan.toDialable('+33155171889').dialable, '00155171889');
    assert.equal(plan.toDialable('+33155171889').rule?.name, 'France');
    assert.equal(plan.toDialable('+44201234567').rule?.name, 'any +');
  });

  it('takes the lowest priority when several regular expressions match', () => {
    const plan = compile([
      { priority: 40, name: 'any country', pattern: String.raw`[\+(\d+)]`, value: '[-InternationalPrefix-]$1' },
      { priority: 35, name: 'Italy', pattern: String.raw`[\+39(\d+)]`, value: '[-ExternalPrefix-][-InternationalPrefix-]39$1' },
      { priority: 45, name: 'anything', pattern: '[.*]', value: '$0' },
    ]);

    assert.equal(plan.toDialable('+390612345678').rule?.name, 'Italy');
    assert.equal(plan.toDialable('+442079460018').rule?.name, 'any country');
    assert.equal(plan.toDialable('0155171889').rule?.name, 'anything');
  });

  it('ignores the following rules once one applied, even a more specific one', () => {
    const plan = compile([
      { priority: 10, name: 'any +', pattern: '+', value: '00' },
      { priority: 20, name: 'France', pattern: '+33', value: '[-ExternalPrefix-]0' },
    ]);

    assert.equal(plan.toDialable('+33155171889').dialable, '00033155171889');
    assert.equal(plan.toDialable('+33155171889').rule?.name, 'any +');
  });
});

describe('5.1 standard rules (France)', () => {
  const sut = () => compile(standardRules(FRANCE));

  dialTable(sut, [
    // "+33(0)" is transformed into 00: +33 (0) 123456789 becomes 00123456789
    ['+33 (0) 123456789', '00123456789', 10],
    ['+33(0)123456789', '00123456789', 10],
    // "+330" is transformed into 00
    ['+330123456789', '00123456789', 11],
    // particular cases: 0033 or +33 is replaced by the network prefix + national code
    ['+33155171889', '00155171889', 12],
    [' +33155171889', '00155171889', 12],
    ['0033155171889', '00155171889', 13],
    // "#" and "*": no transformation, used for facilities
    ['#31', '#31', 20],
    ['*31', '*31', 21],
    // another country goes through "+" → international prefix, then the external prefix
    ['+3912334477', '0003912334477', 90],
  ]);

  describe('any non-numerical character is deleted, except +, #, * as the first character', () => {
    dialTable(sut, [
      ['01 55 17 18 89', '00155171889', 'none'],
      ['01.55.17.18.89', '00155171889', 'none'],
      ['01-55-17-18-89', '00155171889', 'none'],
      ['tel: 01 55 17 18 89', '00155171889', 'none'],
      ['(0)1 55 17 18 89', '00155171889', 'none'],
      ['*31#0155171889', '*310155171889', 21],
      ['#31*', '#31', 20],
      ['4711 (Alice)', '4711', 'none'],
    ]);
  });
});

describe('5.2 dialing transformation', () => {
  describe('no rule applies', () => {
    const sut = () => compile([]);

    dialTable(sut, [
      // longer than the internal length (4): the external network prefix is added
      ['0155171889', '00155171889', 'none'],
      ['47110', '047110', 'none'],
      // otherwise the number is returned as it is
      ['4711', '4711', 'none'],
      ['112', '112', 'none'],
    ]);

    it('moves the boundary with the internal length', () => {
      const plan = compile([], { ...FRANCE, internalLength: 5 });

      assert.equal(plan.toDialable('47110').dialable, '47110');
      assert.equal(plan.toDialable('471100').dialable, '0471100');
    });

    it('adds nothing when no external prefix is configured', () => {
      const plan = compile([], { ...FRANCE, externalPrefix: '' });

      assert.equal(plan.toDialable('0155171889').dialable, '0155171889');
      assert.equal(plan.toDialable('0155171889').externalPrefixAdded, false);
    });
  });

  describe('a rule applies to a number starting with "+": transformation, then the network prefix if necessary', () => {
    const sut = () =>
      compile([
        { priority: 1, name: 'international', pattern: '+', value: '00' },
        { priority: 0, name: 'our DDI range', pattern: '+3315517', value: '' },
      ]);

    dialTable(sut, [
      ['+3912334477', '0003912334477', 1],
      // not necessary: the result is an internal number (no longer than the internal length)
      ['+33155174711', '4711', 0],
    ]);

    it('says the external prefix was added', () => {
      assert.equal(sut().toDialable('+3912334477').externalPrefixAdded, true);
    });
  });

  describe('a rule applies to a number not starting with "+": only the transformation', () => {
    const sut = () => compile([{ priority: 1, name: 'Minitel', pattern: '3611', value: '03611' }]);

    dialTable(sut, [['3611', '03611', 1]]);

    it('does not add the external prefix', () => {
      assert.equal(sut().toDialable('3611').externalPrefixAdded, false);
    });
  });
});

describe('5.3 extended rules: the regular expression of priority 30', () => {
  const sut = () => compile([...standardRules(FRANCE), RULE_5_3]);

  dialTable(sut, [
    // "This rule turns +42(0)141906666 into 00042141906666"
    ['+42(0)141906666', '00042141906666', 30],
    ['+42 (0)1 41 90 66 66', '00042141906666', 30],
    // "The rule thus treats numbers such as +42(0) and 42(0)"
    ['42(0)141906666', '00042141906666', 30],
    // [-InternationalPrefix-] is the other branch of the first group
    ['0042(0)141906666', '00042141906666', 30],
    // France keeps its standard rule, tried first
    ['+33(0)141906666', '00141906666', 10],
    // without "(...)" the expression does not match
    ['+42141906666', '00042141906666', 90],
  ]);

  it('does not add the external prefix again: the value writes [-ExternalPrefix-] itself', () => {
    const result = sut().toDialable('+42(0)141906666');

    assert.equal(result.externalPrefixAdded, false);
    assert.deepEqual(result.rule, { priority: 30, name: '', pattern: RULE_5_3.pattern, value: RULE_5_3.value });
  });

  it('replaces $2 by the second capture and keeps the rest of the number', () => {
    const plan = compile([{ priority: 1, name: 'swap', pattern: String.raw`[(\d\d)(\d\d)]`, value: '$2$1' }]);

    assert.equal(plan.toDialable('12345678').dialable, '34125678');
  });

  it('supports ${n}, named groups, $0 and the longest existing group of $nn', () => {
    const plan = compile([
      { priority: 1, name: 'braces', pattern: String.raw`[#(\d)(\d)]`, value: '${2}1' },
      { priority: 2, name: 'named', pattern: String.raw`[\*(?P<code>\d+)]`, value: '${code}' },
      { priority: 3, name: 'whole', pattern: String.raw`[9\d]`, value: '$0$0' },
      { priority: 4, name: 'one group', pattern: String.raw`[8(\d)]`, value: '$12' },
    ]);

    assert.equal(plan.toDialable('#12').dialable, '21');
    assert.equal(plan.toDialable('*42').dialable, '42');
    assert.equal(plan.toDialable('97').dialable, '9797');
    assert.equal(plan.toDialable('83').dialable, '32');
  });

  it('puts every setting in through its token, lengths unquoted', () => {
    const plan = compile([
      { priority: 1, name: 'national', pattern: String.raw`[[-InternationalPrefix-][-LocalCountryPrefix-](\d{9})$]`, value: '[-ExternalPrefix-][-NationalPrefix-]$1' },
      { priority: 2, name: 'extension', pattern: String.raw`[55(\d{[-InternalLength-]})$]`, value: '$1' },
    ]);

    assert.equal(plan.toDialable('0033155171889').dialable, '00155171889');
    assert.equal(plan.toDialable('554711').dialable, '4711');
  });

  it('treats a pattern that starts with a token as plain text', () => {
    const plan = compile([{ priority: 1, name: 'intl', pattern: '[-InternationalPrefix-]', value: '[-ExternalPrefix-][-InternationalPrefix-]' }]);

    assert.equal(plan.toDialable('0044201234567').dialable, '00044201234567');
    assert.equal(plan.toDialable('0044201234567').rule?.name, 'intl');
  });
});

describe('"test these rules": the explanation of a transformation', () => {
  const sut = () => compile(standardRules(FRANCE));

  it('gives the dialable number, the rule and every step', () => {
    const result = sut().toDialable('+33 (0) 123456789');

    assert.equal(result.dialable, '00123456789');
    assert.deepEqual(result.rule, { priority: 10, name: 'National number +33(0)', pattern: '+33(0)', value: '[-ExternalPrefix-]0' });
    assert.deepEqual(
      result.steps.map((s) => [s.action, s.before, s.after]),
      [
        ['clean', '+33 (0) 123456789', '+33(0)123456789'],
        ['rule', '+33(0)123456789', '00123456789'],
        ['external-prefix', '00123456789', '00123456789'],
      ],
    );
    assert.match(result.steps[1].note, /rule 10 "National number \+33\(0\)" applies/);
    assert.match(result.steps[2].note, /writes \[-ExternalPrefix-\] itself/);
  });

  it('says when no rule applied and why the external prefix was added', () => {
    const result = sut().toDialable('01 55 17 18 89');

    assert.equal(result.rule, undefined);
    assert.deepEqual(result.steps.map((s) => s.action), ['clean', 'no-rule', 'external-prefix']);
    assert.match(result.steps[2].note, /external prefix "0" added: no rule and 10 characters, longer than the internal length 4/);
  });
});

describe('numbers that cannot be dialed', () => {
  const sut = () => compile(standardRules(FRANCE));

  it('refuses a number over 64 characters', () => {
    assert.throws(() => sut().toDialable('1'.repeat(65)), InvalidPhoneNumberError);
    assert.equal(sut().toDialable('1'.repeat(64)).dialable, `0${'1'.repeat(64)}`);
  });

  it('refuses a number without a digit, # or *', () => {
    assert.throws(() => sut().toDialable(''), /holds no digit/);
    assert.throws(() => sut().toDialable('unknown'), /holds no digit/);
  });
});
