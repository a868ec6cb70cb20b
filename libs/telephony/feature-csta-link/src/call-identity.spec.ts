import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage, isCstaEvent, type CstaEvent, type CstaEventBody } from '@tws/csta';
import { LINK_EVENT_DEVICE, telephonyEventSchema, type TelephonyEvent } from '@tws/contracts';
import { CallRegistry } from './call-registry';
import { linkStateEvent, resyncEvent, translateCstaEvent } from './csta-translation';

/**
 * Call identity across call-id changes, forwarding and do-not-disturb, and resynchronization,
 * as event tables: the CSTA events a switch sends to each monitor (the simulator's sequences),
 * in arrival order, and the normalized events that come out.
 */
const LINK = '11111111-1111-4111-8111-111111111111';
const DOMAIN = '22222222-2222-4222-8222-222222222222';
const X = '+33155171889';
const c = (callId: string, deviceId: string) => ({ callId, deviceId });

/** A line: the monitored device it is reported to, and the event (through the codec, as on the wire). */
type Line = [device: string, event: CstaEventBody];

function replay(lines: Line[], registry = new CallRegistry(LINK, () => 1_000)): TelephonyEvent[] {
  const out: TelephonyEvent[] = [];
  lines.forEach(([device, body], i) => {
    const r = decodeMessage(encodeMessage({ ...body, monitorCrossRefId: `x${device}` } as CstaEvent));
    assert.ok(r.ok && isCstaEvent(r.message));
    const events = translateCstaEvent(r.message as CstaEvent, {
      linkId: LINK,
      domainId: DOMAIN,
      device,
      receivedAt: new Date(Date.UTC(2026, 10, 28, 9, 0, i)),
      eventId: `e${i}`,
      calls: registry,
    });
    for (const e of events) out.push(telephonyEventSchema.parse(e));
  });
  return out;
}

const short = (e: TelephonyEvent) => [e.device, e.kind, e.callRef?.replace(`${LINK}:`, '').replace(/\.[0-9a-z]+$/, ''), e.localState];

/** 4001 answers an outside call (call 1), consults 4002 (call 2), 4002 answers. */
const consultation: Line[] = [
  ['4001', { type: 'DeliveredEvent', connection: c('1', '4001'), alertingDevice: '4001', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' }],
  ['4001', { type: 'EstablishedEvent', establishedConnection: c('1', '4001'), answeringDevice: '4001', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: undefined, localConnectionInfo: 'connected', cause: 'newCall' }],
  ['4001', { type: 'HeldEvent', heldConnection: c('1', '4001'), holdingDevice: '4001', localConnectionInfo: 'hold', cause: 'consultation' }],
  ['4001', { type: 'ServiceInitiatedEvent', initiatedConnection: c('2', '4001'), initiatingDevice: '4001', localConnectionInfo: 'initiated', cause: 'consultation' }],
  ['4001', { type: 'OriginatedEvent', originatedConnection: c('2', '4001'), callingDevice: '4001', calledDevice: '4002', localConnectionInfo: 'connected', cause: 'consultation' }],
  ['4001', { type: 'DeliveredEvent', connection: c('2', '4002'), alertingDevice: '4002', callingDevice: '4001', calledDevice: '4002', lastRedirectionDevice: undefined, localConnectionInfo: 'connected', cause: 'newCall' }],
  ['4002', { type: 'DeliveredEvent', connection: c('2', '4002'), alertingDevice: '4002', callingDevice: '4001', calledDevice: '4002', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' }],
  ['4001', { type: 'EstablishedEvent', establishedConnection: c('2', '4002'), answeringDevice: '4002', callingDevice: '4001', calledDevice: '4002', lastRedirectionDevice: undefined, localConnectionInfo: 'connected', cause: 'newCall' }],
  ['4002', { type: 'EstablishedEvent', establishedConnection: c('2', '4002'), answeringDevice: '4002', callingDevice: '4001', calledDevice: '4002', lastRedirectionDevice: undefined, localConnectionInfo: 'connected', cause: 'newCall' }],
];

const transfered = (viewerState: 'null' | 'connected'): CstaEventBody => ({
  type: 'TransferedEvent',
  primaryOldCall: c('1', '4001'),
  secondaryOldCall: c('2', '4001'),
  transferringDevice: '4001',
  transferredToDevice: '4002',
  transferredConnections: [
    { newConnection: c('3', X), oldConnection: c('1', X) },
    { newConnection: c('3', '4002'), oldConnection: c('2', '4002') },
  ],
  localConnectionInfo: viewerState,
  cause: 'transfer',
});

describe('call identity follows call-id changes', () => {
  test('consultation then transfer: the transferrer leaves both calls; the consulted party keeps its reference under the new call id', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    replay(consultation, registry);

    const out = replay(
      [
        ['4001', transfered('null')],
        ['4002', transfered('connected')],
        ['4002', { type: 'ConnectionClearedEvent', droppedConnection: c('3', X), releasingDevice: X, localConnectionInfo: 'connected', cause: 'normalClearing' }],
        ['4002', { type: 'CallClearedEvent', clearedCall: c('3', ''), localConnectionInfo: 'null', cause: 'normalClearing' }],
      ],
      registry,
    );

    assert.deepEqual(out.map(short), [
      ['4001', 'transferred', '1', 'null'],
      ['4001', 'transferred', '2', 'null'],
      ['4002', 'transferred', '2', 'connected'],
      ['4002', 'connectionCleared', '2', 'connected'],
      ['4002', 'callCleared', '2', 'null'],
    ]);
    assert.deepEqual(out[2]!.previousCallRefs!.map((r) => r.replace(/\.[0-9a-z]+$/, '')), [`${LINK}:1`, `${LINK}:2`]);
    assert.equal(registry.active, 0);
  });

  test('while the transferred call lasts, both old references reach the new call id (commands keep working)', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    const before = replay(consultation, registry);
    const ref1 = before[0]!.callRef!;
    const ref2 = before.find((e) => e.device === '4002')!.callRef!;

    replay([['4001', transfered('null')]], registry);

    assert.equal(registry.callIdOf(ref1), '3');
    assert.equal(registry.callIdOf(ref2), '3');
    assert.deepEqual(registry.activeCallsOf('4001'), []);
    assert.deepEqual(registry.activeCallsOf('4002'), [{ callId: '3', ref: ref2, state: 'connected' }]);
  });

  test('a switch that keeps the primary call id (no new id): the same references, nothing minted', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    replay(consultation, registry);
    const keep = (state: 'null' | 'connected'): CstaEventBody => ({
      ...(transfered(state) as Extract<CstaEventBody, { type: 'TransferedEvent' }>),
      transferredConnections: [{ newConnection: c('1', '4002'), oldConnection: c('2', '4002') }],
    });

    const out = replay([['4001', keep('null')], ['4002', keep('connected')]], registry);

    assert.deepEqual(out.map(short), [
      ['4001', 'transferred', '1', 'null'],
      ['4001', 'transferred', '2', 'null'],
      ['4002', 'transferred', '2', 'connected'],
    ]);
    assert.equal(registry.activeCallsOf('4002')[0]!.callId, '1');
  });

  test('conference: the conferencing device stays under its first call, its consultation leg ends; the added party keeps its reference', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    replay(consultation, registry);
    const conferenced = (state: 'connected'): CstaEventBody => ({
      type: 'ConferencedEvent',
      primaryOldCall: c('1', '4001'),
      secondaryOldCall: c('2', '4001'),
      conferencingDevice: '4001',
      addedParty: '4002',
      conferenceConnections: [
        { newConnection: c('3', '4001'), oldConnection: c('1', '4001') },
        { newConnection: c('3', X), oldConnection: c('1', X) },
        { newConnection: c('3', '4002'), oldConnection: c('2', '4002') },
      ],
      localConnectionInfo: state,
      cause: 'conference',
    });

    const out = replay(
      [
        ['4001', conferenced('connected')],
        ['4002', conferenced('connected')],
        ['4001', { type: 'ConnectionClearedEvent', droppedConnection: c('3', '4002'), releasingDevice: '4002', localConnectionInfo: 'connected', cause: 'normalClearing' }],
        ['4002', { type: 'ConnectionClearedEvent', droppedConnection: c('3', '4002'), releasingDevice: '4002', localConnectionInfo: 'null', cause: 'normalClearing' }],
      ],
      registry,
    );

    assert.deepEqual(out.map(short), [
      ['4001', 'conferenced', '1', 'connected'],
      ['4001', 'conferenced', '2', 'null'],
      ['4002', 'conferenced', '2', 'connected'],
      ['4001', 'connectionCleared', '1', 'connected'],
      ['4002', 'connectionCleared', '2', 'null'],
    ]);
    assert.deepEqual(registry.activeCallsOf('4001').map((a) => a.callId), ['3'], '4001 still talks to the outside in the conference call');
  });

  test('single-step transfer: the transferrer leaves; the new destination starts its own row on the new call', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    replay(consultation.slice(0, 2), registry);

    const out = replay(
      [
        ['4001', { type: 'TransferedEvent', primaryOldCall: c('1', '4001'), transferringDevice: '4001', transferredToDevice: '4003', transferredConnections: [{ newConnection: c('2', X), oldConnection: c('1', X) }], localConnectionInfo: 'null', cause: 'singleStepTransfer' }],
        ['4003', { type: 'DeliveredEvent', connection: c('2', '4003'), alertingDevice: '4003', callingDevice: X, calledDevice: '4003', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'singleStepTransfer' }],
      ],
      registry,
    );

    assert.deepEqual(out.map(short), [
      ['4001', 'transferred', '1', 'null'],
      ['4003', 'delivered', '2', 'alerting'],
    ]);
    assert.equal(out[1]!.callingNumber, X);
  });
});

describe('forwarding and do not disturb', () => {
  test('ForwardingEvent and DoNotDisturbEvent become forwarding and doNotDisturb events without a call', () => {
    const out = replay([
      ['4001', { type: 'ForwardingEvent', device: '4001', forwardingType: 'forwardNoAns', forwardStatus: true, forwardTo: '4002' }],
      ['4001', { type: 'ForwardingEvent', device: '4001', forwardingType: 'forwardNoAns', forwardStatus: false }],
      ['4001', { type: 'ForwardingEvent', device: '4001', forwardingType: 'forwardVendorSpecial', forwardStatus: true, forwardTo: '4003' }],
      ['4001', { type: 'DoNotDisturbEvent', device: '4001', doNotDisturbOn: true }],
    ]);

    assert.deepEqual(
      out.map((e) => ({ kind: e.kind, type: e.forwardingType, on: e.forwardingOn, to: e.forwardTo, dnd: e.doNotDisturbOn, ref: e.callRef })),
      [
        { kind: 'forwarding', type: 'noAnswer', on: true, to: '4002', dnd: undefined, ref: undefined },
        { kind: 'forwarding', type: 'noAnswer', on: false, to: undefined, dnd: undefined, ref: undefined },
        { kind: 'forwarding', type: undefined, on: true, to: '4003', dnd: undefined, ref: undefined },
        { kind: 'doNotDisturb', type: undefined, on: undefined, to: undefined, dnd: true, ref: undefined },
      ],
    );
  });

  test('a diverted call leaves the forwarding device; the destination rings under the same call', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    const out = replay(
      [
        ['4001', { type: 'DivertedEvent', connection: c('5', '4001'), divertingDevice: '4001', newDestination: '4002', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: '4001', localConnectionInfo: 'null', cause: 'callForwardImmediate' }],
        ['4002', { type: 'DeliveredEvent', connection: c('5', '4002'), alertingDevice: '4002', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: '4001', localConnectionInfo: 'alerting', cause: 'redirected' }],
      ],
      registry,
    );

    assert.deepEqual(out.map(short), [
      ['4001', 'diverted', '5', 'null'],
      ['4002', 'delivered', '5', 'alerting'],
    ]);
    assert.equal(out[1]!.callRef, out[0]!.callRef, 'one call, one reference, though no monitored party was on it for a moment');
    assert.deepEqual(registry.activeCallsOf('4001'), []);
    assert.equal(registry.activeCallsOf('4002').length, 1);
  });

  test('a queued call distributed to a member keeps its reference; a call id reused after CallCleared gets a new one', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    const out = replay(
      [
        ['4900', { type: 'QueuedEvent', queuedConnection: c('7', '4900'), queue: '4900', callingDevice: X, calledDevice: '4900', numberQueued: 1, localConnectionInfo: 'queued', cause: 'enteringDistribution' }],
        ['4900', { type: 'DivertedEvent', connection: c('7', '4900'), divertingDevice: '4900', newDestination: '4001', callingDevice: X, calledDevice: '4900', lastRedirectionDevice: '4900', localConnectionInfo: 'null', cause: 'distributed' }],
        ['4001', { type: 'DeliveredEvent', connection: c('7', '4001'), alertingDevice: '4001', callingDevice: X, calledDevice: '4900', lastRedirectionDevice: '4900', localConnectionInfo: 'alerting', cause: 'distributed' }],
        ['4001', { type: 'ConnectionClearedEvent', droppedConnection: c('7', '4001'), releasingDevice: '4001', localConnectionInfo: 'null', cause: 'normalClearing' }],
        ['4001', { type: 'CallClearedEvent', clearedCall: c('7', ''), localConnectionInfo: 'null', cause: 'normalClearing' }],
        ['4001', { type: 'DeliveredEvent', connection: c('7', '4001'), alertingDevice: '4001', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' }],
      ],
      registry,
    );
    assert.deepEqual(out.map(short), [
      ['4900', 'queued', '7', 'queued'],
      ['4900', 'diverted', '7', 'null'],
      ['4001', 'delivered', '7', 'alerting'],
      ['4001', 'connectionCleared', '7', 'null'],
      ['4001', 'callCleared', '7', 'null'],
      ['4001', 'delivered', '7', 'alerting'],
    ]);
    assert.equal(new Set(out.slice(0, 5).map((e) => e.callRef)).size, 1, 'queue and member share the reference');
    assert.notEqual(out[5]!.callRef, out[0]!.callRef, 'a new call on a reused id');
  });
});

describe('resynchronization after a link loss (CallRegistry.reconcile)', () => {
  /** 4001 is in call 1 (connected) and call 2 rings at it. */
  function known() {
    const registry = new CallRegistry(LINK, () => 1_000);
    const evts = replay(
      [
        consultation[0]!,
        consultation[1]!,
        ['4002', { type: 'DeliveredEvent', connection: c('2', '4002'), alertingDevice: '4002', callingDevice: X, calledDevice: '4002', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' }],
      ],
      registry,
    );
    return { registry, ref1: evts[0]!.callRef!, ref2: evts[2]!.callRef! };
  }

  test('a call the snapshot no longer lists ended during the outage: callCleared', () => {
    const { registry, ref1 } = known();

    const found = registry.reconcile('4001', [], registry.seq);

    assert.deepEqual(found, [{ kind: 'callCleared', ref: ref1, callId: '1', localState: 'null' }]);
    assert.equal(registry.callIdOf(ref1), undefined);
    assert.deepEqual(registry.reconcile('4001', [], registry.seq), [], 'reconciling twice finds nothing more');
  });

  test('a call answered or held during the outage: established, held', () => {
    const { registry, ref1, ref2 } = known();

    assert.deepEqual(registry.reconcile('4002', [{ callId: '2', state: 'connected' }], registry.seq), [
      { kind: 'established', ref: ref2, callId: '2', localState: 'connected' },
    ]);
    assert.deepEqual(registry.reconcile('4001', [{ callId: '1', state: 'hold' }], registry.seq), [{ kind: 'held', ref: ref1, callId: '1', localState: 'hold' }]);
    assert.deepEqual(registry.reconcile('4001', [{ callId: '1', state: 'hold' }], registry.seq), [], 'nothing new');
  });

  test('an outgoing call the far end may have answered during the outage is found for a SnapshotCall, and marked once', () => {
    const registry = new CallRegistry(LINK, () => 1_000);
    const [originated] = replay(
      [['4001', { type: 'OriginatedEvent', originatedConnection: c('4', '4001'), callingDevice: '4001', calledDevice: X, localConnectionInfo: 'connected', cause: 'newCall' }]],
      registry,
    );

    assert.deepEqual(registry.unestablishedCallsOf('4001'), [{ callId: '4', ref: originated!.callRef }]);
    assert.deepEqual(registry.markEstablished('4001', '4'), { kind: 'established', ref: originated!.callRef, callId: '4', localState: 'connected' });
    assert.equal(registry.markEstablished('4001', '4'), undefined);
    assert.deepEqual(registry.unestablishedCallsOf('4001'), []);
  });

  test('a call that started during the outage is registered (commands work) without an event', () => {
    const { registry } = known();

    assert.deepEqual(registry.reconcile('4003', [{ callId: '9', state: 'connected' }], registry.seq), []);
    const [call] = registry.activeCallsOf('4003');
    assert.equal(call!.callId, '9');
    assert.equal(registry.callIdOf(call!.ref), '9');
  });

  test('events that raced the snapshot win: a call cleared after the snapshot was taken stays cleared, a call started after it is kept', () => {
    const { registry, ref1 } = known();
    const since = registry.seq;
    // While the SnapshotDevice request is out: call 1 ends, call 7 starts.
    replay(
      [
        ['4001', { type: 'CallClearedEvent', clearedCall: c('1', ''), localConnectionInfo: 'null', cause: 'normalClearing' }],
        ['4001', { type: 'DeliveredEvent', connection: c('7', '4001'), alertingDevice: '4001', callingDevice: X, calledDevice: '4001', lastRedirectionDevice: undefined, localConnectionInfo: 'alerting', cause: 'newCall' }],
      ],
      registry,
    );

    const found = registry.reconcile('4001', [{ callId: '1', state: 'connected' }], since);

    assert.deepEqual(found, []);
    assert.equal(registry.callIdOf(ref1), undefined, 'call 1 is not revived by the older snapshot');
    assert.deepEqual(registry.activeCallsOf('4001').map((a) => a.callId), ['7']);
  });

  test('resync and link events honour the contract', () => {
    const e = resyncEvent({ kind: 'callCleared', ref: `${LINK}:1.x`, callId: '1', localState: 'null' }, { linkId: LINK, domainId: DOMAIN, device: '4001', at: new Date(0) });
    assert.deepEqual(telephonyEventSchema.parse(e), { ...e });
    assert.equal(e.cause, 'resynchronized');
    const l = linkStateEvent({ linkId: LINK, domainId: DOMAIN }, false, 0, new Date(0), 'ECONNRESET');
    assert.equal(telephonyEventSchema.parse(l).device, LINK_EVENT_DEVICE);
    assert.equal(l.linkUp, false);
  });
});
