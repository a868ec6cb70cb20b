/**
 * The numbers "Duplicate x" creates (guide 9.1.2, 9.5.2): `first`, then the next `count - 1`
 * numbers, counting on the trailing digits and keeping their width ("0099" → "0100"; "6674" with
 * 2 → 6674, 6675). Returns a reason instead when it cannot: no trailing digit to count on, or a
 * number growing past 32 characters.
 */
export function consecutiveNumbers(first: string, count: number): string[] | { reason: string } {
  if (count === 1) return [first];
  const m = /^(.*?)([0-9]+)$/.exec(first);
  if (!m) return { reason: `${first} does not end with digits: it cannot be duplicated` };
  const [, prefix, digits] = m as unknown as [string, string, string];
  const start = BigInt(digits);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = prefix + (start + BigInt(i)).toString().padStart(digits.length, '0');
    if (n.length > 32) return { reason: `${n} would be longer than 32 characters` };
    out.push(n);
  }
  return out;
}
