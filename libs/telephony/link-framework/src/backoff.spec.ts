import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from './backoff';

describe('Backoff', () => {
  test('doubles from the first delay up to the maximum, and starts again after a reset', () => {
    const sut = new Backoff({ initialMs: 500, maxMs: 30_000 });
    assert.deepEqual(Array.from({ length: 8 }, () => sut.next()), [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    assert.equal(sut.attempt, 8);
    sut.reset();
    assert.equal(sut.next(), 500);
  });

  test('the exponent stops growing after maxExponent attempts (no overflow to Infinity)', () => {
    const sut = new Backoff({ initialMs: 1, maxMs: Number.MAX_VALUE, maxExponent: 3 });
    assert.deepEqual(Array.from({ length: 5 }, () => sut.next()), [1, 2, 4, 8, 8]);
  });
});
