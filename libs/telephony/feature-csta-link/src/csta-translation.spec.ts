import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, isCstaEvent, type CstaEvent } from '@tws/csta';
import { telephonyEventSchema } from '@tws/contracts';
import { translateCstaEvent } from './csta-translation';
import { CallRegistry } from './call-registry';

const LINK = '11111111-1111-4111-8111-111111111111';
const DOMAIN = '22222222-2222-4222-8222-222222222222';
const NS = 'http://www.ecma-international.org/standards/ecma-323/csta/ed4';

function event(xml: string): CstaEvent {
  const r = decodeMessage(xml);
  assert.ok(r.ok && isCstaEvent(r.message), `not an event: ${xml}`);
  return r.message as CstaEvent;
}

/** PBX frames in (as a real switch sends them), normalized events out (one per frame here). */
function run(device: string, frames: string[], registry = new CallRegistry(LINK, () => 1_000)) {
  return frames.map((xml, i) => {
    const out = translateCstaEvent(event(xml), {
      linkId: LINK,
      domainId: DOMAIN,
      device,
      receivedAt: new Date(Date.UTC(2026, 10, 28, 9, 0, i)),
      eventId: `e${i}`,
      calls: registry,
    });
    for (const e of out) telephonyEventSchema.parse(e); // every translated event honours the contract
    assert.equal(out.length, 1);
    return out[0]!;
  });
}

const delivered = `<DeliveredEvent xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>
  <connection><callID>12</callID><deviceID>4001</deviceID></connection>
  <alertingDevice><deviceIdentifier>4001</deviceIdentifier></alertingDevice>
  <callingDevice><deviceIdentifier>+33155171889</deviceIdentifier></callingDevice>
  <calledDevice><deviceIdentifier>4001</deviceIdentifier></calledDevice>
  <lastRedirectionDevice><notRequired/></lastRedirectionDevice>
  <localConnectionInfo>alerting</localConnectionInfo><cause>newCall</cause></DeliveredEvent>`;
const established = `<EstablishedEvent xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>
  <establishedConnection><callID>12</callID><deviceID>4001</deviceID></establishedConnection>
  <answeringDevice><deviceIdentifier>4001</deviceIdentifier></answeringDevice>
  <callingDevice><deviceIdentifier>+33155171889</deviceIdentifier></callingDevice>
  <calledDevice><deviceIdentifier>4001</deviceIdentifier></calledDevice>
  <lastRedirectionDevice><notKnown/></lastRedirectionDevice>
  <localConnectionInfo>connected</localConnectionInfo><cause>newCall</cause></EstablishedEvent>`;
const cleared = `<ConnectionClearedEvent xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>
  <droppedConnection><callID>12</callID><deviceID>+33155171889</deviceID></droppedConnection>
  <releasingDevice><deviceIdentifier>+33155171889</deviceIdentifier></releasingDevice>
  <localConnectionInfo>connected</localConnectionInfo><cause>normalClearing</cause></ConnectionClearedEvent>`;
const callCleared = `<CallClearedEvent xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>
  <clearedCall><callID>12</callID></clearedCall><localConnectionInfo>null</localConnectionInfo><cause>normalClearing</cause></CallClearedEvent>`;

describe('CSTA events → normalized telephony events', () => {
  test('an incoming call: parties, states, causes and one call reference', () => {
    const out = run('4001', [delivered, established, cleared, callCleared]);
    const ref = `${LINK}:12.${(1000).toString(36)}`;
    assert.deepEqual(
      out.map((e) => [e.kind, e.callRef, e.localState, e.cause]),
      [
        ['delivered', ref, 'alerting', 'newCall'],
        ['established', ref, 'connected', 'newCall'],
        ['connectionCleared', ref, 'connected', 'normalClearing'],
        ['callCleared', ref, 'null', 'normalClearing'],
      ],
    );
    assert.deepEqual(
      { calling: out[0]!.callingNumber, called: out[0]!.calledNumber, alerting: out[0]!.alertingDevice },
      { calling: '+33155171889', called: '4001', alerting: '4001' },
    );
    assert.equal(out[1]!.answeringDevice, '4001');
    assert.equal(out[2]!.releasingDevice, '+33155171889');
    assert.equal(out[0]!.device, '4001');
    assert.equal(out[0]!.occurredAt, '2026-11-28T09:00:00.000Z');
  });

  test('a PBX that reuses a call id gets a new call reference for the new call', () => {
    let now = 1_000;
    const registry = new CallRegistry(LINK, () => now);
    const first = run('4001', [delivered, established, cleared, callCleared], registry);
    now = 5_000;
    const second = run('4001', [delivered, cleared, callCleared], registry);
    assert.notEqual(second[0]!.callRef, first[0]!.callRef);
    assert.equal(new Set(second.map((e) => e.callRef)).size, 1, 'trailing clearing events keep the new reference');
  });

  test('absent parties (<notKnown/>, <restricted/>) are left out, not invented', () => {
    const restricted = delivered.replace('<deviceIdentifier>+33155171889</deviceIdentifier>', '<restricted/>');
    const [e] = run('4001', [restricted]);
    assert.equal(e!.callingNumber, undefined);
    assert.ok(!('callingNumber' in e!));
  });

  test('a transfer moves the device to the new call and remembers the old ones', () => {
    const transfered = `<TransferedEvent xmlns="${NS}"><monitorCrossRefID>7</monitorCrossRefID>
      <primaryOldCall><callID>12</callID><deviceID>4001</deviceID></primaryOldCall>
      <secondaryOldCall><callID>13</callID><deviceID>4001</deviceID></secondaryOldCall>
      <transferringDevice><deviceIdentifier>4001</deviceIdentifier></transferringDevice>
      <transferredToDevice><deviceIdentifier>4002</deviceIdentifier></transferredToDevice>
      <transferredConnections><connectionListItem><newConnection><callID>14</callID><deviceID>4002</deviceID></newConnection>
      <oldConnection><callID>13</callID><deviceID>4002</deviceID></oldConnection></connectionListItem></transferredConnections>
      <localConnectionInfo>connected</localConnectionInfo><cause>transfer</cause></TransferedEvent>`;
    const registry = new CallRegistry(LINK, () => 1_000);
    const [e] = run('4002', [transfered], registry);
    assert.equal(e!.kind, 'transferred');
    assert.equal(e!.previousCallRefs!.length, 2);
    assert.equal(e!.callRef, e!.previousCallRefs![0], 'a device the link knew on neither call continues under the primary call');
    assert.equal(registry.callIdOf(e!.callRef!), '14', 'the reference now reaches the new call id');
  });
});

describe('CallRegistry', () => {
  test('knows active calls for call control, and forgets them when they end', () => {
    const sut = new CallRegistry(LINK, () => 42);
    const ref = sut.refOf({ callId: '9', deviceId: '4001' }, true)!;
    assert.equal(sut.callIdOf(ref), '9');
    sut.track(event(delivered.replaceAll('<callID>12</callID>', '<callID>9</callID>')), '4001');
    assert.equal(sut.active, 1);
    sut.track(event(callCleared.replace('<callID>12</callID>', '<callID>9</callID>')), '4001');
    assert.equal(sut.active, 0);
    assert.equal(sut.callIdOf(ref), undefined, 'an ended call cannot be answered or cleared');
  });

  test('two calls minted in the same millisecond still differ', () => {
    const sut = new CallRegistry(LINK, () => 7);
    const a = sut.refOf({ callId: '1', deviceId: '' }, true);
    sut.track(event(callCleared.replace('<callID>12</callID>', '<callID>1</callID>')), '4001');
    const b = sut.refOf({ callId: '1', deviceId: '' }, true);
    assert.notEqual(a, b);
  });
});
