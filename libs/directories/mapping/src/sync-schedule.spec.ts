import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dailySlot, isSyncDue, parseDailyTime } from './sync-schedule';

const at = (hhmm: string, day = 10) => {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(2025, 5, day, h, m, 0, 0);
};

describe('synchronization schedule (guide 8.2.1)', () => {
  test('HH:MM is validated', () => {
    assert.deepEqual(parseDailyTime('02:00'), { hours: 2, minutes: 0 });
    for (const bad of ['2:00', '24:00', '12:60', 'noon', '']) assert.equal(parseDailyTime(bad), undefined, bad);
    assert.equal(dailySlot(at('10:00'), 'x'), undefined);
  });

  test('manual never runs by itself', () => {
    assert.equal(isSyncDue({ mode: 'manual', lastStartedAt: null, dailyAt: '02:00', now: at('03:00') }), false);
  });

  test('daily: once a day after the time; a missed or first run is caught up the same day', () => {
    const daily = (now: Date, last: Date | null) => isSyncDue({ mode: 'daily', lastStartedAt: last, dailyAt: '02:00', now });
    assert.equal(daily(at('01:59'), at('02:00', 9)), false, 'before the time');
    assert.equal(daily(at('02:00'), at('02:00', 9)), true, 'at the time');
    assert.equal(daily(at('02:01'), at('02:00')), false, 'already ran today');
    assert.equal(daily(at('15:00'), at('02:00', 9)), true, 'service was down at 02:00: caught up');
    assert.equal(daily(at('15:00'), null), true, 'never ran');
    assert.equal(daily(at('01:00'), null), false, 'never ran, but not time yet today');
  });

  test('high frequency: every N minutes or hours after the previous start', () => {
    const hf = (every: number, unit: 'minutes' | 'hours', now: Date, last: Date | null) => isSyncDue({ mode: 'frequent', every, unit, lastStartedAt: last, dailyAt: '02:00', now });
    assert.equal(hf(10, 'minutes', at('10:09'), at('10:00')), false);
    assert.equal(hf(10, 'minutes', at('10:10'), at('10:00')), true);
    assert.equal(hf(2, 'hours', at('11:59'), at('10:00')), false);
    assert.equal(hf(2, 'hours', at('12:00'), at('10:00')), true);
    assert.equal(hf(10, 'minutes', at('10:00'), null), true, 'never ran: at once');
  });
});
