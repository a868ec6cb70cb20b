import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CstaEvent, CstaMessage, KnownCstaMessage } from '@tws/csta';
import { waitFor } from '@tws/testing';
import { get, post } from './control-api-test-client';
import { CstaTestClient } from './csta-test-client';
import { silentLogger } from './sim-log';
import { startSimulator, type PbxSimulator } from './simulator';

/**
 * The simulator's call-control, feature and snapshot services over real CSTA, its session
 * styles, and its fault injection — what the suite's CSTA link is tested against.
 */
const EXT = '+33155171889';

function typed<T extends CstaMessage['type']>(m: CstaMessage, type: T): Extract<CstaMessage, { type: T }> {
  assert.equal(m.type, type, JSON.stringify(m));
  return m as Extract<CstaMessage, { type: T }>;
}

describe('simulator services over CSTA', () => {
  let sim: PbxSimulator;
  let client: CstaTestClient;
  const xrefs: Record<string, string> = {};

  before(async () => {
    sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001', '4002', '4003'] }, { log: silentLogger });
  });
  after(() => sim.stop());
  beforeEach(async () => {
    client = await CstaTestClient.connect(sim.cstaPort);
    for (const d of ['4001', '4002', '4003']) {
      xrefs[d] = typed(await client.request({ type: 'MonitorStart', deviceObject: d }), 'MonitorStartResponse').monitorCrossRefId;
    }
  });
  afterEach(async () => {
    await client.close();
    for (const c of sim.model.calls()) sim.model.clearCall(c.callId);
  });

  const ask = (m: KnownCstaMessage) => client.request(m);
  /** Events on one device's monitor, by type. */
  const eventsOf = async (device: string, n: number) => (await client.events(n, xrefs[device])).map((e) => e.type);

  /** 4001 answers a call from outside; returns its call id. */
  async function talking(): Promise<string> {
    const { body } = await post(sim, '/calls', { from: EXT, to: '4001' });
    await post(sim, '/devices/4001/answer');
    await client.events(2, xrefs['4001']);
    return body.callId;
  }

  it('HoldCall and RetrieveCall', async () => {
    const callId = await talking();

    assert.deepEqual(await ask({ type: 'HoldCall', callToBeHeld: { callId, deviceId: '4001' } }), { type: 'HoldCallResponse' });
    assert.deepEqual(await eventsOf('4001', 1), ['HeldEvent']);
    assert.deepEqual(await ask({ type: 'HoldCall', callToBeHeld: { callId, deviceId: '4001' } }), {
      type: 'CSTAErrorCode',
      category: 'stateIncompatibility',
      value: 'invalidObjectState',
    });
    assert.deepEqual(await ask({ type: 'RetrieveCall', callToBeRetrieved: { callId, deviceId: '4001' } }), { type: 'RetrieveCallResponse' });
    assert.deepEqual(await eventsOf('4001', 1), ['RetrievedEvent']);
  });

  it('ConsultationCall, then TransferCall: the response and the events name the new call id', async () => {
    const callId = await talking();

    const consult = typed(await ask({ type: 'ConsultationCall', existingCall: { callId, deviceId: '4001' }, consultedDevice: '4002' }), 'ConsultationCallResponse');
    assert.notEqual(consult.initiatedCall.callId, callId);
    assert.deepEqual(await eventsOf('4001', 4), ['HeldEvent', 'ServiceInitiatedEvent', 'OriginatedEvent', 'DeliveredEvent']);
    await post(sim, '/devices/4002/answer');
    await eventsOf('4002', 2);
    await eventsOf('4001', 1);

    const transfer = typed(
      await ask({ type: 'TransferCall', heldCall: { callId, deviceId: '4001' }, activeCall: { callId: consult.initiatedCall.callId, deviceId: '4001' } }),
      'TransferCallResponse',
    );

    const [at4002] = await client.events(1, xrefs['4002']);
    const t = typed(at4002!, 'TransferedEvent');
    assert.equal(t.transferredConnections.find((c) => c.newConnection?.deviceId === '4002')!.newConnection!.callId, transfer.transferredCall!.callId);
    assert.equal(t.localConnectionInfo, 'connected');
    assert.equal(typed((await client.events(1, xrefs['4001']))[0]!, 'TransferedEvent').localConnectionInfo, 'null');
  });

  it('SingleStepTransferCall, ConferenceCall, AlternateCall, ReconnectCall', async () => {
    let callId = await talking();
    const sst = typed(await ask({ type: 'SingleStepTransferCall', activeCall: { callId, deviceId: '4001' }, transferredTo: '4003' }), 'SingleStepTransferCallResponse');
    assert.equal(sst.transferredCall!.deviceId, '4003');
    assert.deepEqual(await eventsOf('4003', 1), ['DeliveredEvent']);
    await post(sim, '/devices/4003/answer');
    await eventsOf('4003', 1);

    // 4003 now talks to the outside: consult 4002, then conference everyone.
    callId = sst.transferredCall!.callId;
    const consult = typed(await ask({ type: 'ConsultationCall', existingCall: { callId, deviceId: '4003' }, consultedDevice: '4002' }), 'ConsultationCallResponse');
    await post(sim, '/devices/4002/answer');
    const two = { heldCall: { callId, deviceId: '4003' }, activeCall: { callId: consult.initiatedCall.callId, deviceId: '4003' } };
    assert.deepEqual(await ask({ type: 'AlternateCall', ...two }), { type: 'AlternateCallResponse' });
    assert.deepEqual(await ask({ type: 'AlternateCall', heldCall: two.activeCall, activeCall: two.heldCall }), { type: 'AlternateCallResponse' });
    const conf = typed(await ask({ type: 'ConferenceCall', ...two }), 'ConferenceCallResponse');
    assert.deepEqual(sim.model.snapshotCall(conf.conferenceCall!.callId).map((c) => c.deviceId).sort(), [EXT, '4002', '4003'].sort());

    // ReconnectCall on a fresh consultation drops it and takes the held call back.
    sim.model.clearCall(conf.conferenceCall!.callId);
    const again = await talking();
    const c2 = typed(await ask({ type: 'ConsultationCall', existingCall: { callId: again, deviceId: '4001' }, consultedDevice: '4002' }), 'ConsultationCallResponse');
    assert.deepEqual(await ask({ type: 'ReconnectCall', heldCall: { callId: again, deviceId: '4001' }, activeCall: c2.initiatedCall }), { type: 'ReconnectCallResponse' });
    assert.deepEqual(sim.model.snapshotDevice('4001'), [{ callId: again, state: 'connected' }]);
  });

  it('DeflectCall and ClearCall', async () => {
    const { body } = await post(sim, '/calls', { from: EXT, to: '4001' });
    await eventsOf('4001', 1);

    assert.deepEqual(await ask({ type: 'DeflectCall', callToBeDiverted: { callId: body.callId, deviceId: '4001' }, newDestination: '4002' }), {
      type: 'DeflectCallResponse',
    });
    assert.deepEqual(await eventsOf('4001', 1), ['DivertedEvent']);
    assert.deepEqual(await eventsOf('4002', 1), ['DeliveredEvent']);
    assert.deepEqual(await ask({ type: 'ClearCall', callToBeCleared: { callId: body.callId, deviceId: '' } }), { type: 'ClearCallResponse' });
    assert.deepEqual(await eventsOf('4002', 1), ['CallClearedEvent']);
    assert.deepEqual(await ask({ type: 'ClearCall', callToBeCleared: { callId: body.callId, deviceId: '' } }), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidCallID',
    });
  });

  it('Set/GetForwarding and Set/GetDoNotDisturb report ForwardingEvent and DoNotDisturbEvent', async () => {
    assert.deepEqual(await ask({ type: 'SetForwarding', device: '4001', forwardingType: 'forwardBusy', activateForward: true, forwardDN: '4003' }), {
      type: 'SetForwardingResponse',
    });
    const [fwd] = await client.events(1, xrefs['4001']);
    assert.deepEqual(fwd, { type: 'ForwardingEvent', monitorCrossRefId: xrefs['4001'], device: '4001', forwardingType: 'forwardBusy', forwardStatus: true, forwardTo: '4003' });
    const list = typed(await ask({ type: 'GetForwarding', device: '4001' }), 'GetForwardingResponse').forwardingList;
    assert.deepEqual(list.find((f) => f.forwardingType === 'forwardBusy'), { forwardingType: 'forwardBusy', forwardStatus: true, forwardDN: '4003' });
    assert.deepEqual(await ask({ type: 'SetForwarding', device: '4001', forwardingType: 'forwardImmediate', activateForward: true }), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidForwardingDestination',
    });

    assert.deepEqual(await ask({ type: 'SetDoNotDisturb', device: '4002', doNotDisturbOn: true }), { type: 'SetDoNotDisturbResponse' });
    assert.deepEqual(await client.events(1, xrefs['4002']), [{ type: 'DoNotDisturbEvent', monitorCrossRefId: xrefs['4002'], device: '4002', doNotDisturbOn: true }]);
    assert.deepEqual(await ask({ type: 'GetDoNotDisturb', device: '4002' }), { type: 'GetDoNotDisturbResponse', doNotDisturbOn: true });
    await ask({ type: 'SetDoNotDisturb', device: '4002', doNotDisturbOn: false });
    await ask({ type: 'SetForwarding', device: '4001', forwardingType: 'forwardBusy', activateForward: false });
    await client.events(2);
  });

  it('SnapshotDevice and SnapshotCall', async () => {
    const callId = await talking();

    assert.deepEqual(await ask({ type: 'SnapshotDevice', snapshotObject: '4001' }), {
      type: 'SnapshotDeviceResponse',
      calls: [{ connection: { callId, deviceId: '4001' }, localConnectionState: 'connected' }],
    });
    assert.deepEqual(await ask({ type: 'SnapshotDevice', snapshotObject: '4003' }), { type: 'SnapshotDeviceResponse', calls: [] });
    assert.deepEqual(await ask({ type: 'SnapshotCall', snapshotObject: { callId, deviceId: '4001' } }), {
      type: 'SnapshotCallResponse',
      parties: [
        { deviceOnCall: EXT, callIdentifier: { callId, deviceId: EXT }, localConnectionState: 'connected' },
        { deviceOnCall: '4001', callIdentifier: { callId, deviceId: '4001' }, localConnectionState: 'connected' },
      ],
    });
    assert.deepEqual(await ask({ type: 'SnapshotDevice', snapshotObject: '9999' }), { type: 'CSTAErrorCode', category: 'operation', value: 'invalidDeviceID' });
  });

  it('the control API plays the phone: hold, consult, transfer, forwarding, do not disturb, no answer', async () => {
    await talking();
    assert.equal((await post(sim, '/devices/4001/consult', { to: '4002' })).status, 200);
    await post(sim, '/devices/4002/answer');
    const transfer = await post(sim, '/devices/4001/transfer');
    assert.equal(transfer.status, 200);
    assert.deepEqual((await get(sim, '/devices/4002')).calls, [{ callId: transfer.body.callId, state: 'connected' }]);

    assert.equal((await post(sim, '/devices/4003/forwarding', { type: 'noAnswer', on: true, destination: '4001' })).status, 200);
    assert.equal((await post(sim, '/devices/4003/dnd', { on: false })).status, 200);
    const detail = await get(sim, '/devices/4003');
    assert.equal(detail.doNotDisturb, false);
    assert.deepEqual(detail.forwarding.find((f: any) => f.forwardingType === 'forwardNoAns'), { forwardingType: 'forwardNoAns', forwardStatus: true, forwardDN: '4001' });
    await post(sim, '/calls', { from: '+4930123', to: '4003' });
    assert.equal((await post(sim, '/devices/4003/no-answer')).status, 200);
    assert.equal((await get(sim, '/devices/4001')).calls[0].state, 'alerting', 'forwarded on no answer to 4001');
    await post(sim, '/devices/4003/forwarding', { type: 'noAnswer', on: false });

    assert.equal((await post(sim, '/devices/4003/forwarding', { type: 'sideways', on: true })).status, 400);
    assert.equal((await post(sim, '/devices/4003/forwarding', { type: 'busy', on: true })).status, 400, 'no destination');
    assert.equal((await post(sim, '/devices/4003/dnd', {})).status, 400);
    assert.equal((await post(sim, '/devices/4003/hold')).status, 409);
    assert.equal((await post(sim, '/devices/4003/consult', {})).status, 400);
    assert.deepEqual((await get(sim, '/devices?first=4002&last=4003')).devices.map((d: any) => d.number), ['4002', '4003']);
  });
});

describe('simulator session styles and fault injection', () => {
  it('switch-driven: SystemStatus right after connect and every period; two unanswered close the link', async () => {
    const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001'], sessionStyle: 'switch-driven', heartbeatMs: 100 }, { log: silentLogger });
    const client = await CstaTestClient.connect(sim.cstaPort);
    try {
      const first = await client.next((r) => r.message.type === 'SystemStatus');
      assert.deepEqual(first.message, { type: 'SystemStatus', systemStatus: 'normal' });
      client.send(first.invokeId, { type: 'SystemStatusResponse' });
      const second = await client.next((r) => r.message.type === 'SystemStatus');
      client.send(second.invokeId, { type: 'SystemStatusResponse' });
      assert.equal(typed(await client.request({ type: 'MonitorStart', deviceObject: '4001' }), 'MonitorStartResponse').type, 'MonitorStartResponse');
      assert.equal((await get(sim, '/health')).sessionStyle, 'switch-driven');
      // Stop answering: the switch gives up on the link after two silent heartbeats.
      await client.closed;
      assert.ok(client.received.filter((r) => r.message.type === 'SystemStatus').length >= 4);
    } finally {
      await client.close();
      await sim.stop();
    }
  });

  describe('faults', () => {
    let sim: PbxSimulator;
    let client: CstaTestClient;
    let xref: string;
    before(async () => {
      sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['4001', '4002'] }, { log: silentLogger });
    });
    after(() => sim.stop());
    beforeEach(async () => {
      client = await CstaTestClient.connect(sim.cstaPort);
      await client.startSession();
      xref = typed(await client.request({ type: 'MonitorStart', deviceObject: '4001' }), 'MonitorStartResponse').monitorCrossRefId;
    });
    afterEach(async () => {
      await post(sim, '/faults', { keepAlive: true, eventDelayMs: 0, reorderEvents: false, answerRequests: true });
      await client.close();
      for (const c of sim.model.calls()) sim.model.clearCall(c.callId);
    });

    it('drop-link cuts the connection and forgets its monitors', async () => {
      assert.equal((await get(sim, '/clients')).clients.length, 1);

      assert.deepEqual((await post(sim, '/faults/drop-link')).body, { dropped: 1 });

      await client.closed;
      await waitFor('monitors gone', async () => (await get(sim, '/devices')).devices[0].monitors === 0, 5000, 10);
    });

    it('drop-link with refuseMs keeps the PBX unreachable for that long', async () => {
      assert.deepEqual((await post(sim, '/faults/drop-link', { refuseMs: 60_000 })).body, { dropped: 1 });
      await client.closed;

      const refused = await CstaTestClient.connect(sim.cstaPort);
      await refused.closed;
      assert.equal((await post(sim, '/faults/drop-link', { refuseMs: -5 })).status, 400);
      await post(sim, '/faults/drop-link', { refuseMs: 0 }); // the network is back for the next tests
    });

    it('keepAlive off: ResetApplicationSessionTimer goes unanswered', async () => {
      await post(sim, '/faults', { keepAlive: false });
      const session = client.received.find((r) => r.message.type === 'StartApplicationSessionPosResponse')!.message;

      await assert.rejects(
        client.request({ type: 'ResetApplicationSessionTimer', sessionId: typed(session, 'StartApplicationSessionPosResponse').sessionId }, 300),
        /timed out/,
      );
    });

    it('answerRequests off: a hung switch — requests are logged but unanswered, events still flow, the link stays up', async () => {
      assert.deepEqual((await post(sim, '/faults', { answerRequests: false })).body, { keepAlive: true, eventDelayMs: 0, reorderEvents: false, answerRequests: false });
      const since = (await get(sim, '/requests')).last;

      await assert.rejects(client.request({ type: 'SnapshotDevice', snapshotObject: '4001' }, 300), /timed out/);
      await post(sim, '/calls', { from: EXT, to: '4001' });
      assert.deepEqual((await client.events(1, xref)).map((e) => e.type), ['DeliveredEvent']);
      assert.deepEqual((await get(sim, `/requests?since=${since}`)).requests.map((r: { type: string }) => r.type), ['SnapshotDevice']);

      await post(sim, '/faults', { answerRequests: true });
      assert.equal((await client.request({ type: 'SnapshotDevice', snapshotObject: '4001' })).type, 'SnapshotDeviceResponse');
      assert.equal((await post(sim, '/faults', { answerRequests: 'no' })).status, 400);
    });

    it('unknown events and malformed frames can target one client', async () => {
      const other = await CstaTestClient.connect(sim.cstaPort);
      try {
        const ids = (await get(sim, '/clients')).clients.map((c: { id: number }) => c.id);
        const otherId = Math.max(...ids);
        assert.deepEqual((await post(sim, '/faults/unknown-event', { clientId: otherId })).body, { sent: 2 });
        assert.deepEqual((await post(sim, '/faults/malformed-frame', { kind: 'bad-xml', clientId: otherId })).body, { sent: 1 });
        await other.next((r) => r.message.type === 'unknown' && (r.message as { name: string }).name === 'FutureFeatureEvent');
        await client.request({ type: 'SystemStatus', systemStatus: 'normal' });
        assert.ok(!client.received.some((r) => r.message.type === 'unknown'), 'the first client got nothing');
        assert.equal((await post(sim, '/faults/unknown-event', { clientId: 'all' })).status, 400);
      } finally {
        await other.close();
      }
    });

    it('reorderEvents sends the events of one step in reverse; eventDelayMs holds them back', async () => {
      await post(sim, '/calls', { from: EXT, to: '4001' });
      await client.events(1, xref);
      await post(sim, '/faults', { reorderEvents: true });
      await post(sim, `/devices/${encodeURIComponent(EXT)}/hangup`);
      assert.deepEqual((await client.events(2, xref)).map((e: CstaEvent) => e.type), ['CallClearedEvent', 'ConnectionClearedEvent']);

      await post(sim, '/faults', { reorderEvents: false, eventDelayMs: 150 });
      const started = Date.now();
      await post(sim, '/calls', { from: EXT, to: '4001' });
      await client.events(1, xref);
      assert.ok(Date.now() - started >= 140, 'the event was held back');
      assert.equal((await post(sim, '/faults', { eventDelayMs: -1 })).status, 400);
    });

    it('unknown events and malformed frames reach the client; the link survives', async () => {
      assert.ok((await post(sim, '/faults/unknown-event')).body.sent >= 1);
      for (const kind of ['garbage', 'bad-xml', 'bad-header', 'entity', 'oversized', 'unknown-element']) {
        assert.equal((await post(sim, '/faults/malformed-frame', { kind })).status, 200, kind);
      }
      assert.equal((await post(sim, '/faults/malformed-frame', { kind: 'nice' })).status, 400);

      const unknown = await client.next((r) => r.message.type === 'unknown' && (r.message as { name: string }).name === 'FutureFeatureEvent');
      assert.ok(unknown);
      await post(sim, '/calls', { from: EXT, to: '4001' });
      assert.deepEqual((await client.events(1, xref)).map((e) => e.type), ['DeliveredEvent'], 'events still flow after the garbage');
    });
  });
});
