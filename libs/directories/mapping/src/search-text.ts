/**
 * Text for the search box: lower case, accents removed (`Hélène` → `helene`), every run of
 * punctuation a word break (`jean-pierre.dupont@example.com` → `jean pierre dupont example com`).
 * Contacts are indexed with it at synchronization and queries go through the same function, so
 * `helene`, `Hélène` and `HELENE` find the same people.
 */
export function normalizeSearchText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** At most this many words of a query are used. */
export const MAX_QUERY_WORDS = 8;

/** Words of a search query, normalized like the indexed text (empty when nothing searchable is left). */
export function searchWords(query: string): string[] {
  const words = normalizeSearchText(query).split(' ').filter((w) => w !== '');
  return [...new Set(words)].slice(0, MAX_QUERY_WORDS);
}

/**
 * A Postgres `to_tsquery('simple', ...)` text where every word is a prefix (`dup:* & jea:*`).
 * Words hold letters and digits only, so nothing in them is tsquery syntax.
 */
export function prefixTsQuery(words: readonly string[]): string {
  return words.map((w) => `${w}:*`).join(' & ');
}

/**
 * A query that looks like a phone number: only digits and what people write around them
 * (`+`, spaces, dots, dashes, slashes, parentheses), with at least three digits.
 */
export function looksLikeNumber(query: string): boolean {
  const q = query.trim();
  return /^[+]?[0-9 ().\/-]+$/.test(q) && (q.match(/[0-9]/g)?.length ?? 0) >= 3;
}
