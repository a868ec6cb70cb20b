import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan } from './dialing-plan';
import type { DialingPlanSettings } from './dialing-plan-settings';
import { standardRules } from './standard-rules';

const FRANCE: DialingPlanSettings = { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4 };

const table = (settings: DialingPlanSettings) => standardRules(settings).map((r) => [r.priority, r.pattern, r.value]);

describe('standardRules (5.1), created with every domain', () => {
  it('writes the guide\'s rules for France', () => {
    assert.deepEqual(table(FRANCE), [
      [10, '+33(0)', '[-ExternalPrefix-]0'],
      [11, '+330', '[-ExternalPrefix-]0'],
      [12, '+33', '[-ExternalPrefix-]0'],
      [13, '0033', '[-ExternalPrefix-]0'],
      [20, '#', '#'],
      [21, '*', '*'],
      [90, '+', '[-InternationalPrefix-]'],
    ]);
  });

  it('names every rule', () => {
    for (const rule of standardRules(FRANCE)) assert.ok(rule.name, `rule ${rule.priority} has no name`);
  });

  it('leaves out the (0) rules in a country without national prefix', () => {
    assert.deepEqual(table({ ...FRANCE, localCountryPrefix: '39', nationalPrefix: '' }), [
      [12, '+39', '[-ExternalPrefix-]'],
      [13, '0039', '[-ExternalPrefix-]'],
      [20, '#', '#'],
      [21, '*', '*'],
      [90, '+', '[-InternationalPrefix-]'],
    ]);
  });

  it('keeps only the facility and international rules when the country code is not set', () => {
    assert.deepEqual(
      table({ ...FRANCE, localCountryPrefix: '' }).map(([priority]) => priority),
      [20, 21, 90],
    );
  });

  it('compiles for each kind of settings, and leaves priority 30 (the guide\'s extended rule) free', () => {
    for (const settings of [FRANCE, { ...FRANCE, nationalPrefix: '' }, { ...FRANCE, localCountryPrefix: '', internationalPrefix: '' }]) {
      const rules = [...standardRules(settings), { priority: 30, pattern: '[(\\d)]', value: '$1' }];

      assert.equal(compileDialingPlan(settings, rules).ok, true);
    }
  });
});
