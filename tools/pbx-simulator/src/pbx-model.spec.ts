import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CstaEventBody } from '@tws/csta';
import { PbxError } from './pbx-model';
import { modelHarness as harness } from './pbx-model-test-harness';

const EXT = '+33155171889';

describe('PbxModel event tables', () => {
  it('incoming call answered, then the caller hangs up', () => {
    const { sut, events, trace } = harness();

    const call = sut.placeCall(EXT, '4001');
    assert.deepEqual(events.map((e) => e.event), [
      {
        type: 'DeliveredEvent',
        connection: { callId: call.callId, deviceId: '4001' },
        alertingDevice: '4001',
        callingDevice: EXT,
        calledDevice: '4001',
        lastRedirectionDevice: undefined,
        localConnectionInfo: 'alerting',
        cause: 'newCall',
      },
    ]);
    trace();
    sut.answer('4001');
    sut.clearConnection(EXT);

    assert.deepEqual(trace(), [
      ['4001', 'EstablishedEvent', 'connected', 'newCall'],
      ['4001', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
    assert.deepEqual(sut.calls(), []);
  });

  it('missed call: the caller gives up while it rings', () => {
    const { sut, trace } = harness();

    sut.placeCall(EXT, '4002');
    sut.clearConnection(EXT);

    assert.deepEqual(trace(), [
      ['4002', 'DeliveredEvent', 'alerting', 'newCall'],
      ['4002', 'ConnectionClearedEvent', 'alerting', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
  });

  it('outgoing call from the phone, answered outside, hung up by the phone', () => {
    const { sut, trace } = harness();

    sut.placeCall('4001', EXT);
    sut.answer(EXT);
    sut.clearConnection('4001');

    assert.deepEqual(trace(), [
      ['4001', 'ServiceInitiatedEvent', 'initiated', 'newCall'],
      ['4001', 'OriginatedEvent', 'connected', 'newCall'],
      ['4001', 'DeliveredEvent', 'connected', 'newCall'],
      ['4001', 'EstablishedEvent', 'connected', 'newCall'],
      ['4001', 'ConnectionClearedEvent', 'null', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
  });

  it('internal call: each side sees the call from its own side', () => {
    const { sut, trace } = harness();

    sut.placeCall('4001', '4002', 'makeCall');
    sut.answer('4002');
    sut.clearConnection('4002');

    assert.deepEqual(trace(), [
      ['4001', 'ServiceInitiatedEvent', 'initiated', 'makeCall'],
      ['4001', 'OriginatedEvent', 'connected', 'makeCall'],
      ['4001', 'DeliveredEvent', 'connected', 'newCall'],
      ['4002', 'DeliveredEvent', 'alerting', 'newCall'],
      ['4001', 'EstablishedEvent', 'connected', 'newCall'],
      ['4002', 'EstablishedEvent', 'connected', 'newCall'],
      ['4001', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4002', 'ConnectionClearedEvent', 'null', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
  });

  it('clearing a whole call sends CallCleared to every internal party', () => {
    const { sut, trace } = harness();
    const call = sut.placeCall('4001', '4002');
    trace();

    sut.clearCall(call.callId);

    assert.deepEqual(trace(), [
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
  });

  it('gives calls incrementing ids', () => {
    const { sut } = harness();

    assert.deepEqual([sut.placeCall(EXT, '4001').callId, sut.placeCall(EXT, '4002').callId], ['1', '2']);
  });

  it('refuses impossible steps with typed errors and changes nothing', () => {
    const { sut, events } = harness();
    const code = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof PbxError);
        return e.code;
      }
      assert.fail('expected a PbxError');
    };

    assert.equal(code(() => sut.placeCall(EXT, '+4930123')), 'unknownDevice');
    assert.equal(code(() => sut.placeCall('4001', '4001')), 'invalidNumber');
    assert.equal(code(() => sut.placeCall('4001', 'sip:x@y')), 'invalidNumber');
    assert.equal(code(() => sut.answer('4001')), 'invalidState');
    assert.equal(code(() => sut.answer('+4930123')), 'unknownDevice');
    assert.equal(code(() => sut.clearCall('99')), 'unknownCall');
    const call = sut.placeCall(EXT, '4001');
    assert.equal(code(() => sut.answer('4002', call.callId)), 'noConnection');
    assert.equal(code(() => sut.answer(EXT, call.callId)), 'invalidState');
    assert.equal(events.length, 1);
  });
});

/** "device Type local cause" plus the call id the event is about, for call-id changes. */
function callOf(e: CstaEventBody): string {
  switch (e.type) {
    case 'DeliveredEvent':
    case 'DivertedEvent':
      return e.connection.callId;
    case 'EstablishedEvent':
      return e.establishedConnection.callId;
    case 'HeldEvent':
      return e.heldConnection.callId;
    case 'RetrievedEvent':
      return e.retrievedConnection.callId;
    case 'ConnectionClearedEvent':
      return e.droppedConnection.callId;
    case 'CallClearedEvent':
      return e.clearedCall.callId;
    case 'FailedEvent':
      return e.failedConnection.callId;
    case 'ServiceInitiatedEvent':
      return e.initiatedConnection.callId;
    case 'OriginatedEvent':
      return e.originatedConnection.callId;
    case 'TransferedEvent':
    case 'ConferencedEvent':
      return e.primaryOldCall.callId;
    default:
      return '';
  }
}

describe('PbxModel: hold, consultation, transfer, conference', () => {
  /** 4001 talks with the outside (call 1). */
  function talking() {
    const h = harness();
    const call = h.sut.placeCall(EXT, '4001');
    h.sut.answer('4001');
    h.trace();
    return { ...h, call };
  }

  it('hold and retrieve: every party hears of it, the holder is in hold', () => {
    const { sut, trace } = talking();

    sut.hold('4001');
    sut.retrieve('4001');

    assert.deepEqual(trace(), [
      ['4001', 'HeldEvent', 'hold', 'normal'],
      ['4001', 'RetrievedEvent', 'connected', 'normal'],
    ]);
  });

  it('consultation then transfer: the two parties end up in a call with a new id, the transferrer leaves', () => {
    const { sut, trace, events } = talking();

    const consultation = sut.consult('4001', '4002');
    sut.answer('4002');
    assert.deepEqual(trace(), [
      ['4001', 'HeldEvent', 'hold', 'consultation'],
      ['4001', 'ServiceInitiatedEvent', 'initiated', 'consultation'],
      ['4001', 'OriginatedEvent', 'connected', 'consultation'],
      ['4001', 'DeliveredEvent', 'connected', 'newCall'],
      ['4002', 'DeliveredEvent', 'alerting', 'newCall'],
      ['4001', 'EstablishedEvent', 'connected', 'newCall'],
      ['4002', 'EstablishedEvent', 'connected', 'newCall'],
    ]);
    assert.equal(consultation.callId, '2');

    const merged = sut.transfer('4001');

    assert.equal(merged.callId, '3', 'a transfer gives the call a new id');
    const transfered = events.map((e) => e.event).filter((e) => e.type === 'TransferedEvent');
    assert.deepEqual(trace(), [
      ['4001', 'TransferedEvent', 'null', 'transfer'],
      ['4002', 'TransferedEvent', 'connected', 'transfer'],
    ]);
    const t = transfered[0]!;
    assert.equal(t.type, 'TransferedEvent');
    if (t.type !== 'TransferedEvent') return;
    assert.deepEqual(
      { primary: t.primaryOldCall, secondary: t.secondaryOldCall, by: t.transferringDevice, to: t.transferredToDevice },
      { primary: { callId: '1', deviceId: '4001' }, secondary: { callId: '2', deviceId: '4001' }, by: '4001', to: '4002' },
    );
    assert.deepEqual(t.transferredConnections, [
      { newConnection: { callId: '3', deviceId: EXT }, oldConnection: { callId: '1', deviceId: EXT } },
      { newConnection: { callId: '3', deviceId: '4002' }, oldConnection: { callId: '2', deviceId: '4002' } },
    ]);
    assert.deepEqual(sut.calls().map((c) => [c.callId, c.connections.map((x) => `${x.deviceId}:${x.state}`)]), [['3', [`${EXT}:connected`, '4002:connected']]]);
    assert.deepEqual(sut.snapshotDevice('4001'), []);

    sut.clearConnection(EXT);
    assert.deepEqual(trace(), [
      ['4002', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);
  });

  it('transfer while the consulted party still rings: it keeps ringing in the new call', () => {
    const { sut, trace } = talking();
    sut.consult('4001', '4002');
    trace();

    const merged = sut.transfer('4001');
    sut.answer('4002');

    assert.deepEqual(trace(), [
      ['4001', 'TransferedEvent', 'null', 'transfer'],
      ['4002', 'TransferedEvent', 'alerting', 'transfer'],
      ['4002', 'EstablishedEvent', 'connected', 'newCall'],
    ]);
    assert.equal(merged.connections.find((c) => c.deviceId === '4002')!.state, 'connected');
  });

  it('single-step transfer: the transferrer leaves, the new destination rings, under a new call id', () => {
    const { sut, trace } = talking();

    const moved = sut.singleStepTransfer('4001', '4003');

    assert.equal(moved.callId, '2');
    assert.deepEqual(trace(), [
      ['4001', 'TransferedEvent', 'null', 'singleStepTransfer'],
      ['4003', 'DeliveredEvent', 'alerting', 'singleStepTransfer'],
    ]);
  });

  it('conference: the held and the active call become one call with a new id and three parties', () => {
    const { sut, trace } = talking();
    sut.consult('4001', '4002');
    sut.answer('4002');
    trace();

    const conf = sut.conference('4001');

    assert.equal(conf.callId, '3');
    assert.deepEqual(trace(), [
      ['4001', 'ConferencedEvent', 'connected', 'conference'],
      ['4002', 'ConferencedEvent', 'connected', 'conference'],
    ]);
    assert.deepEqual(conf.connections.map((c) => c.deviceId), ['4001', EXT, '4002']);

    sut.clearConnection('4002');
    assert.deepEqual(trace(), [
      ['4001', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4002', 'ConnectionClearedEvent', 'null', 'normalClearing'],
    ]);
    assert.equal(sut.call('3')!.connections.length, 2, 'two parties left: the call goes on');
  });

  it('alternate toggles the two calls; reconnect drops the consultation and takes the held call back', () => {
    const { sut, trace } = talking();
    const consultation = sut.consult('4001', '4002');
    sut.answer('4002');
    trace();

    sut.alternate('4001');
    assert.deepEqual(
      trace().map((t) => [t[0], t[1], t[3]]),
      [
        ['4001', 'HeldEvent', 'alternate'],
        ['4002', 'HeldEvent', 'alternate'],
        ['4001', 'RetrievedEvent', 'alternate'],
      ],
    );
    sut.alternate('4001');
    trace();

    sut.reconnect('4001');

    assert.deepEqual(trace(), [
      ['4001', 'ConnectionClearedEvent', 'null', 'normalClearing'],
      ['4002', 'ConnectionClearedEvent', 'connected', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
      ['4002', 'CallClearedEvent', 'null', 'normalClearing'],
      ['4001', 'RetrievedEvent', 'connected', 'normal'],
    ]);
    assert.equal(sut.call(consultation.callId), undefined);
  });
});

describe('PbxModel: busy, no answer, deflection, forwarding, do not disturb', () => {
  it('a call to a busy device fails with cause busy (4002 hears nothing); the caller hears it until it hangs up', () => {
    const { sut, trace } = harness();
    sut.placeCall(EXT, '4002');
    sut.answer('4002');
    trace();

    const call = sut.placeCall('4001', '4002');

    assert.deepEqual(trace(), [
      ['4001', 'ServiceInitiatedEvent', 'initiated', 'newCall'],
      ['4001', 'OriginatedEvent', 'connected', 'newCall'],
      ['4001', 'FailedEvent', 'fail', 'busy'],
    ]);
    sut.clearConnection('4001', call.callId);
    assert.deepEqual(trace().map((t) => t[1]), ['ConnectionClearedEvent', 'CallClearedEvent']);
  });

  it('a network call to a busy device is released at once', () => {
    const { sut } = harness();
    sut.placeCall(EXT, '4002');

    sut.placeCall('+4930123', '4002');

    assert.deepEqual(sut.calls().map((c) => c.callId), ['1']);
  });

  it('no answer: the caller gives up (a missed call), or the call goes to the no-answer forwarding', () => {
    const { sut, trace } = harness();
    sut.placeCall(EXT, '4001');
    trace();
    sut.noAnswer('4001');
    assert.deepEqual(trace(), [
      ['4001', 'ConnectionClearedEvent', 'alerting', 'normalClearing'],
      ['4001', 'CallClearedEvent', 'null', 'normalClearing'],
    ]);

    sut.setForwarding('4001', 'forwardNoAns', true, '4003');
    trace();
    const call = sut.placeCall(EXT, '4001');
    sut.noAnswer('4001');

    assert.deepEqual(trace(), [
      ['4001', 'DeliveredEvent', 'alerting', 'newCall'],
      ['4001', 'DivertedEvent', 'null', 'callForwardNoAnswer'],
      ['4003', 'DeliveredEvent', 'alerting', 'redirected'],
    ]);
    assert.equal(call.lastRedirectionDevice, '4001');
  });

  it('the ring timer applies no answer by itself', async () => {
    const { sut, trace } = harness({ noAnswerMs: 20 });
    sut.placeCall(EXT, '4001');
    trace();

    const deadline = Date.now() + 2000;
    while (sut.calls().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));

    assert.deepEqual(trace().map((t) => t[1]), ['ConnectionClearedEvent', 'CallClearedEvent']);
    sut.dispose();
  });

  it('deflect: the ringing call goes elsewhere', () => {
    const { sut, trace } = harness();
    sut.placeCall(EXT, '4001');
    trace();

    sut.deflect('4001', '4002');

    assert.deepEqual(trace(), [
      ['4001', 'DivertedEvent', 'null', 'redirected'],
      ['4002', 'DeliveredEvent', 'alerting', 'redirected'],
    ]);
  });

  it('immediate forwarding: the forwarding device hears of the diversion, the destination rings; ForwardingEvent on each change', () => {
    const { sut, trace, events } = harness();

    sut.setForwarding('4001', 'forwardImmediate', true, '4002');
    assert.deepEqual(events.splice(0).map((e) => e.event), [
      { type: 'ForwardingEvent', device: '4001', forwardingType: 'forwardImmediate', forwardStatus: true, forwardTo: '4002' },
    ]);
    sut.placeCall(EXT, '4001');

    assert.deepEqual(trace(), [
      ['4001', 'DivertedEvent', 'null', 'callForwardImmediate'],
      ['4002', 'DeliveredEvent', 'alerting', 'redirected'],
    ]);
    assert.deepEqual(sut.forwardingOf('4001').find((f) => f.forwardingType === 'forwardImmediate'), {
      forwardingType: 'forwardImmediate',
      forwardStatus: true,
      forwardDN: '4002',
    });
    sut.setForwarding('4001', 'forwardImmediate', false);
    assert.deepEqual(events.splice(0).map((e) => e.event), [
      { type: 'ForwardingEvent', device: '4001', forwardingType: 'forwardImmediate', forwardStatus: false },
    ]);
  });

  it('busy forwarding diverts instead of failing; a forwarding loop fails instead of ringing forever', () => {
    const { sut, trace } = harness();
    sut.placeCall(EXT, '4002');
    sut.setForwarding('4002', 'forwardBusy', true, '4003');
    trace();

    sut.placeCall('+4930123', '4002');
    assert.deepEqual(trace().map((t) => [t[0], t[1], t[3]]), [
      ['4002', 'DivertedEvent', 'callForwardBusy'],
      ['4003', 'DeliveredEvent', 'redirected'],
    ]);

    sut.setForwarding('4001', 'forwardImmediate', true, '4003');
    sut.setForwarding('4003', 'forwardImmediate', true, '4001');
    trace();
    sut.placeCall('+4930999', '4001');
    assert.ok(trace().every((t) => t[1] === 'DivertedEvent'), 'diverted back and forth a few times, then released');
  });

  it('do not disturb: the call fails with cause doNotDisturb; DoNotDisturbEvent on each change', () => {
    const { sut, trace, events } = harness();
    sut.setDoNotDisturb('4002', true);
    assert.deepEqual(events.splice(0).map((e) => [e.device, e.event]), [['4002', { type: 'DoNotDisturbEvent', device: '4002', doNotDisturbOn: true }]]);

    sut.placeCall('4001', '4002');

    assert.deepEqual(trace().at(-1), ['4001', 'FailedEvent', 'fail', 'doNotDisturb']);
    assert.equal(sut.featuresOf('4002').doNotDisturb, true);
  });

  it('snapshots tell the calls of a device and the parties of a call', () => {
    const { sut } = harness();
    const call = sut.placeCall(EXT, '4001');
    sut.answer('4001');
    const second = sut.consult('4001', '4002');

    assert.deepEqual(sut.snapshotDevice('4001'), [
      { callId: call.callId, state: 'hold' },
      { callId: second.callId, state: 'connected' },
    ]);
    assert.deepEqual(sut.snapshotDevice('4002'), [{ callId: second.callId, state: 'alerting' }]);
    assert.deepEqual(sut.snapshotCall(call.callId).map((c) => [c.deviceId, c.state]), [
      [EXT, 'connected'],
      ['4001', 'hold'],
    ]);
    assert.deepEqual(sut.snapshotDevice('4003'), []);
  });

  it('every event names the call it is about; call ids only change on transfer and conference', () => {
    const { sut, events } = harness();
    sut.placeCall(EXT, '4001');
    sut.answer('4001');
    sut.hold('4001');
    sut.retrieve('4001');
    sut.clearConnection('4001');

    assert.deepEqual(new Set(events.map((e) => callOf(e.event))), new Set(['1']));
  });
});
