import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compileDialingPlan, type DialingPlan } from './dialing-plan';
import type { DialingPlanSettings } from './dialing-plan-settings';
import { standardRules } from './standard-rules';

/**
 * One installation per country, standard rules only, tested both ways:
 * outgoing (number typed or held → what the PBX dials) and incoming (number presented by the PBX
 * or held by a directory → canonical key). Numbers are from the ranges reserved for drama/tests
 * where the country has one (UK 020 7946 0xxx).
 */
interface Country {
  name: string;
  settings: DialingPlanSettings;
  /** number → dialable, rule applied (priority, or none) */
  outgoing: readonly (readonly [string, string, number | 'none'])[];
  /** number held in a directory → canonical */
  directory: readonly (readonly [string, string])[];
  /** number presented by the PBX → canonical */
  pbx: readonly (readonly [string, string])[];
}

const COUNTRIES: Country[] = [
  {
    name: 'France (33, international 00, external 0, 4-digit extensions)',
    settings: { internationalPrefix: '00', localCountryPrefix: '33', externalPrefix: '0', internalLength: 4, remove: '0' },
    outgoing: [
      ['+33 1 55 17 18 89', '00155171889', 12],
      ['+33 (0)1 55 17 18 89', '00155171889', 10],
      ['01 55 17 18 89', '00155171889', 'none'],
      ['0033 1 55 17 18 89', '00155171889', 13],
      ['+33 6 12 34 56 78', '00612345678', 12],
      ['+44 20 7946 0018', '000442079460018', 90],
      ['0044 20 7946 0018', '000442079460018', 'none'],
      ['4711', '4711', 'none'],
      ['3611', '3611', 'none'],
      ['*31#0155171889', '*310155171889', 21],
    ],
    directory: [
      ['+33 1 55 17 18 89', '+33155171889'],
      ['01 55 17 18 89', '+33155171889'],
      ['0033 1 55 17 18 89', '+33155171889'],
      ['(0)1 55 17 18 89', '+33155171889'],
      ['06 12 34 56 78', '+33612345678'],
      ['+44 20 7946 0018', '+442079460018'],
      ['4711', '4711'],
    ],
    pbx: [
      ['00155171889', '+33155171889'],
      ['00612345678', '+33612345678'],
      ['000442079460018', '+442079460018'],
      ['4711', '4711'],
    ],
  },
  {
    name: 'United Kingdom (44, international 00, external 9, national trunk 0, 4-digit extensions)',
    settings: { internationalPrefix: '00', localCountryPrefix: '44', externalPrefix: '9', internalLength: 4, remove: '9' },
    outgoing: [
      ['+44 20 7946 0018', '902079460018', 12],
      ['+44 (0)20 7946 0018', '902079460018', 10],
      ['+44 020 7946 0018', '902079460018', 11],
      ['020 7946 0018', '902079460018', 'none'],
      ['(020) 7946 0018', '902079460018', 'none'],
      ['0044 20 7946 0018', '902079460018', 13],
      ['07700 900123', '907700900123', 'none'],
      ['+33 1 55 17 18 89', '90033155171889', 90],
      ['2001', '2001', 'none'],
      ['999', '999', 'none'],
    ],
    directory: [
      ['+44 20 7946 0018', '+442079460018'],
      ['+44 (0)20 7946 0018', '+442079460018'],
      ['020 7946 0018', '+442079460018'],
      ['(020) 7946 0018', '+442079460018'],
      ['0044 20 7946 0018', '+442079460018'],
      ['07700 900123', '+447700900123'],
      ['+33 1 55 17 18 89', '+33155171889'],
      ['2001', '2001'],
    ],
    pbx: [
      ['902079460018', '+442079460018'],
      ['907700900123', '+447700900123'],
      ['90033155171889', '+33155171889'],
      ['2001', '2001'],
    ],
  },
  {
    name: 'Germany (49, international 00, external 0, national trunk 0, 3-digit extensions)',
    settings: { internationalPrefix: '00', localCountryPrefix: '49', externalPrefix: '0', internalLength: 3, add: '0' },
    outgoing: [
      ['+49 40 1234567', '00401234567', 12],
      ['+49 (0)40 1234567', '00401234567', 10],
      ['040 1234567', '00401234567', 'none'],
      ['040/123 45-67', '00401234567', 'none'],
      ['0049 40 1234567', '00401234567', 13],
      ['+49 151 12345678', '0015112345678', 12],
      ['+33 1 55 17 18 89', '00033155171889', 90],
      ['123', '123', 'none'],
      // one digit over the internal length: external
      ['1234', '01234', 'none'],
    ],
    directory: [
      ['+49 40 1234567', '+49401234567'],
      ['+49 (0)40 1234567', '+49401234567'],
      ['040/1234567', '+49401234567'],
      ['040 123 45-67', '+49401234567'],
      ['0049 40 1234567', '+49401234567'],
      ['0151 12345678', '+4915112345678'],
      ['123', '123'],
    ],
    pbx: [
      // this PBX drops the first 0: national callers without the trunk 0, foreign ones with a single 0
      ['401234567', '+49401234567'],
      ['15112345678', '+4915112345678'],
      ['033155171889', '+33155171889'],
      ['123', '123'],
    ],
  },
  {
    name: 'Italy (39, international 00, external 0, no national prefix, 3-digit extensions)',
    settings: { internationalPrefix: '00', localCountryPrefix: '39', externalPrefix: '0', internalLength: 3, nationalPrefix: '' },
    outgoing: [
      ['+39 06 1234 5678', '00612345678', 12],
      ['06 1234 5678', '00612345678', 'none'],
      ['0039 06 1234 5678', '00612345678', 13],
      ['+33 1 55 17 18 89', '00033155171889', 90],
    ],
    directory: [
      ['+39 06 1234 5678', '+390612345678'],
      ['06 1234 5678', '+390612345678'],
      ['0039 06 1234 5678', '+390612345678'],
      ['333 123 4567', '+393331234567'],
    ],
    pbx: [['0612345678', '+390612345678']],
  },
];

for (const country of COUNTRIES) {
  describe(country.name, () => {
    const sut = (): DialingPlan => {
      const result = compileDialingPlan(country.settings, standardRules(country.settings));
      if (!result.ok) assert.fail(result.errors.map((e) => e.message).join('\n'));
      return result.plan;
    };

    describe('outgoing: number → dialable', () => {
      for (const [number, dialable, rule] of country.outgoing) {
        it(`${number} → ${dialable} (${rule === 'none' ? 'no rule' : `rule ${rule}`})`, () => {
          const result = sut().toDialable(number);

          assert.equal(result.dialable, dialable);
          assert.equal(result.rule?.priority ?? 'none', rule);
        });
      }
    });

    describe('incoming: directory number → canonical', () => {
      for (const [number, canonical] of country.directory) {
        it(`${number} → ${canonical}`, () => assert.equal(sut().toCanonical(number, 'directory'), canonical));
      }
    });

    describe('incoming: number presented by the PBX → canonical', () => {
      for (const [number, canonical] of country.pbx) {
        it(`${number} → ${canonical}`, () => assert.equal(sut().toCanonical(number, 'pbx'), canonical));
      }
    });

    it('dials a canonical number as the directory number it came from', () => {
      for (const [number] of country.directory) {
        assert.equal(sut().toDialable(sut().toCanonical(number)).dialable, sut().toDialable(number).dialable, number);
      }
    });
  });
}
