import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { CstaFrameDecoder, decodeMessage, encodeFrame, encodeMessage, type KnownCstaMessage } from '@tws/csta';
import type { TelephonyEvent } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { CstaLink } from './csta-link';
import { pbxProfile } from './pbx-profiles';

/**
 * CstaLink against a scripted PBX on a real socket: behaviours that need a switch that
 * misbehaves in ways the simulator does not (events before the MonitorStartResponse).
 */
class ScriptedPbx {
  readonly server: Server;
  socket?: Socket;
  /** Reply to a request; may also write other frames first through `send`. */
  answer: (m: KnownCstaMessage, invokeId: string) => KnownCstaMessage | undefined = () => undefined;

  constructor() {
    this.server = createServer((s) => {
      this.socket = s;
      const decoder = new CstaFrameDecoder();
      s.on('data', (chunk) => {
        for (const f of decoder.push(chunk)) {
          const r = decodeMessage(f.xml);
          if (!r.ok || r.message.type === 'unknown') continue;
          const reply = this.answer(r.message, f.invokeId);
          if (reply) s.write(encodeFrame(f.invokeId, encodeMessage(reply)));
        }
      });
      s.on('error', () => undefined);
    });
  }

  send(m: KnownCstaMessage, invokeId = '9999') {
    this.socket?.write(encodeFrame(invokeId, encodeMessage(m)));
  }

  async listen() {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return (this.server.address() as { port: number }).port;
  }

  async close() {
    this.socket?.destroy();
    await new Promise((r) => this.server.close(r));
  }
}

const LINK = '11111111-1111-4111-8111-111111111111';
const DOMAIN = '22222222-2222-4222-8222-222222222222';

async function until<T>(what: string, probe: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('CstaLink', () => {
  const pbx = new ScriptedPbx();
  let sut: CstaLink;
  const events: TelephonyEvent[] = [];
  after(async () => {
    await sut?.close();
    await pbx.close();
  });

  test('events the switch sends before the MonitorStartResponse are held and delivered after it, in order', async () => {
    pbx.answer = (m) => {
      switch (m.type) {
        case 'StartApplicationSession':
          return { type: 'StartApplicationSessionPosResponse', sessionId: 'S', actualProtocolVersion: m.requestedProtocolVersions[0]!, actualSessionDuration: 60 };
        case 'MonitorStart':
          // A switch that reports the device's call first, then answers.
          pbx.send({
            type: 'DeliveredEvent',
            monitorCrossRefId: '42',
            connection: { callId: '7', deviceId: '4001' },
            alertingDevice: '4001',
            callingDevice: '+4930123',
            calledDevice: '4001',
            lastRedirectionDevice: undefined,
            localConnectionInfo: 'alerting',
            cause: 'newCall',
          });
          return { type: 'MonitorStartResponse', monitorCrossRefId: '42' };
        case 'SnapshotDevice':
          return { type: 'SnapshotDeviceResponse', calls: [{ connection: { callId: '7', deviceId: '4001' }, localConnectionState: 'alerting' }] };
        case 'AnswerCall':
          return { type: 'CSTAErrorCode', category: 'stateIncompatibility', value: 'invalidObjectState' };
        default:
          return undefined;
      }
    };
    sut = new CstaLink({
      linkId: LINK,
      domainId: DOMAIN,
      host: '127.0.0.1',
      port: await pbx.listen(),
      profile: pbxProfile('ECMA-323 XML'),
      logger: createLogger('test', 'silent'),
      onEvents: (e) => events.push(...e),
      client: { backoffMs: 20, requestTimeoutMs: 500 },
    });
    await sut.setDevices(['4001']);
    sut.start();

    await until('the link up event', () => events.find((e) => e.kind === 'linkState' && e.linkUp));

    assert.deepEqual(events.map((e) => e.kind), ['delivered', 'linkState']);
    assert.equal(sut.stats.earlyEvents, 1);
    assert.equal(events[0]!.device, '4001');
  });

  test('call commands fail with the contract’s codes: pbx_refused with the CSTA error, not_found, unavailable', async () => {
    const ref = events[0]!.callRef!;

    await assert.rejects(sut.execute('4001', { command: 'answerCall', callRef: ref }), (e: unknown) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.code, 'pbx_refused');
      assert.deepEqual(e.details, [{ category: 'stateIncompatibility', value: 'invalidObjectState' }]);
      return true;
    });
    await assert.rejects(sut.execute('4001', { command: 'holdCall', callRef: `${LINK}:99.x` }), { code: 'not_found' });
    await assert.rejects(sut.execute('4001', { command: 'getDoNotDisturb' }), { code: 'unavailable', message: /no answer to GetDoNotDisturb/ });
    pbx.answer = () => undefined; // the switch comes back mute: no new session
    pbx.socket!.destroy();
    await until('link down', () => (sut.client.state !== 'up' ? true : undefined));
    await assert.rejects(sut.execute('4001', { command: 'makeCall', destination: '4002' }), { code: 'unavailable' });
    const [state] = sut.deviceStates();
    assert.equal(state!.monitored, false);
    assert.match(state!.reason!, /^link (connecting|down)$/);
    assert.equal(state!.activeCalls, 1, 'the call is still known, for the resync');
  });
});
