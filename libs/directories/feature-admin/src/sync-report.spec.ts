import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_EXAMPLES, MAX_REPORT_LINES, ReportTally } from './sync-report';

test('a report stays small whatever the directory: lines and examples are bounded, counts are exact', () => {
  const sut = new ReportTally();
  for (let i = 0; i < 10_000; i++) sut.add('no ID', `uid=${i}`);
  for (let i = 0; i < 100; i++) sut.add(`reason ${i}`);
  const lines = sut.toJSON();
  assert.equal(lines.length, MAX_REPORT_LINES + 1);
  assert.deepEqual(lines[0], { reason: 'no ID', count: 10_000, examples: ['uid=0', 'uid=1', 'uid=2', 'uid=3', 'uid=4'].slice(0, MAX_EXAMPLES) });
  assert.deepEqual(lines.at(-1), { reason: 'other reasons', count: 100 - (MAX_REPORT_LINES - 1), examples: [] });
});
