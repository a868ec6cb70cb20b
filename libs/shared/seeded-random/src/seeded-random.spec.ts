import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seededRandom } from './index';

test('the same seed gives the same sequence, in [0, 1); another seed another one', () => {
  const a = seededRandom(42);
  const b = seededRandom(42);
  const first = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), first);
  assert.ok(first.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(Array.from({ length: 10 }, seededRandom(43)), first.slice(0, 10));
  // Spread: each tenth of [0, 1) gets a share of 1000 draws.
  const tenths = new Array(10).fill(0);
  for (const x of first) tenths[Math.floor(x * 10)]++;
  assert.ok(tenths.every((n) => n > 60 && n < 140), JSON.stringify(tenths));
});
