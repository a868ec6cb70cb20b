import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { decodeMessage, encodeMessage, type KnownCstaMessage } from '@tws/csta';
import type { TelephonyEvent } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { parseNameAddr, serializeSipMessage, sipHeader, sipResponseTo, SipStreamDecoder, type SipMessage, type SipRequest, type SipResponse } from '@tws/sip';
import { pbxProfile } from './pbx-profiles';
import { accountOfCtiIdentity, UaCstaServerLink } from './ua-csta-server';

const LINK = '33333333-3333-4333-8333-333333333333';
const DOMAIN = '44444444-4444-4444-8444-444444444444';

async function until<T>(what: string, probe: () => T | undefined | false, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A desk phone written as a script over a raw TCP socket: it registers a CTI identity, answers
 * the uaCSTA INVITE, and answers CSTA requests in INFO through `answer`.
 */
class ScriptedPhone {
  socket!: Socket;
  readonly received: SipMessage[] = [];
  private readonly decoder = new SipStreamDecoder();
  private cseq = 1;
  private dialog?: { callId: string; from: string; to: string };
  readonly registerCallId = `reg-${Math.random().toString(36).slice(2)}`;
  answer: (m: KnownCstaMessage) => KnownCstaMessage | undefined = () => undefined;
  /** Leave INFO requests unanswered. */
  mute = false;

  constructor(
    private readonly port: number,
    readonly identity: string,
  ) {}

  async connect() {
    this.socket = connect(this.port, '127.0.0.1');
    await once(this.socket, 'connect');
    this.socket.on('data', (c) => {
      for (const m of this.decoder.push(c)) this.onMessage(m);
    });
    this.socket.on('error', () => undefined);
    return this;
  }

  send(m: SipMessage) {
    this.socket.write(serializeSipMessage(m));
  }

  register(expires = 300, callId = this.registerCallId) {
    this.send({
      kind: 'request',
      method: 'REGISTER',
      uri: 'sip:127.0.0.1',
      headers: [
        { name: 'Via', value: `SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK${Math.random().toString(36).slice(2)}` },
        { name: 'From', value: `"TWS" <sip:${this.identity}@127.0.0.1>;tag=ph` },
        { name: 'To', value: `"TWS" <sip:${this.identity}@127.0.0.1>` },
        { name: 'Call-ID', value: callId },
        { name: 'CSeq', value: `${this.cseq++} REGISTER` },
        { name: 'Contact', value: `<sip:${this.identity}@127.0.0.1:5999;transport=tcp>` },
        { name: 'Expires', value: String(expires) },
      ],
      body: Buffer.alloc(0),
    });
    return until('the REGISTER answer', () => this.received.find((m): m is SipResponse => m.kind === 'response' && sipHeader(m, 'Call-ID') === callId && sipHeader(m, 'CSeq')!.endsWith(`${this.cseq - 1} REGISTER`)));
  }

  /** An event in INFO, as the phone sends it within the dialog. */
  sendEvent(event: KnownCstaMessage) {
    const d = this.dialog!;
    this.send({
      kind: 'request',
      method: 'INFO',
      uri: 'sip:tws@127.0.0.1',
      headers: [
        { name: 'Via', value: `SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK${Math.random().toString(36).slice(2)}` },
        { name: 'From', value: d.to },
        { name: 'To', value: d.from },
        { name: 'i', value: d.callId },
        { name: 'CSeq', value: `${this.cseq++} INFO` },
        { name: 'c', value: 'application/csta+xml' },
      ],
      body: Buffer.from(encodeMessage(event, { edition: 'ed3' })),
    });
  }

  requests(method: string): SipRequest[] {
    return this.received.filter((m): m is SipRequest => m.kind === 'request' && m.method === method);
  }

  private onMessage(m: SipMessage) {
    this.received.push(m);
    if (m.kind !== 'request') return;
    if (m.method === 'INVITE') {
      this.dialog = { callId: sipHeader(m, 'Call-ID')!, from: sipHeader(m, 'From')!, to: `${sipHeader(m, 'To')};tag=phone1` };
      this.send(sipResponseTo(m, 200, 'OK', { toTag: 'phone1', headers: [{ name: 'Contact', value: `<sip:${this.identity}@127.0.0.1:5999;transport=tcp>` }] }));
    } else if (m.method === 'INFO' && !this.mute) {
      const r = decodeMessage(m.body.toString());
      const reply = r.ok && r.message.type !== 'unknown' ? this.answer(r.message) : undefined;
      this.send(sipResponseTo(m, 200, 'OK', reply ? { headers: [{ name: 'Content-Type', value: 'application/csta+xml' }], body: Buffer.from(encodeMessage(reply, { edition: 'ed3' })) } : {}));
    } else if (m.method === 'BYE') {
      this.send(sipResponseTo(m, 200, 'OK'));
    }
  }

  close() {
    this.socket.destroy();
  }
}

/** A phone answering MonitorStart (cross-ref 1), SnapshotDevice (`calls`) and MakeCall (call 7). */
function standardAnswers(phone: ScriptedPhone, calls: { callId: string }[] = []) {
  phone.answer = (m) => {
    if (m.type === 'MonitorStart') return { type: 'MonitorStartResponse', monitorCrossRefId: '1' };
    if (m.type === 'SnapshotDevice') return { type: 'SnapshotDeviceResponse', calls: calls.map((c) => ({ connection: { callId: c.callId, deviceId: '4001' }, localConnectionState: 'connected' as const })) };
    if (m.type === 'MakeCall') return { type: 'MakeCallResponse', callingDevice: { callId: '7', deviceId: m.callingDevice } };
    return undefined;
  };
}

describe('uaCSTA server mode (desk phones over SIP/TCP)', () => {
  const events: TelephonyEvent[] = [];
  let sut: UaCstaServerLink | undefined;
  const phones: ScriptedPhone[] = [];

  async function server(devices = ['4001', '4002']) {
    sut = new UaCstaServerLink({
      linkId: LINK,
      domainId: DOMAIN,
      host: '127.0.0.1',
      port: 0,
      profile: pbxProfile('snom DEVICE'),
      logger: createLogger('test', 'silent'),
      onEvents: (e) => events.push(...e),
      requestTimeoutMs: 2000,
    });
    sut.start();
    await sut.setDevices(devices);
    await until('listening', () => sut!.port);
    return sut;
  }

  async function phone(identity: string) {
    const p = await new ScriptedPhone(sut!.port!, identity).connect();
    phones.push(p);
    return p;
  }

  afterEach(async () => {
    for (const p of phones.splice(0)) p.close();
    await sut?.close();
    sut = undefined;
    events.length = 0;
  });

  test('CTI identities (guide 11.2.1): 66-<account> and 66/<account>', () => {
    assert.equal(accountOfCtiIdentity('66-4001'), '4001');
    assert.equal(accountOfCtiIdentity('66/66-66'), '66-66');
    assert.equal(accountOfCtiIdentity('66-'), undefined);
    assert.equal(accountOfCtiIdentity('4001'), undefined);
    assert.equal(accountOfCtiIdentity('77-4001'), undefined);
  });

  test('REGISTER → 200 OK, INVITE with a CSTA body, ACK, MonitorStart in INFO, events in INFO, MakeCall', async () => {
    const link = await server();
    const p = await phone('66-4001');
    standardAnswers(p);
    const ok = await p.register(120);
    assert.equal(ok.status, 200);
    assert.equal(sipHeader(ok, 'Expires'), '120');
    assert.match(sipHeader(ok, 'Contact')!, /^<sip:66-4001@127\.0\.0\.1:5999;transport=tcp>;expires=120$/);
    assert.ok(parseNameAddr(sipHeader(ok, 'To')!)!.params.tag, 'the registrar tags To');

    const invite = await until('the INVITE', () => p.requests('INVITE')[0]);
    assert.equal(invite.uri, 'sip:66-4001@127.0.0.1:5999;transport=tcp');
    assert.equal(sipHeader(invite, 'Content-Type'), 'application/csta+xml');
    assert.equal(sipHeader(invite, 'Content-Disposition'), 'signal;handling=required');
    assert.match(invite.body.toString(), /<RequestSystemStatus xmlns="http:\/\/www\.ecma-international\.org\/standards\/ecma-323\/csta\/ed3"\/>/);
    const ack = await until('the ACK', () => p.requests('ACK')[0]);
    assert.equal(sipHeader(ack, 'Call-ID'), sipHeader(invite, 'Call-ID'));
    assert.match(sipHeader(ack, 'To')!, /tag=phone1/);

    const up = await until('linkState up of the phone', () => events.find((e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp));
    const infos = p.requests('INFO').map((m) => decodeMessage(m.body.toString()));
    assert.deepEqual(infos.slice(0, 2).map((r) => r.ok && r.message.type), ['MonitorStart', 'SnapshotDevice']);
    assert.equal(up.monitoredDevices, 1);
    assert.deepEqual(link.deviceStates().map((d) => [d.device, d.monitored]), [
      ['4001', true],
      ['4002', false],
    ]);
    assert.match(link.deviceStates()[1]!.reason!, /not registered \(CTI identity 66-4002\)/);

    p.sendEvent({
      type: 'DeliveredEvent',
      monitorCrossRefId: '1',
      connection: { callId: '3', deviceId: '4001' },
      alertingDevice: '4001',
      callingDevice: '4002',
      calledDevice: '4001',
      lastRedirectionDevice: undefined,
      localConnectionInfo: 'alerting',
      cause: 'newCall',
    });
    const delivered = await until('delivered at 4001', () => events.find((e) => e.kind === 'delivered'));
    assert.equal(delivered.device, '4001');
    assert.equal(delivered.callingNumber, '4002');
    assert.match(delivered.callRef!, new RegExp(`^${LINK}:4001\\|3\\.`), 'call ids are qualified by the phone');
    await until('the 200 OK to the event INFO', () => p.received.find((m) => m.kind === 'response' && sipHeader(m, 'CSeq')!.endsWith('INFO')));

    const r = await link.execute('4001', { command: 'makeCall', destination: '4002' });
    assert.match(r.callRef!, new RegExp(`^${LINK}:4001\\|7\\.`));
    const makeCall = p.requests('INFO').map((m) => decodeMessage(m.body.toString())).find((x) => x.ok && x.message.type === 'MakeCall');
    assert.ok(makeCall?.ok && makeCall.message.type === 'MakeCall' && makeCall.message.callingDevice === '4001' && makeCall.message.calledDirectoryNumber === '4002');

    // A command for a known call goes out with the phone's own call id.
    await link.execute('4001', { command: 'clearConnection', callRef: delivered.callRef! }).catch(() => undefined);
    const clear = p.requests('INFO').map((m) => decodeMessage(m.body.toString())).find((x) => x.ok && x.message.type === 'ClearConnection');
    assert.ok(clear?.ok && clear.message.type === 'ClearConnection');
    assert.deepEqual(clear.message.connectionToBeCleared, { callId: '3', deviceId: '4001' });
    assert.deepEqual([link.status().registeredPhones, link.status().monitoredDevices, link.status().connected], [1, 1, true]);
  });

  test('a REGISTER before the devices of the link are known gets 503 with Retry-After', async () => {
    sut = new UaCstaServerLink({
      linkId: LINK,
      domainId: DOMAIN,
      host: '127.0.0.1',
      port: 0,
      profile: pbxProfile('Yealink'),
      logger: createLogger('test', 'silent'),
      onEvents: (e) => events.push(...e),
    });
    sut.start();
    await until('listening', () => sut!.port);
    const p = await phone('66-4001');
    const r = await p.register();
    assert.deepEqual([r.status, sipHeader(r, 'Retry-After')], [503, '5']);
    await sut.setDevices(['4001']);
    standardAnswers(p);
    assert.equal((await p.register()).status, 200);
    await until('4001 monitored', () => sut!.isMonitored('4001'));
  });

  test('PDU traces see the CSTA of the INFO transactions, named by device', async () => {
    const link = await server();
    const lines: { direction: string; invokeId: string; device?: string; xml: string }[] = [];
    link.traceTo({ active: true, record: (l) => lines.push(l), flush: () => undefined });
    const p = await phone('66-4001');
    standardAnswers(p);
    await p.register();
    await until('4001 monitored', () => link.isMonitored('4001'));
    await until('the MonitorStart answer traced', () => lines.find((l) => l.direction === 'in' && l.xml.includes('MonitorStartResponse')));
    const out = lines.find((l) => l.direction === 'out' && l.xml.includes('<MonitorStart '))!;
    assert.equal(out.device, '4001');
    assert.match(out.invokeId, /^INFO:\d+$/);
  });

  test('unknown identities are refused: 404 for an account not on the link, 403 for a non-CTI identity', async () => {
    const link = await server();
    const unknown = await phone('66-9999');
    assert.equal((await unknown.register()).status, 404);
    const plain = await phone('4001');
    assert.equal((await plain.register()).status, 403);
    assert.equal(link.stats.refused, 2);
    assert.equal(unknown.requests('INVITE').length + plain.requests('INVITE').length, 0);
  });

  test('the phone drops its connection: device disconnected, pending requests fail; re-register resyncs', async () => {
    const link = await server();
    let p = await phone('66/4001');
    standardAnswers(p);
    await p.register();
    await until('4001 monitored', () => link.isMonitored('4001'));
    p.sendEvent({
      type: 'EstablishedEvent',
      monitorCrossRefId: '1',
      establishedConnection: { callId: '5', deviceId: '4001' },
      answeringDevice: '4001',
      callingDevice: '4002',
      calledDevice: '4001',
      lastRedirectionDevice: undefined,
      localConnectionInfo: 'connected',
      cause: 'newCall',
    } as KnownCstaMessage);
    const established = await until('established', () => events.find((e) => e.kind === 'established'));

    p.mute = true; // the request stays pending
    const pending = link.execute('4001', { command: 'makeCall', destination: '4002' });
    await until('MakeCall sent', () => p.requests('INFO').some((m) => m.body.toString().includes('MakeCall')));
    p.close();
    await assert.rejects(pending, (e: Error & { code?: string }) => e.code === 'unavailable' && /lost before the answer/.test(e.message));
    const down = await until('linkState down of the phone', () => events.find((e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp === false));
    assert.match(down.reason!, /TCP connection closed/);
    assert.equal(link.isMonitored('4001'), false);
    assert.match(link.deviceStates()[0]!.reason!, /not registered/);
    await assert.rejects(link.execute('4001', { command: 'makeCall', destination: '4002' }), (e: Error & { code?: string }) => e.code === 'unavailable');

    // The phone comes back; the call it had ended meanwhile (not in its snapshot).
    const from = events.length;
    p = await phone('66/4001');
    standardAnswers(p, []);
    await p.register();
    await until('4001 monitored again', () => link.isMonitored('4001'));
    const cleared = await until('the resync callCleared', () => events.slice(from).find((e) => e.kind === 'callCleared'));
    assert.equal(cleared.callRef, established.callRef);
    assert.equal(cleared.cause, 'resynchronized');
    await until('linkState up again', () => events.slice(from).find((e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp));
  });

  test('a refresh on the same connection keeps the dialog; a new Call-ID (phone restarted) reopens it; Expires 0 unregisters', async () => {
    const link = await server();
    const p = await phone('66-4001');
    standardAnswers(p);
    await p.register();
    await until('4001 monitored', () => link.isMonitored('4001'));
    await p.register();
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(p.requests('INVITE').length, 1, 'a refresh does not reopen the dialog');
    await p.register(300, 'after-reboot');
    await until('a second INVITE', () => p.requests('INVITE').length === 2);
    await until('MonitorStart again', () => p.requests('INFO').filter((m) => m.body.toString().includes('<MonitorStart ')).length === 2);
    await until('4001 monitored', () => link.isMonitored('4001'));
    await p.register(0, 'after-reboot');
    await until('disconnected', () => !link.isMonitored('4001'));
    assert.equal(link.status().registeredPhones, 0);
  });

  test('garbage on the connection is dropped and the phone still registers; OPTIONS answered; stray INFO gets 481', async () => {
    const link = await server();
    const p = await phone('66-4002');
    standardAnswers(p);
    p.socket.write('this is not SIP\r\n\x00\x01\r\n\r\n');
    p.send({ kind: 'request', method: 'OPTIONS', uri: 'sip:127.0.0.1', headers: [{ name: 'Call-ID', value: 'o1' }, { name: 'CSeq', value: '1 OPTIONS' }, { name: 'To', value: '<sip:tws@127.0.0.1>' }], body: Buffer.alloc(0) });
    p.send({ kind: 'request', method: 'INFO', uri: 'sip:127.0.0.1', headers: [{ name: 'Call-ID', value: 'nope' }, { name: 'CSeq', value: '1 INFO' }, { name: 'To', value: '<sip:tws@127.0.0.1>' }], body: Buffer.alloc(0) });
    assert.equal((await p.register()).status, 200);
    await until('4002 monitored', () => link.isMonitored('4002'));
    const statuses = p.received.filter((m): m is SipResponse => m.kind === 'response').map((m) => `${m.status} ${sipHeader(m, 'CSeq')}`);
    assert.ok(statuses.includes('200 1 OPTIONS') && statuses.includes('481 1 INFO'), statuses.join(', '));
    assert.ok(link.stats.badMessages >= 1);
  });
});
