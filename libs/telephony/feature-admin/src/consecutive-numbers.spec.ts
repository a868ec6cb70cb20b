import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consecutiveNumbers as sut } from './consecutive-numbers';

test('duplicate x counts on the trailing digits, as the guide says (6674 × 2 → 6674, 6675)', () => {
  assert.deepEqual(sut('6674', 2), ['6674', '6675']);
  assert.deepEqual(sut('6674', 1), ['6674']);
  assert.deepEqual(sut('*8198', 3), ['*8198', '*8199', '*8200']);
  assert.deepEqual(sut('+33155171889', 2), ['+33155171889', '+33155171890']);
});

test('leading zeros keep their width, and a carry may lengthen the number', () => {
  assert.deepEqual(sut('0098', 3), ['0098', '0099', '0100']);
  assert.deepEqual(sut('98', 3), ['98', '99', '100']);
});

test('a number without trailing digits cannot be duplicated, but can be created once', () => {
  assert.deepEqual(sut('12#', 1), ['12#']);
  assert.match((sut('12#', 2) as { reason: string }).reason, /does not end with digits/);
});

test('numbers stay within 32 characters', () => {
  assert.match((sut('9'.repeat(32), 2) as { reason: string }).reason, /longer than 32/);
  assert.equal((sut('1'.repeat(32), 2) as string[]).length, 2);
});
