import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { CstaFrameDecoder, decodeMessage, encodeFrame, encodeMessage, type CstaEvent, type KnownCstaMessage } from '@tws/csta';
import { createLogger } from '@tws/logging';
import { CstaClient, CstaRequestError, CstaUnavailableError, type CstaClientOptions } from './csta-client';

/**
 * CstaClient against a scripted PBX on a real TCP socket: what the PBX answers (or does not)
 * is decided per test.
 */
class ScriptedPbx {
  readonly server: Server;
  readonly sockets: Socket[] = [];
  readonly received: { invokeId: string; message: KnownCstaMessage }[] = [];
  answer: (m: KnownCstaMessage) => KnownCstaMessage | undefined = (m) => defaultAnswer(m);

  constructor() {
    this.server = createServer((s) => {
      this.sockets.push(s);
      const decoder = new CstaFrameDecoder();
      s.on('data', (chunk) => {
        for (const f of decoder.push(chunk)) {
          const r = decodeMessage(f.xml);
          if (!r.ok || r.message.type === 'unknown') continue;
          this.received.push({ invokeId: f.invokeId, message: r.message });
          const reply = this.answer(r.message);
          if (reply) s.write(encodeFrame(f.invokeId, encodeMessage(reply)));
        }
      });
      s.on('error', () => undefined);
    });
  }

  async listen(port = 0) {
    this.server.listen(port, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  send(bytes: Buffer) {
    for (const s of this.sockets) if (!s.destroyed) s.write(bytes);
  }

  async close() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

function defaultAnswer(m: KnownCstaMessage): KnownCstaMessage | undefined {
  switch (m.type) {
    case 'StartApplicationSession':
      return m.password === 'right'
        ? { type: 'StartApplicationSessionPosResponse', sessionId: 'S1', actualProtocolVersion: m.requestedProtocolVersions[0]!, actualSessionDuration: 2 }
        : { type: 'StartApplicationSessionNegResponse', errorCode: 'invalidApplicationInfo' };
    case 'ResetApplicationSessionTimer':
      return { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: 2 };
    case 'MonitorStart':
      return { type: 'MonitorStartResponse', monitorCrossRefId: '77' };
    case 'MakeCall':
      return { type: 'CSTAErrorCode', category: 'operation', value: 'invalidCalledDevice' };
    default:
      return undefined;
  }
}

const delivered: CstaEvent = {
  type: 'DeliveredEvent',
  monitorCrossRefId: '77',
  connection: { callId: '5', deviceId: '4001' },
  alertingDevice: '4001',
  callingDevice: '+33155171889',
  calledDevice: '4001',
  lastRedirectionDevice: undefined,
  localConnectionInfo: 'alerting',
  cause: 'newCall',
};

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('CstaClient', () => {
  const clients: CstaClient[] = [];
  const pbxs: ScriptedPbx[] = [];
  const make = async (password = 'right', extra: Partial<CstaClientOptions> = {}) => {
    const pbx = new ScriptedPbx();
    pbxs.push(pbx);
    const port = await pbx.listen();
    const sut = new CstaClient({ host: '127.0.0.1', port, username: 'tws', password, logger: createLogger('test', 'silent'), backoffMs: 50, maxBackoffMs: 200, requestTimeoutMs: 500, ...extra });
    clients.push(sut);
    return { pbx, sut, port };
  };
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(pbxs.map((p) => p.close()));
  });

  test('starts a session with the configured credentials, then reports up', async () => {
    const { pbx, sut } = await make();
    sut.start();
    await once(sut, 'up');
    const start = pbx.received[0]!.message;
    assert.equal(start.type, 'StartApplicationSession');
    assert.equal(start.type === 'StartApplicationSession' && start.userName, 'tws');
    assert.equal(sut.state, 'up');
  });

  test('bad frames and broken XML are dropped; the link stays up and later events arrive', async () => {
    const { pbx, sut } = await make();
    sut.start();
    await once(sut, 'up');
    const events: CstaEvent[] = [];
    const errors: string[] = [];
    sut.on('event', (e) => events.push(e));
    sut.on('frameError', (e) => errors.push(e));
    pbx.send(Buffer.from([0x00, 0x00, 0x00, 0x04, 0x39, 0x39, 0x39, 0x39])); // length shorter than the header
    pbx.send(encodeFrame('9999', '<DeliveredEvent><monitorCrossRefID>77</monitorCrossRefID><connection>')); // broken XML
    pbx.send(encodeFrame('9999', '<!DOCTYPE x [<!ENTITY a "b">]><DeliveredEvent/>')); // entities refused
    pbx.send(encodeFrame('9999', encodeMessage(delivered)));
    await until('the valid event', () => (events.length ? events : undefined));
    assert.equal(events[0]!.type, 'DeliveredEvent');
    assert.ok(errors.length >= 2, `errors reported: ${errors.join(' | ')}`);
    assert.equal(sut.state, 'up');
  });

  test('a CSTA error answer rejects the request with the PBX reason', async () => {
    const { sut } = await make();
    sut.start();
    await once(sut, 'up');
    await assert.rejects(
      sut.request({ type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: 'x' }, 'MakeCallResponse'),
      (e: unknown) => e instanceof CstaRequestError && /PBX refused MakeCall: operation\/invalidCalledDevice/.test(e.message),
    );
    await assert.rejects(sut.call({ type: 'MakeCall', callingDevice: '4001', calledDirectoryNumber: 'x' }), (e: unknown) => {
      assert.ok(e instanceof CstaRequestError);
      assert.deepEqual(e.code, { category: 'operation', value: 'invalidCalledDevice' });
      assert.match(e.message, /\(the number called is not valid or cannot be reached\)$/, 'the refusal is explained in plain words');
      return true;
    });
  });

  test('a refused session says why and keeps retrying', async () => {
    const { pbx, sut } = await make('wrong');
    sut.start();
    await until('two session attempts', () => (pbx.received.filter((r) => r.message.type === 'StartApplicationSession').length >= 2 ? true : undefined));
    assert.notEqual(sut.state, 'up');
    assert.match(sut.lastError ?? '', /invalidApplicationInfo/);
  });

  test('two unanswered keep-alives declare the link dead; it reconnects and starts a new session', async () => {
    const { pbx, sut } = await make();
    sut.start();
    await once(sut, 'up');
    pbx.answer = (m) => (m.type === 'ResetApplicationSessionTimer' ? undefined : defaultAnswer(m));
    await until('link declared down', () => (sut.state !== 'up' ? true : undefined), 15_000);
    assert.match(sut.lastError ?? '', /keep-alive/);
    pbx.answer = defaultAnswer;
    await until('up again', () => (sut.state === 'up' ? true : undefined), 15_000);
    assert.ok(pbx.received.filter((r) => r.message.type === 'StartApplicationSession').length >= 2);
  });

  test('pending requests fail at once when the link drops, with the reason', async () => {
    const { pbx, sut } = await make();
    sut.start();
    await once(sut, 'up');
    pbx.answer = () => undefined;
    const pending = sut.request({ type: 'MonitorStart', deviceObject: '4001' }, 'MonitorStartResponse', 10_000);
    for (const s of pbx.sockets) s.destroy();
    await assert.rejects(pending, (e: unknown) => e instanceof CstaUnavailableError && /lost before the answer to MonitorStart/.test(e.message));
  });

  test('switch-driven link: up at the first SystemStatus, which is answered; dead when the heartbeats stop', async () => {
    const { pbx, sut } = await make('right', { sessionStyle: 'switchDriven', heartbeatS: 0.2 });
    const heartbeat = () => pbx.send(encodeFrame('0001', encodeMessage({ type: 'SystemStatus', systemStatus: 'normal' })));
    const timer = setInterval(heartbeat, 100);
    try {
      sut.start();
      await once(sut, 'up');
      assert.equal(pbx.received.filter((r) => r.message.type === 'StartApplicationSession').length, 0, 'no ECMA-354 session on a switch-driven link');
      await until('the heartbeat answered', () => pbx.received.find((r) => r.message.type === 'SystemStatusResponse'));
      clearInterval(timer);
      await until('declared dead', () => (sut.state !== 'up' ? true : undefined));
      assert.match(sut.lastError ?? '', /two SystemStatus heartbeats missed/);
    } finally {
      clearInterval(timer);
    }
  });

  test('a SystemStatus from the switch is answered, never mistaken for the answer to our request with the same invoke id', async () => {
    const { pbx, sut } = await make();
    sut.start();
    await once(sut, 'up');
    pbx.answer = (m) => (m.type === 'MonitorStart' ? undefined : defaultAnswer(m));
    const pending = sut.call({ type: 'MonitorStart', deviceObject: '4001' }, { timeoutMs: 2000 });
    await until('the request reached the PBX', () => (pbx.received.some((r) => r.message.type === 'MonitorStart') ? true : undefined));
    const invokeId = pbx.received.find((r) => r.message.type === 'MonitorStart')!.invokeId;
    pbx.send(encodeFrame(invokeId, encodeMessage({ type: 'SystemStatus', systemStatus: 'normal' })));
    await until('the heartbeat answered', () => pbx.received.find((r) => r.message.type === 'SystemStatusResponse' && r.invokeId === invokeId));
    pbx.send(encodeFrame(invokeId, encodeMessage({ type: 'MonitorStartResponse', monitorCrossRefId: '5' })));

    assert.deepEqual(await pending, { type: 'MonitorStartResponse', monitorCrossRefId: '5' });
  });

  test('PDU taps see both directions, with the device of requests and their responses', async () => {
    const { sut } = await make();
    const pdus: { direction: string; device?: string; type?: string }[] = [];
    sut.on('pdu', (p) => pdus.push({ direction: p.direction, device: p.device, type: p.message?.type }));
    sut.start();
    await once(sut, 'up');

    await sut.call({ type: 'MonitorStart', deviceObject: '4001' }, { device: '4001' });

    assert.deepEqual(pdus.slice(-2), [
      { direction: 'out', device: '4001', type: undefined },
      { direction: 'in', device: '4001', type: 'MonitorStartResponse' },
    ]);
  });
});
