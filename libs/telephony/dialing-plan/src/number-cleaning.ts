/**
 * Standard rule 1 (guide 5.1): "any non-numerical character is deleted, except for +, #, * when
 * they are the first character". It runs in two halves around the rules, because rules need
 * some of those characters: `+33(0)` and the regular expression of 5.3 read the parentheses.
 *
 * - before the rules, `cleanForRules` keeps digits, + # * and parentheses, and drops the rest
 *   (spaces, dots, dashes, slashes, letters): `+33 (0)1 55.17-18/89` → `+33(0)155171889`;
 * - after them, `finishDialable` keeps digits and a leading + # *: `0(0)155171889` → `00155171889`.
 */

/** Longest number accepted, raw, before any cleaning. */
export const MAX_NUMBER_LENGTH = 64;

/** A number that cannot be turned into anything: empty, too long, or not a string. */
export class InvalidPhoneNumberError extends RangeError {
  constructor(
    readonly number: unknown,
    readonly reason: string,
  ) {
    super(`phone number ${JSON.stringify(typeof number === 'string' ? number : String(number))} is invalid: ${reason}`);
    this.name = 'InvalidPhoneNumberError';
  }
}

/** Checks a raw number at the boundary: a string of at most MAX_NUMBER_LENGTH characters. */
export function checkRawNumber(number: unknown): string {
  if (typeof number !== 'string') throw new InvalidPhoneNumberError(number, 'it is not text');
  if (number.length > MAX_NUMBER_LENGTH) {
    throw new InvalidPhoneNumberError(number, `it is ${number.length} characters long; the limit is ${MAX_NUMBER_LENGTH}`);
  }
  return number;
}

const NOT_KEPT_FOR_RULES = /[^0-9+#*()]/g;
const SEPARATORS = /[\s.\-/\u00a0]/g;

/** Drops what only formats a number for the eye: spaces, dots, dashes and slashes. */
export function removeSeparators(text: string): string {
  return text.replace(SEPARATORS, '');
}

/** The number as the rules see it: digits, + # * and parentheses, anywhere. */
export function cleanForRules(number: string): string {
  return number.replace(NOT_KEPT_FOR_RULES, '');
}

/** What the PBX is given: digits only, except a + # or * in first position. */
export function finishDialable(number: string): string {
  const first = number.charAt(0);
  const rest = number.slice(1).replace(/[^0-9]/g, '');
  return (/[0-9+#*]/.test(first) ? first : '') + rest;
}
