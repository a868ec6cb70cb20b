import type { DialingPlanSettings } from './dialing-plan-settings';
import type { DialingRule } from './dialing-rule';

/** Priorities of the standard rules; administrators' rules fit in the gaps (the guide's is 30). */
export const STANDARD_RULE_PRIORITIES = {
  nationalWithParenthesizedPrefix: 10,
  nationalWithPrefix: 11,
  national: 12,
  nationalAfterInternationalPrefix: 13,
  facilityHash: 20,
  facilityStar: 21,
  international: 90,
} as const;

/**
 * The rules created with every domain (guide 5.1), written for the domain's settings. With France
 * (country 33, international prefix 00, external prefix 0):
 *
 * | priority | pattern  | value                | effect                                     |
 * |---------:|----------|----------------------|--------------------------------------------|
 * | 10       | `+33(0)` | `[-ExternalPrefix-]0`| +33 (0) 123456789 → 00123456789            |
 * | 11       | `+330`   | `[-ExternalPrefix-]0`| +330123456789 → 00123456789                |
 * | 12       | `+33`    | `[-ExternalPrefix-]0`| +33155171889 → 00155171889 (particular case)|
 * | 13       | `0033`   | `[-ExternalPrefix-]0`| 0033155171889 → 00155171889 (particular case)|
 * | 20       | `#`      | `#`                  | facilities: no transformation              |
 * | 21       | `*`      | `*`                  | facilities: no transformation              |
 * | 90       | `+`      | `[-InternationalPrefix-]` | +3912334477 → 0 00 3912334477 (chapter 5) |
 *
 * The first standard rule ("any non-numerical character is deleted...") is not a pattern → value
 * rule: the engine applies it to every number (see number-cleaning.ts).
 *
 * Patterns are written out as the guide shows them; values use tokens for the prefixes, so they
 * follow a later change of those settings. The national rules write the network prefix
 * themselves (`[-ExternalPrefix-]` + the national prefix: "network prefix + national code" in the
 * guide's words), so `+33...` and `0033...` give the same result. The catch-all `+` rule comes
 * from chapter 5's example; without it no other country could be dialed from a `+` number.
 * A setting left empty drops the rules that need it (no country code: no national rules; no
 * national prefix: no `(0)` rules and the national value is just the external prefix).
 */
export function standardRules(settings: DialingPlanSettings): DialingRule[] {
  const cc = settings.localCountryPrefix ?? '';
  const intl = settings.internationalPrefix ?? '';
  const np = settings.nationalPrefix ?? '0';
  const national = `[-ExternalPrefix-]${np}`;
  const p = STANDARD_RULE_PRIORITIES;
  const rules: DialingRule[] = [];
  if (cc) {
    if (np) {
      rules.push({ priority: p.nationalWithParenthesizedPrefix, name: `National number +${cc}(${np})`, pattern: `+${cc}(${np})`, value: national });
      rules.push({ priority: p.nationalWithPrefix, name: `National number +${cc}${np}`, pattern: `+${cc}${np}`, value: national });
    }
    rules.push({ priority: p.national, name: `National number +${cc}`, pattern: `+${cc}`, value: national });
    if (intl) {
      rules.push({ priority: p.nationalAfterInternationalPrefix, name: `National number ${intl}${cc}`, pattern: `${intl}${cc}`, value: national });
    }
  }
  rules.push({ priority: p.facilityHash, name: 'Facility #', pattern: '#', value: '#' });
  rules.push({ priority: p.facilityStar, name: 'Facility *', pattern: '*', value: '*' });
  if (intl) rules.push({ priority: p.international, name: 'International number', pattern: '+', value: '[-InternationalPrefix-]' });
  return rules;
}
