import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CstaEventBody } from '@tws/csta';
import { PbxError, PbxModel } from './pbx-model';

const EXT = '+33155171889';

/** A compact trace line: "device Type localState cause". */
type Trace = [device: string, type: string, local: string | undefined, cause: string | undefined];

function harness() {
  const sut = new PbxModel(['4001', '4002', '4003']);
  const events: { device: string; event: CstaEventBody }[] = [];
  sut.onEvent((device, event) => events.push({ device, event }));
  const trace = (): Trace[] => events.splice(0).map(({ device, event }) => [device, event.type, event.localConnectionInfo, event.cause]);
  return { sut, events, trace };
}

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
