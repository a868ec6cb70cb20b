import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { TelephonyEvent } from '@tws/contracts';
import type { CallLogParty } from '@tws/calllog-data-access';
import { applyCallEvent } from './call-log.model';

const LINK = '11111111-1111-4111-8111-111111111111';
const DOMAIN = '22222222-2222-4222-8222-222222222222';

/** One line of an event table: time (s), device, kind, then the event's party fields. */
type Line = [number, string, TelephonyEvent['kind'], Partial<TelephonyEvent>?];

function events(callId: string, lines: Line[]): TelephonyEvent[] {
  return lines.map(([t, device, kind, extra], i) => ({
    eventId: `${callId}-${i}`,
    kind,
    linkId: LINK,
    domainId: DOMAIN,
    device,
    callRef: `${LINK}:${callId}`,
    occurredAt: new Date(Date.UTC(2026, 10, 28, 9, 0, t)).toISOString(),
    ...extra,
  }));
}

/** Feeds the events in order and returns the rows by device. */
function replay(evts: TelephonyEvent[]): Record<string, CallLogParty> {
  const rows: Record<string, CallLogParty> = {};
  for (const e of evts) {
    const next = applyCallEvent(rows[e.device], e);
    if (next) rows[e.device] = next;
  }
  return rows;
}

const at = (s: number) => new Date(Date.UTC(2026, 10, 28, 9, 0, s));

describe('call log from event tables', () => {
  test('incoming external call, answered, hung up by the caller', () => {
    const rows = replay(events('c1', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+33155171889', calledNumber: '4001', localState: 'alerting' }],
      [3, '4001', 'established', { answeringDevice: '4001', callingNumber: '+33155171889', calledNumber: '4001' }],
      [20, '4001', 'connectionCleared', { releasingDevice: '+33155171889' }],
      [20, '4001', 'callCleared'],
    ]));
    assert.deepEqual(rows['4001'], {
      domainId: DOMAIN, device: '4001', callRef: `${LINK}:c1`, direction: 'incoming', answered: true,
      remoteNumber: '+33155171889', startedAt: at(0), answeredAt: at(3), endedAt: at(20),
    });
  });

  test('incoming call never answered is a missed call', () => {
    const rows = replay(events('c2', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '0612345678', calledNumber: '4001' }],
      [15, '4001', 'connectionCleared', { releasingDevice: '0612345678' }],
      [15, '4001', 'callCleared'],
    ]));
    assert.equal(rows['4001']!.direction, 'incoming');
    assert.equal(rows['4001']!.answered, false);
    assert.equal(rows['4001']!.answeredAt, null);
    assert.deepEqual(rows['4001']!.endedAt, at(15));
    assert.equal(rows['4001']!.remoteNumber, '0612345678');
  });

  test('outgoing call made from the toolkit, answered by the far end, hung up by us', () => {
    const rows = replay(events('c3', [
      [0, '4001', 'serviceInitiated', { callingNumber: '4001' }],
      [1, '4001', 'originated', { callingNumber: '4001', calledNumber: '+33155171889' }],
      [2, '4001', 'delivered', { alertingDevice: '+33155171889', callingNumber: '4001', calledNumber: '+33155171889' }],
      [6, '4001', 'established', { answeringDevice: '+33155171889', callingNumber: '4001', calledNumber: '+33155171889' }],
      [30, '4001', 'connectionCleared', { releasingDevice: '4001' }],
      [30, '4001', 'callCleared'],
    ]));
    assert.deepEqual(rows['4001'], {
      domainId: DOMAIN, device: '4001', callRef: `${LINK}:c3`, direction: 'outgoing', answered: true,
      remoteNumber: '+33155171889', startedAt: at(0), answeredAt: at(6), endedAt: at(30),
    });
  });

  test('outgoing call not answered is not a missed call', () => {
    const rows = replay(events('c4', [
      [0, '4001', 'originated', { callingNumber: '4001', calledNumber: '4099' }],
      [1, '4001', 'delivered', { alertingDevice: '4099', callingNumber: '4001', calledNumber: '4099' }],
      [9, '4001', 'connectionCleared', { releasingDevice: '4001' }],
    ]));
    assert.equal(rows['4001']!.direction, 'outgoing');
    assert.equal(rows['4001']!.answered, false);
    assert.equal(rows['4001']!.remoteNumber, '4099');
    assert.deepEqual(rows['4001']!.endedAt, at(9));
  });

  test('internal call: one row per party, each from its own side', () => {
    const rows = replay(events('c5', [
      [0, '4001', 'originated', { callingNumber: '4001', calledNumber: '4002' }],
      [1, '4001', 'delivered', { alertingDevice: '4002', callingNumber: '4001', calledNumber: '4002' }],
      [1, '4002', 'delivered', { alertingDevice: '4002', callingNumber: '4001', calledNumber: '4002' }],
      [4, '4001', 'established', { answeringDevice: '4002' }],
      [4, '4002', 'established', { answeringDevice: '4002' }],
      [10, '4002', 'connectionCleared', { releasingDevice: '4002' }],
      [10, '4001', 'connectionCleared', { releasingDevice: '4002' }],
      [10, '4001', 'callCleared'],
    ]));
    assert.equal(rows['4001']!.direction, 'outgoing');
    assert.equal(rows['4001']!.remoteNumber, '4002');
    assert.deepEqual(rows['4001']!.endedAt, at(10));
    assert.equal(rows['4002']!.direction, 'incoming');
    assert.equal(rows['4002']!.remoteNumber, '4001');
    assert.equal(rows['4002']!.answered, true);
    assert.deepEqual(rows['4002']!.startedAt, at(1));
  });

  test('out-of-order arrival gives the same row', () => {
    const evts = events('c6', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123', calledNumber: '4001' }],
      [2, '4001', 'established', { answeringDevice: '4001' }],
      [9, '4001', 'connectionCleared', { releasingDevice: '4001' }],
    ]);
    assert.deepEqual(replay([evts[1]!, evts[0]!, evts[2]!]), replay(evts));
  });

  test('events without a call (forwarding, do not disturb) leave the log alone', () => {
    const e = { ...events('x', [[0, '4001', 'doNotDisturb']])[0]!, callRef: undefined };
    assert.equal(applyCallEvent(undefined, e), undefined);
  });
});
