import { test } from 'node:test';
import assert from 'node:assert/strict';
import { looksLikeNumber, normalizeSearchText, prefixTsQuery, searchWords } from './search-text';

test('search text: accents, case and punctuation do not matter', () => {
  assert.equal(normalizeSearchText('Hélène DÉNÉ-Straße, jean.pierre@Exemple.FR'), 'helene dene strasse jean pierre exemple fr');
  assert.deepEqual(searchWords("  O'Brien  o'brien "), ['o', 'brien']);
  assert.equal(prefixTsQuery(searchWords('Dup Jea')), 'dup:* & jea:*');
  assert.deepEqual(searchWords('&|!:*()'), [], 'nothing of tsquery syntax survives');
});

test('a query is a number when it has digits and what people write around them', () => {
  for (const q of ['+33 1 55 17 18 89', '01.55.17.18.89', '(0)155', '4711']) assert.equal(looksLikeNumber(q), true, q);
  for (const q of ['12', 'Dupont 12', 'A4711', '']) assert.equal(looksLikeNumber(q), false, q);
});
