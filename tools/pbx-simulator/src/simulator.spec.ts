import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CSTA_NAMESPACES, encodeFrame, type CstaEvent, type CstaMessage } from '@tws/csta';
import { http } from './control-api-test-client';
import { CstaTestClient } from './csta-test-client';
import type { RequestLogEntry } from './request-log';
import { silentLogger } from './sim-log';
import { startSimulator, type PbxSimulator } from './simulator';

const EXT = '+33155171889';
const USER = 'tws';
const PASSWORD = 's3cret&<pw>';

/** Polls `check` until it returns true or the deadline passes (for state the server changes on its own). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

async function loggedIn(sim: PbxSimulator): Promise<CstaTestClient> {
  const client = await CstaTestClient.connect(sim.cstaPort);
  const r = await client.startSession(USER, PASSWORD);
  assert.equal(r.type, 'StartApplicationSessionPosResponse');
  return client;
}

async function monitor(client: CstaTestClient, device: string): Promise<string> {
  const r = await client.request({ type: 'MonitorStart', deviceObject: device });
  assert.equal(r.type, 'MonitorStartResponse', JSON.stringify(r));
  return (r as Extract<CstaMessage, { type: 'MonitorStartResponse' }>).monitorCrossRefId;
}

/** A round trip on the same socket: every event sent before it has arrived once it returns. */
async function assertNoMoreEvents(client: CstaTestClient): Promise<void> {
  assert.equal((await client.request({ type: 'SystemStatus', systemStatus: 'normal' })).type, 'SystemStatusResponse');
  assert.deepEqual(client.pendingEvents(), []);
}

describe('PBX simulator over CSTA + HTTP', () => {
  let sim: PbxSimulator;
  let api: ReturnType<typeof http>;
  let client: CstaTestClient;

  before(async () => {
    sim = await startSimulator(
      { host: '127.0.0.1', cstaPort: 0, httpPort: 0, devices: ['4001', '4002', '4003'], username: USER, password: PASSWORD },
      { log: silentLogger },
    );
    api = http(sim);
  });
  after(() => sim.stop());
  beforeEach(async () => {
    client = await loggedIn(sim);
  });
  afterEach(async () => {
    await client.close();
    // Leave no call behind for the next test.
    for (const c of sim.model.calls()) sim.model.clearCall(c.callId);
  });

  it('reports its actual ports and health', async () => {
    assert.ok(sim.cstaPort > 0 && sim.httpPort > 0 && sim.cstaPort !== sim.httpPort);

    const r = await api.get('/health');

    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'ok');
    assert.equal(r.body.cstaPort, sim.cstaPort);
  });

  it('refuses a session with a wrong password, and requests without a session', async () => {
    const other = await CstaTestClient.connect(sim.cstaPort);
    try {
      assert.deepEqual(await other.startSession(USER, 'wrong'), {
        type: 'StartApplicationSessionNegResponse',
        errorCode: 'invalidApplicationInfo',
      });
      assert.deepEqual(await other.request({ type: 'MonitorStart', deviceObject: '4001' }), {
        type: 'CSTAErrorCode',
        category: 'operation',
        value: 'securityViolation',
      });

      const ok = await other.startSession(USER, PASSWORD);
      assert.equal(ok.type, 'StartApplicationSessionPosResponse');
      if (ok.type === 'StartApplicationSessionPosResponse') {
        assert.equal(ok.actualProtocolVersion, CSTA_NAMESPACES.ed4);
        assert.equal(ok.actualSessionDuration, 180);
        assert.deepEqual(await other.request({ type: 'ResetApplicationSessionTimer', sessionId: ok.sessionId }), {
          type: 'ResetApplicationSessionTimerPosResponse',
          actualSessionDuration: 180,
        });
      }
      assert.deepEqual(await other.request({ type: 'ResetApplicationSessionTimer', sessionId: 'nope' }), {
        type: 'ResetApplicationSessionTimerNegResponse',
        errorCode: 'invalidSessionID',
      });
    } finally {
      await other.close();
    }
  });

  it('incoming call answered then hung up: Delivered, Established, ConnectionCleared, CallCleared', async () => {
    const xref = await monitor(client, '4001');

    const { callId } = await api.ok('/calls', { from: EXT, to: '4001' });
    const [delivered] = await client.events(1, xref);
    await api.ok('/devices/4001/answer');
    const [established] = await client.events(1, xref);
    await api.ok(`/devices/${encodeURIComponent(EXT)}/hangup`);
    const cleared = await client.events(2, xref);

    assert.deepEqual(delivered, {
      type: 'DeliveredEvent',
      monitorCrossRefId: xref,
      connection: { callId, deviceId: '4001' },
      alertingDevice: '4001',
      callingDevice: EXT,
      calledDevice: '4001',
      lastRedirectionDevice: undefined,
      localConnectionInfo: 'alerting',
      cause: 'newCall',
    });
    assert.deepEqual(established, {
      type: 'EstablishedEvent',
      monitorCrossRefId: xref,
      establishedConnection: { callId, deviceId: '4001' },
      answeringDevice: '4001',
      callingDevice: EXT,
      calledDevice: '4001',
      lastRedirectionDevice: undefined,
      localConnectionInfo: 'connected',
      cause: 'newCall',
    });
    assert.deepEqual(cleared, [
      {
        type: 'ConnectionClearedEvent',
        monitorCrossRefId: xref,
        droppedConnection: { callId, deviceId: EXT },
        releasingDevice: EXT,
        localConnectionInfo: 'connected',
        cause: 'normalClearing',
      },
      {
        type: 'CallClearedEvent',
        monitorCrossRefId: xref,
        clearedCall: { callId, deviceId: '' },
        localConnectionInfo: 'null',
        cause: 'normalClearing',
      },
    ]);
    assert.ok(client.received.filter((r) => r.message.type.endsWith('Event')).every((r) => r.invokeId === '9999'));
    await assertNoMoreEvents(client);
    assert.deepEqual((await api.get('/calls')).body.calls, []);
  });

  it('missed call: the caller hangs up while it rings — no Established', async () => {
    const xref = await monitor(client, '4002');

    const { callId } = await api.ok('/calls', { from: EXT, to: '4002' });
    const devices = await api.get('/devices');
    assert.deepEqual(devices.body.devices.find((d: any) => d.number === '4002'), {
      number: '4002',
      monitors: 1,
      calls: [{ callId, state: 'alerting' }],
    });
    await api.ok(`/devices/${encodeURIComponent(EXT)}/hangup`);
    const events = await client.events(3, xref);

    assert.deepEqual(
      events.map((e) => [e.type, e.localConnectionInfo, e.cause]),
      [
        ['DeliveredEvent', 'alerting', 'newCall'],
        ['ConnectionClearedEvent', 'alerting', 'normalClearing'],
        ['CallClearedEvent', 'null', 'normalClearing'],
      ],
    );
    assert.ok(events.every((e) => callIdOf(e) === callId));
    await assertNoMoreEvents(client);
  });

  it('MakeCall to the network: response first, then ServiceInitiated, Originated, Delivered; answer; ClearConnection', async () => {
    const xref = await monitor(client, '4001');
    const since = (await api.get('/requests')).body.last;

    const response = await client.request({ type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: EXT, autoOriginate: 'doNotPrompt' });
    assert.equal(response.type, 'MakeCallResponse');
    const callId = response.type === 'MakeCallResponse' ? response.callingDevice.callId : '';
    assert.deepEqual(response, { type: 'MakeCallResponse', callingDevice: { callId, deviceId: '4001' } });
    const setup = await client.events(3, xref);
    await api.ok(`/devices/${encodeURIComponent(EXT)}/answer`);
    const [established] = await client.events(1, xref);
    const clear = await client.request({ type: 'ClearConnection', connectionToBeCleared: { callId, deviceId: '4001' } });
    const teardown = await client.events(2, xref);

    // The response came before the first event of the call.
    const order = client.received.map((r) => r.message.type);
    assert.ok(order.indexOf('MakeCallResponse') < order.indexOf('ServiceInitiatedEvent'));
    assert.deepEqual(setup, [
      {
        type: 'ServiceInitiatedEvent',
        monitorCrossRefId: xref,
        initiatedConnection: { callId, deviceId: '4001' },
        initiatingDevice: '4001',
        localConnectionInfo: 'initiated',
        cause: 'makeCall',
      },
      {
        type: 'OriginatedEvent',
        monitorCrossRefId: xref,
        originatedConnection: { callId, deviceId: '4001' },
        callingDevice: '4001',
        calledDevice: EXT,
        localConnectionInfo: 'connected',
        cause: 'makeCall',
      },
      {
        type: 'DeliveredEvent',
        monitorCrossRefId: xref,
        connection: { callId, deviceId: EXT },
        alertingDevice: EXT,
        callingDevice: '4001',
        calledDevice: EXT,
        lastRedirectionDevice: undefined,
        localConnectionInfo: 'connected',
        cause: 'newCall',
      },
    ]);
    assert.deepEqual(established, {
      type: 'EstablishedEvent',
      monitorCrossRefId: xref,
      establishedConnection: { callId, deviceId: EXT },
      answeringDevice: EXT,
      callingDevice: '4001',
      calledDevice: EXT,
      lastRedirectionDevice: undefined,
      localConnectionInfo: 'connected',
      cause: 'newCall',
    });
    assert.deepEqual(clear, { type: 'ClearConnectionResponse' });
    assert.deepEqual(
      teardown.map((e) => [e.type, e.localConnectionInfo, e.cause]),
      [
        ['ConnectionClearedEvent', 'null', 'normalClearing'],
        ['CallClearedEvent', 'null', 'normalClearing'],
      ],
    );
    await assertNoMoreEvents(client);

    // The switch saw the MakeCall, as a test of the gateway would assert it.
    const seen: RequestLogEntry[] = (await api.get(`/requests?since=${since}`)).body.requests;
    const makeCall = seen.find((r) => r.type === 'MakeCall');
    assert.deepEqual(makeCall?.message, { type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: EXT, autoOriginate: 'doNotPrompt' });
    assert.match(makeCall!.xml, /<calledDirectoryNumber>\+33155171889<\/calledDirectoryNumber>/);
    assert.deepEqual(
      seen.map((r) => r.type),
      ['MakeCall', 'ClearConnection', 'SystemStatus'],
    );
  });

  it('AnswerCall over CSTA answers an incoming call', async () => {
    const xref = await monitor(client, '4003');
    const { callId } = await api.ok('/calls', { from: EXT, to: '4003' });
    await client.events(1, xref);

    assert.deepEqual(await client.request({ type: 'AnswerCall', callToBeAnswered: { callId, deviceId: '4003' } }), { type: 'AnswerCallResponse' });
    const [established] = await client.events(1, xref);
    assert.equal(established!.type, 'EstablishedEvent');
    assert.equal((await api.get('/calls')).body.calls[0].connections.find((c: any) => c.deviceId === '4003').state, 'connected');

    assert.deepEqual(await client.request({ type: 'AnswerCall', callToBeAnswered: { callId, deviceId: '4003' } }), {
      type: 'CSTAErrorCode',
      category: 'stateIncompatibility',
      value: 'invalidObjectState',
    });
  });

  it('internal call: both monitors get the sequence from their own side', async () => {
    const other = await loggedIn(sim);
    try {
      const xrefA = await monitor(client, '4001');
      const xrefB = await monitor(other, '4002');
      assert.notEqual(xrefA, xrefB);

      const { callId } = await api.ok('/calls', { from: '4001', to: '4002' });
      const a1 = await client.events(3, xrefA);
      const b1 = await other.events(1, xrefB);
      await api.ok('/devices/4002/answer');
      const a2 = await client.events(1, xrefA);
      const b2 = await other.events(1, xrefB);
      await api.ok('/devices/4001/hangup');
      const a3 = await client.events(2, xrefA);
      const b3 = await other.events(2, xrefB);

      const brief = (events: CstaEvent[]) => events.map((e) => [e.type, e.localConnectionInfo, e.cause, callIdOf(e)]);
      assert.deepEqual(brief([...a1, ...a2, ...a3]), [
        ['ServiceInitiatedEvent', 'initiated', 'newCall', callId],
        ['OriginatedEvent', 'connected', 'newCall', callId],
        ['DeliveredEvent', 'connected', 'newCall', callId],
        ['EstablishedEvent', 'connected', 'newCall', callId],
        ['ConnectionClearedEvent', 'null', 'normalClearing', callId],
        ['CallClearedEvent', 'null', 'normalClearing', callId],
      ]);
      assert.deepEqual(brief([...b1, ...b2, ...b3]), [
        ['DeliveredEvent', 'alerting', 'newCall', callId],
        ['EstablishedEvent', 'connected', 'newCall', callId],
        ['ConnectionClearedEvent', 'connected', 'normalClearing', callId],
        ['CallClearedEvent', 'null', 'normalClearing', callId],
      ]);
      assert.equal((b1[0] as Extract<CstaEvent, { type: 'DeliveredEvent' }>).callingDevice, '4001');
      await assertNoMoreEvents(client);
      await assertNoMoreEvents(other);
    } finally {
      await other.close();
    }
  });

  it('every monitor of a device gets the events; MonitorStop ends that', async () => {
    const first = await monitor(client, '4001');
    const second = await monitor(client, '4001');

    await api.ok('/calls', { from: EXT, to: '4001' });
    const events = await client.events(2);
    assert.deepEqual(events.map((e) => e.monitorCrossRefId).sort(), [first, second].sort());

    assert.deepEqual(await client.request({ type: 'MonitorStop', monitorCrossRefId: first }), { type: 'MonitorStopResponse' });
    await api.ok('/devices/4001/answer');
    assert.deepEqual((await client.events(1)).map((e) => e.monitorCrossRefId), [second]);
    await assertNoMoreEvents(client);
    assert.deepEqual(await client.request({ type: 'MonitorStop', monitorCrossRefId: first }), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidCrossRefID',
    });
  });

  it('answers invalid devices with invalidDeviceID and unknown requests with unspecified', async () => {
    const invalidDevice = { type: 'CSTAErrorCode', category: 'operation', value: 'invalidDeviceID' };

    assert.deepEqual(await client.request({ type: 'MonitorStart', deviceObject: '4999' }), invalidDevice);
    assert.deepEqual(await client.request({ type: 'MonitorStart', deviceObject: EXT }), invalidDevice);
    assert.deepEqual(await client.request({ type: 'MakeCall', callingDevice: '4999', calledDirectoryNumber: EXT }), invalidDevice);
    assert.deepEqual(await client.request({ type: 'AnswerCall', callToBeAnswered: { callId: '1', deviceId: '4999' } }), invalidDevice);
    assert.deepEqual(await client.request({ type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: 'sip:x@y' }), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidCalledDevice',
    });
    assert.deepEqual(await client.request({ type: 'ClearConnection', connectionToBeCleared: { callId: '999', deviceId: '4001' } }), {
      type: 'CSTAErrorCode',
      category: 'operation',
      value: 'invalidCallID',
    });

    client.sendRaw(encodeFrame('0777', `<ParkCall xmlns="${CSTA_NAMESPACES.ed4}"><parking><callID>1</callID></parking></ParkCall>`));
    const reply = await client.next((r) => r.invokeId === '0777');
    assert.deepEqual(reply.message, { type: 'CSTAErrorCode', category: 'unspecified', value: 'unspecified' });
  });

  it('drops a bad frame or broken XML, logs it, and keeps the link', async () => {
    client.sendRaw(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    client.sendRaw(encodeFrame('0100', '<MonitorStart><monitorObject>'));
    client.sendRaw(encodeFrame('0101', '<!DOCTYPE x [<!ENTITY a "b">]><MonitorStart/>'));

    const xref = await monitor(client, '4001');

    assert.ok(xref);
    const invalid: RequestLogEntry[] = (await api.get('/requests')).body.requests.filter((r: RequestLogEntry) => r.type === 'invalid');
    assert.deepEqual(invalid.slice(-2).map((r) => r.invokeId), ['0100', '0101']);
    assert.ok(!client.received.some((r) => ['0100', '0101'].includes(r.invokeId)));
  });

  it('never serves the session password in the request log', async () => {
    const { requests } = (await api.get('/requests')).body as { requests: RequestLogEntry[] };
    const logins = requests.filter((r) => r.type === 'StartApplicationSession');

    assert.ok(logins.length > 0);
    for (const r of logins) {
      assert.ok(!r.xml.includes('s3cret'), r.xml);
      assert.equal((r.message as any).password, '***');
    }
  });

  it('drops the monitors of a client that disconnects', async () => {
    const other = await loggedIn(sim);
    await monitor(other, '4003');
    const monitors = async () => (await api.get('/devices')).body.devices.find((d: any) => d.number === '4003').monitors;
    assert.equal(await monitors(), 1);

    await other.close();

    await eventually(async () => (await monitors()) === 0, 'the monitor of the closed client is gone');
  });

  it('answers bad control requests with 400/404/409 naming the problem', async () => {
    const badJson = await api.postRaw('/calls', '{from:');
    assert.equal(badJson.status, 400);
    assert.match(badJson.body.error, /^body: invalid JSON/);

    const noFrom = await api.post('/calls', { to: '4001' });
    assert.equal(noFrom.status, 400);
    assert.match(noFrom.body.error, /^from: required/);

    const badTo = await api.post('/calls', { from: EXT, to: 42 });
    assert.equal(badTo.status, 400);
    assert.match(badTo.body.error, /^to: must be a string/);

    const notDialable = await api.post('/calls', { from: 'alice', to: '4001' });
    assert.equal(notDialable.status, 400);
    assert.match(notDialable.body.error, /^from: "alice" is not a dialable number/);

    const array = await api.postRaw('/calls', '[]');
    assert.equal(array.status, 400);

    const outsideToOutside = await api.post('/calls', { from: EXT, to: '+4930123' });
    assert.equal(outsideToOutside.status, 404);

    const unknownDevice = await api.post('/devices/4999/answer');
    assert.equal(unknownDevice.status, 404);
    assert.match(unknownDevice.body.error, /4999/);

    const nothingRinging = await api.post('/devices/4001/answer');
    assert.equal(nothingRinging.status, 409);

    assert.equal((await api.post('/calls/12345/hangup')).status, 404);
    assert.equal((await api.get('/requests?since=abc')).status, 400);
    assert.equal((await api.get('/nope')).status, 404);
    assert.equal((await api.post('/health')).status, 405);
  });
});

describe('PBX simulator without credentials', () => {
  it('serves requests without a session, speaks the edition it is configured for, and stops cleanly', async () => {
    const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['100'], edition: 'ed5' }, { log: silentLogger });
    const client = await CstaTestClient.connect(sim.cstaPort, '127.0.0.1', 'ed3');
    try {
      const xref = await monitor(client, '100');
      assert.ok(xref);
      await http(sim).ok('/calls', { from: '200', to: '100' });
      await client.events(1, xref);
      assert.deepEqual(
        client.received.map((r) => r.namespace),
        [CSTA_NAMESPACES.ed5, CSTA_NAMESPACES.ed5],
      );
    } finally {
      await sim.stop();
      await sim.stop();
    }
    await client.closed;
    assert.equal(client.received.length, 2);
    await assert.rejects(fetch(`http://127.0.0.1:${sim.httpPort}/health`));
  });

  it('negotiates the edition requested at session start', async () => {
    const sim = await startSimulator({ cstaPort: 0, httpPort: 0, devices: ['100'] }, { log: silentLogger });
    const client = await CstaTestClient.connect(sim.cstaPort, '127.0.0.1', 'ed3');
    try {
      const r = await client.startSession(undefined, undefined, 'ed6');
      assert.equal(r.type === 'StartApplicationSessionPosResponse' && r.actualProtocolVersion, CSTA_NAMESPACES.ed6);
      await client.request({ type: 'SystemStatus', systemStatus: 'normal' });
      assert.equal(client.received.at(-1)?.namespace, CSTA_NAMESPACES.ed6);
      const last: RequestLogEntry[] = (await http(sim).get('/requests')).body.requests;
      assert.equal(last.length, 2);
    } finally {
      await client.close();
      await sim.stop();
    }
  });
});

function callIdOf(e: CstaEvent): string {
  switch (e.type) {
    case 'ServiceInitiatedEvent':
      return e.initiatedConnection.callId;
    case 'OriginatedEvent':
      return e.originatedConnection.callId;
    case 'DeliveredEvent':
      return e.connection.callId;
    case 'EstablishedEvent':
      return e.establishedConnection.callId;
    case 'ConnectionClearedEvent':
      return e.droppedConnection.callId;
    case 'CallClearedEvent':
      return e.clearedCall.callId;
    default:
      return '';
  }
}
