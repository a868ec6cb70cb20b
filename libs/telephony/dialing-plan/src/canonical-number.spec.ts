import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan, type DialingPlan } from './dialing-plan';
import type { DialingPlanSettings } from './dialing-plan-settings';
import { standardRules } from './standard-rules';
import { InvalidPhoneNumberError } from './number-cleaning';
import type { NumberOrigin } from './canonical-number';

const FRANCE: DialingPlanSettings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4 };

function compile(settings: DialingPlanSettings): DialingPlan {
  const result = compileDialingPlan(settings, standardRules(settings));
  if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
  return result.plan;
}

/** Rows: number as held or received, its canonical form. */
function canonicalTable(sut: () => DialingPlan, origin: NumberOrigin, rows: readonly (readonly [string, string])[]): void {
  for (const [number, canonical] of rows) {
    it(`${origin} ${JSON.stringify(number)} → ${canonical}`, () => {
      assert.equal(sut().toCanonical(number, origin), canonical);
    });
  }
}

describe('canonical form of the numbers a directory holds', () => {
  const sut = () => compile(FRANCE);

  describe('every way of writing one French number gives one key, so reverse lookup is an equality', () => {
    canonicalTable(sut, 'directory', [
      ['+33 1 55 17 18 89', '+33155171889'],
      ['+33155171889', '+33155171889'],
      ['0155171889', '+33155171889'],
      ['01 55 17 18 89', '+33155171889'],
      ['01.55.17.18.89', '+33155171889'],
      ['0033155171889', '+33155171889'],
      ['00 33 1 55 17 18 89', '+33155171889'],
      ['(0)1 55 17 18 89', '+33155171889'],
      ['+33 (0)1 55 17 18 89', '+33155171889'],
      ['+330155171889', '+33155171889'],
      ['Tel: +33 1 55 17 18 89', '+33155171889'],
    ]);
  });

  describe('other countries and other kinds of numbers', () => {
    canonicalTable(sut, 'directory', [
      ['+44 (0)20 7946 0018', '+442079460018'],
      ['0044 20 7946 0018', '+442079460018'],
      ['+1 (212) 555-0142', '+12125550142'],
      // internal numbers: no longer than the internal length, kept as they are
      ['4711', '4711'],
      ['47 11', '4711'],
      // facilities are kept as the PBX dials them
      ['*31', '*31'],
      // neither national (no national prefix) nor internal: the digits, as they are
      ['3615123', '3615123'],
    ]);
  });

  it('is the default origin', () => {
    assert.equal(sut().toCanonical('01 55 17 18 89'), '+33155171889');
  });

  it('dials the canonical form exactly as the number it came from', () => {
    for (const number of ['+33 1 55 17 18 89', '0155171889', '0033155171889', '(0)1 55 17 18 89', '+33 (0)1 55 17 18 89', '4711', '+44 20 7946 0018']) {
      assert.equal(sut().toDialable(sut().toCanonical(number)).dialable, sut().toDialable(number).dialable, number);
    }
  });

  it('refuses numbers without a digit or over 64 characters', () => {
    assert.throws(() => sut().toCanonical('n/a'), InvalidPhoneNumberError);
    assert.throws(() => sut().toCanonical('+'), InvalidPhoneNumberError);
    assert.throws(() => sut().toCanonical('0'.repeat(65)), InvalidPhoneNumberError);
  });
});

describe('canonical form of the numbers the PBX presents', () => {
  describe('remove: a PBX that presents external callers with the external prefix', () => {
    const sut = () => compile({ ...FRANCE, remove: '0' });

    canonicalTable(sut, 'pbx', [
      ['00155171889', '+33155171889'],
      ['000442079460018', '+442079460018'],
      // internal callers are not touched
      ['4711', '4711'],
      ['0471', '0471'],
    ]);
  });

  describe('add: a PBX that presents national callers without their national prefix', () => {
    const sut = () => compile({ ...FRANCE, add: '0' });

    canonicalTable(sut, 'pbx', [
      ['155171889', '+33155171889'],
      ['4711', '4711'],
      // a number already in international format is taken as is
      ['+33155171889', '+33155171889'],
    ]);
  });

  describe('remove then add: a PBX presenting "0" + country code + number', () => {
    const sut = () => compile({ ...FRANCE, remove: '0', add: '+' });

    canonicalTable(sut, 'pbx', [['033155171889', '+33155171889']]);
  });

  describe('internal reverse length: up to which length a presented number is internal', () => {
    const sut = () => compile({ ...FRANCE, add: '0', internalReverseLength: 5 });

    canonicalTable(sut, 'pbx', [
      // a 5-digit number (e.g. site prefix + extension) is internal on incoming calls...
      ['14711', '14711'],
      // ...and longer numbers get add / remove
      ['155171889', '+33155171889'],
    ]);

    it('defaults to the internal length', () => {
      const plan = compile({ ...FRANCE, add: '0' });

      assert.equal(plan.settings.internalReverseLength, 4);
      assert.equal(plan.toCanonical('14711', 'pbx'), '+3314711');
    });
  });

  it('meets the directory on the same key', () => {
    const plan = compile({ ...FRANCE, remove: '0' });

    assert.equal(plan.toCanonical('00155171889', 'pbx'), plan.toCanonical('01 55 17 18 89', 'directory'));
  });

  it('does not apply add / remove to numbers from a directory', () => {
    const plan = compile({ ...FRANCE, remove: '0', add: '9' });

    assert.equal(plan.toCanonical('0155171889', 'directory'), '+33155171889');
  });
});
