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

  test('consultation and transfer: the two rows of the transferrer end; the row of the consulted party goes on until the transferred call ends', () => {
    // 4001 answers an outside call (c7), consults 4002 (c8), transfers. The link keeps each
    // device's call reference across the PBX's new call id, so 4002's events stay on c8.
    const c7 = events('c7', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+33155171889', calledNumber: '4001' }],
      [2, '4001', 'established', { answeringDevice: '4001' }],
      [5, '4001', 'held', { localState: 'hold' }],
      [20, '4001', 'transferred', { localState: 'null', cause: 'transfer' }],
    ]);
    const c8 = events('c8', [
      [6, '4001', 'originated', { callingNumber: '4001', calledNumber: '4002' }],
      [6, '4002', 'delivered', { alertingDevice: '4002', callingNumber: '4001', calledNumber: '4002' }],
      [9, '4002', 'established', { answeringDevice: '4002' }],
      [9, '4001', 'established', { answeringDevice: '4002' }],
      [20, '4001', 'transferred', { localState: 'null', cause: 'transfer' }],
      [20, '4002', 'transferred', { localState: 'connected', cause: 'transfer' }],
      [80, '4002', 'connectionCleared', { releasingDevice: '+33155171889' }],
      [80, '4002', 'callCleared'],
    ]);
    const rows: Record<string, CallLogParty> = {};
    for (const e of [...c7, ...c8]) rows[`${e.device}/${e.callRef}`] = applyCallEvent(rows[`${e.device}/${e.callRef}`], e)!;

    const first = rows[`4001/${LINK}:c7`]!;
    const consult = rows[`4001/${LINK}:c8`]!;
    const transferred = rows[`4002/${LINK}:c8`]!;
    assert.deepEqual([first.direction, first.answered, first.endedAt], ['incoming', true, at(20)]);
    assert.deepEqual([consult.direction, consult.remoteNumber, consult.endedAt], ['outgoing', '4002', at(20)]);
    assert.deepEqual([transferred.direction, transferred.answered, transferred.endedAt], ['incoming', true, at(80)], 'the transfer does not end 4002’s call');
  });

  test('conference: the consultation leg of the conferencing device ends at the conference, its first call goes on', () => {
    const rows = replay(events('c9', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123', calledNumber: '4001' }],
      [1, '4001', 'established', { answeringDevice: '4001' }],
      [30, '4001', 'conferenced', { localState: 'connected', cause: 'conference' }],
    ]));
    const leg = replay(events('c10', [
      [10, '4001', 'originated', { callingNumber: '4001', calledNumber: '4003' }],
      [30, '4001', 'conferenced', { localState: 'null', cause: 'conference' }],
    ]));

    assert.equal(rows['4001']!.endedAt, null, 'still in the conference');
    assert.deepEqual(leg['4001']!.endedAt, at(30));
  });

  test('forwarding: a call forwarded before it rang leaves no row; one forwarded on no answer is a missed call', () => {
    const immediate = replay(events('c11', [[0, '4001', 'diverted', { localState: 'null', cause: 'callForwardImmediate', callingNumber: '+4930123' }]]));
    assert.deepEqual(immediate, {});

    const noAnswer = replay(events('c12', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123', calledNumber: '4001' }],
      [15, '4001', 'diverted', { localState: 'null', cause: 'callForwardNoAnswer', alertingDevice: '4002' }],
    ]));
    assert.deepEqual([noAnswer['4001']!.direction, noAnswer['4001']!.answered, noAnswer['4001']!.endedAt], ['incoming', false, at(15)]);
  });

  test('after a link loss: the call that ended meanwhile is closed by the resync, the answer missed meanwhile is counted', () => {
    const rows = replay(events('c13', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123', calledNumber: '4001' }],
      // link lost at 4 s: no more events; back later, SnapshotDevice no longer lists the call
      [4, '4001', 'callCleared', { cause: 'resynchronized', localState: 'null' }],
    ]));
    assert.deepEqual(rows['4001']!.endedAt, at(4));

    const answered = replay(events('c14', [
      [0, '4001', 'delivered', { alertingDevice: '4001', callingNumber: '+4930123', calledNumber: '4001' }],
      // lost at 3 s; the snapshot shows the call connected: answered during the outage
      [3, '4001', 'established', { cause: 'resynchronized', localState: 'connected' }],
      [40, '4001', 'connectionCleared', { releasingDevice: '4001' }],
    ]));
    assert.deepEqual([answered['4001']!.answered, answered['4001']!.answeredAt, answered['4001']!.endedAt], [true, at(3), at(40)]);
  });

  test('link state events leave the log alone', () => {
    const e = { ...events('x', [[0, '~link', 'linkState', { linkUp: false }]])[0]!, callRef: undefined };
    assert.equal(applyCallEvent(undefined, e), undefined);
  });
});
