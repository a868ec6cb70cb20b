import type { ResolvedDialingPlanSettings } from './dialing-plan-settings';
import { InvalidPhoneNumberError, checkRawNumber, cleanForRules, finishDialable } from './number-cleaning';

/**
 * Where a number comes from. Only numbers the PBX presents (caller and called numbers of call
 * events) get the `remove` / `add` settings and the internal reverse length; numbers typed by
 * people (directories, user import, API calls) are read as they are written.
 */
export type NumberOrigin = 'directory' | 'pbx';

/**
 * The canonical form of a number (see README "Canonical form"):
 * - an external number is E.164, `+<country code><national significant number>`, e.g.
 *   `+33155171889` for `+33 1 55 17 18 89`, `0155171889`, `0033155171889`, `(0)1 55 17 18 89`;
 * - an internal number (no longer than the internal length; the internal reverse length for
 *   numbers from the PBX) is kept as is, digits only: `4711`;
 * - a facility code (`#...`, `*...`) is kept as the PBX dials it: `*31`;
 * - a number that is neither (no national prefix, longer than internal) is kept as digits.
 * Reverse lookup is then an equality match on this string.
 */
export function canonicalNumber(number: string, settings: ResolvedDialingPlanSettings, origin: NumberOrigin): string {
  const raw = checkRawNumber(number);
  let s = cleanForRules(raw);
  if (!/[0-9]/.test(s)) throw new InvalidPhoneNumberError(raw, 'it holds no digit');

  if (origin === 'pbx' && !s.startsWith('+')) {
    const asDialed = finishDialable(s);
    if (asDialed.length <= settings.internalReverseLength) return asDialed;
    if (settings.remove && s.startsWith(settings.remove)) s = s.slice(settings.remove.length);
    s = settings.add + s;
  }

  if (s.startsWith('#') || s.startsWith('*')) return finishDialable(s);

  const { internationalPrefix: intl, localCountryPrefix: cc, nationalPrefix: np } = settings;
  let international: string | undefined;
  if (s.startsWith('+')) international = s.slice(1);
  else if (intl && s.startsWith(intl)) international = s.slice(intl.length);

  if (international !== undefined) {
    // "+33 (0)1..." / "+44 (0)20...": the parenthesized national prefix is for readers in the
    // country and is not dialed from abroad. Other parenthesized digits, "+1 (212)", are kept.
    const digits = international.replace(/\(([^)]*)\)/g, (_, inner: string) => (inner === '0' || inner === np || inner === '' ? '' : inner)).replace(/[^0-9]/g, '');
    if (!digits) throw new InvalidPhoneNumberError(raw, 'the international prefix is followed by no number');
    // "+330155171889": our own national prefix written after our country code (standard rule +330).
    if (cc && np && digits.startsWith(cc + np) && digits.length > cc.length + np.length) {
      return `+${cc}${digits.slice(cc.length + np.length)}`;
    }
    return `+${digits}`;
  }

  const national = s.replace(/[^0-9]/g, '');
  if (national.length <= settings.internalLength) return national;
  if (!cc) return national;
  if (!np) return `+${cc}${national}`;
  if (national.startsWith(np)) return `+${cc}${national.slice(np.length)}`;
  return national;
}
