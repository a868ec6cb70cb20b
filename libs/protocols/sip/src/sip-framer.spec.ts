import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SipStreamDecoder } from './sip-framer';
import {
  canonicalHeaderName,
  parseCSeq,
  parseNameAddr,
  parseSipUri,
  serializeSipMessage,
  sipHeader,
  sipResponseTo,
  type SipMessage,
  type SipRequest,
} from './sip-message';

const XML = '<?xml version="1.0" encoding="UTF-8"?><MonitorStartResponse xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><monitorCrossRefID>1</monitorCrossRefID></MonitorStartResponse>';

/** An INFO as a snom phone sends it: compact headers, a CSTA body. */
const INFO_BYTES = Buffer.from(
  'INFO sip:tws@192.0.2.5:6010;transport=tcp SIP/2.0\r\n' +
    'v: SIP/2.0/TCP 192.0.2.10:3050;branch=z9hG4bK-1\r\n' +
    'f: <sip:66-4001@192.0.2.5>;tag=ph1\r\n' +
    't: <sip:tws@192.0.2.5>;tag=tws1\r\n' +
    'i: call-1@192.0.2.10\r\n' +
    'CSeq: 2 INFO\r\n' +
    'c: application/csta+xml\r\n' +
    'Content-Disposition: signal;handling=required\r\n' +
    `l: ${Buffer.byteLength(XML)}\r\n` +
    '\r\n' +
    XML,
);

const OK_BYTES = Buffer.from('SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 192.0.2.5:6010;branch=z9hG4bK-2\r\nCall-ID: x\r\nCSeq: 7 INFO\r\nContent-Length: 0\r\n\r\n');

function decodeAll(chunks: Buffer[], d = new SipStreamDecoder()): SipMessage[] {
  return chunks.flatMap((c) => d.push(c));
}

describe('SIP messages', () => {
  it('header names: compact forms expanded, canonical case', () => {
    assert.deepEqual(['i', 'l', 'c', 'm', 'v', 'f', 't', 'k', 'call-id', 'CSEQ', 'content-disposition', 'www-authenticate'].map(canonicalHeaderName), [
      'Call-ID', 'Content-Length', 'Content-Type', 'Contact', 'Via', 'From', 'To', 'Supported', 'Call-ID', 'CSeq', 'Content-Disposition', 'WWW-Authenticate',
    ]);
  });

  it('golden: an INFO with compact headers decodes to canonical names and the exact body', () => {
    const [m] = decodeAll([INFO_BYTES]);
    assert.ok(m && m.kind === 'request');
    assert.equal(m.method, 'INFO');
    assert.equal(m.uri, 'sip:tws@192.0.2.5:6010;transport=tcp');
    assert.deepEqual(m.headers.map((h) => h.name), ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Content-Type', 'Content-Disposition', 'Content-Length']);
    assert.equal(sipHeader(m, 'call-id'), 'call-1@192.0.2.10');
    assert.equal(m.body.toString('utf8'), XML);
  });

  it('golden: bytes in → object → bytes out (long header names, Content-Length last)', () => {
    const [m] = decodeAll([INFO_BYTES]);
    const out = serializeSipMessage(m!).toString('utf8');
    assert.equal(
      out,
      'INFO sip:tws@192.0.2.5:6010;transport=tcp SIP/2.0\r\n' +
        'Via: SIP/2.0/TCP 192.0.2.10:3050;branch=z9hG4bK-1\r\n' +
        'From: <sip:66-4001@192.0.2.5>;tag=ph1\r\n' +
        'To: <sip:tws@192.0.2.5>;tag=tws1\r\n' +
        'Call-ID: call-1@192.0.2.10\r\n' +
        'CSeq: 2 INFO\r\n' +
        'Content-Type: application/csta+xml\r\n' +
        'Content-Disposition: signal;handling=required\r\n' +
        `Content-Length: ${Buffer.byteLength(XML)}\r\n` +
        '\r\n' +
        XML,
    );
    assert.deepEqual(decodeAll([Buffer.from(out)]), [m]);
  });

  it('a response: status, reason, no body', () => {
    const [m] = decodeAll([OK_BYTES]);
    assert.ok(m && m.kind === 'response');
    assert.deepEqual([m.status, m.reason, m.body.length], [200, 'OK', 0]);
    assert.deepEqual(parseCSeq(sipHeader(m, 'CSeq')), { seq: 7, method: 'INFO' });
    assert.equal(serializeSipMessage(m).toString(), OK_BYTES.toString());
  });

  it('split byte by byte and coalesced give the same messages', () => {
    const all = Buffer.concat([INFO_BYTES, OK_BYTES, INFO_BYTES]);
    const whole = decodeAll([all]);
    assert.equal(whole.length, 3);
    const d = new SipStreamDecoder();
    const bytewise = decodeAll([...all].map((b) => Buffer.from([b])), d);
    assert.deepEqual(bytewise, whole);
    assert.equal(d.bufferedBytes, 0);
  });

  it('a UTF-8 body is counted in bytes, not characters', () => {
    const body = Buffer.from('<a>Zoë ☎</a>');
    const bytes = serializeSipMessage({ kind: 'request', method: 'INFO', uri: 'sip:a@b', headers: [], body });
    assert.match(bytes.toString(), /Content-Length: 15\r\n/);
    const [m] = decodeAll([bytes.subarray(0, bytes.length - 2), bytes.subarray(bytes.length - 2)]);
    assert.equal(m!.body.toString(), '<a>Zoë ☎</a>');
  });

  it('CRLF keep-alives between messages are skipped and reported', () => {
    let pings = 0;
    const d = new SipStreamDecoder({ onKeepAlive: () => pings++ });
    const ms = decodeAll([Buffer.from('\r\n\r\n'), OK_BYTES, Buffer.from('\r\n\r\n\r\n\r\n'), OK_BYTES], d);
    assert.equal(ms.length, 2);
    assert.equal(pings, 2);
  });

  it('folded header lines are joined; a missing Content-Length means no body', () => {
    const [m] = decodeAll([Buffer.from('OPTIONS sip:x@y SIP/2.0\r\nSubject: one\r\n  two\r\nCall-ID: z\r\n\r\n')]);
    assert.equal(sipHeader(m!, 'subject'), 'one two');
    assert.equal(m!.body.length, 0);
  });

  it('garbage before a message is dropped and the stream goes on', () => {
    const errors: string[] = [];
    const d = new SipStreamDecoder({ onError: (e) => errors.push(e.message) });
    const ms = decodeAll([Buffer.from('hello world\r\n\x00\x01\x02 junk\r\n'), INFO_BYTES, Buffer.from('GARBAGE LINE\r\n\r\n'), OK_BYTES], d);
    assert.deepEqual(ms.map((m) => m.kind), ['request', 'response']);
    assert.ok(errors.length >= 2, errors.join('\n'));
  });

  it('a malformed header drops that message only; a bad Content-Length too', () => {
    const errors: string[] = [];
    const d = new SipStreamDecoder({ onError: (e) => errors.push(e.message) });
    const ms = decodeAll(
      [Buffer.from('INFO sip:a@b SIP/2.0\r\nno colon here\r\n\r\n'), Buffer.from('INFO sip:a@b SIP/2.0\r\nContent-Length: -5\r\n\r\n'), OK_BYTES],
      d,
    );
    assert.deepEqual(ms.map((m) => m.kind), ['response']);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /malformed SIP header/);
    assert.match(errors[1]!, /bad Content-Length/);
  });

  it('an oversized body is dropped without being buffered; the next message is read', () => {
    const errors: string[] = [];
    const d = new SipStreamDecoder({ maxBodyBytes: 1000, onError: (e) => errors.push(e.message) });
    const big = Buffer.concat([Buffer.from('INFO sip:a@b SIP/2.0\r\nContent-Length: 5000\r\n\r\n'), Buffer.alloc(5000, 'x')]);
    const ms = decodeAll([big.subarray(0, 3000), big.subarray(3000), OK_BYTES], d);
    assert.deepEqual(ms.map((m) => m.kind), ['response']);
    assert.match(errors[0]!, /over the 1000-byte limit/);
    assert.ok(d.bufferedBytes < 100);
  });

  it('a header section that never ends is dropped at the limit', () => {
    const errors: string[] = [];
    const d = new SipStreamDecoder({ maxHeaderBytes: 1024, onError: (e) => errors.push(e.message) });
    d.push(Buffer.from('INFO sip:a@b SIP/2.0\r\n'));
    for (let i = 0; i < 200; i++) d.push(Buffer.from(`X-Pad-${i}: ${'y'.repeat(20)}\r\n`));
    assert.ok(d.bufferedBytes <= 1024 + 64, `holds ${d.bufferedBytes} bytes`);
    assert.ok(errors.some((e) => /longer than 1024/.test(e)));
    assert.equal(decodeAll([Buffer.from('\r\n'), OK_BYTES], d).at(-1)?.kind, 'response');
  });

  it('name-addr, URI and CSeq helpers', () => {
    assert.deepEqual(parseNameAddr('"TWS" <sip:66-4001@192.0.2.5;transport=tcp>;tag=abc;expires=300'), {
      displayName: 'TWS',
      uri: 'sip:66-4001@192.0.2.5;transport=tcp',
      params: { tag: 'abc', expires: '300' },
    });
    assert.deepEqual(parseNameAddr('sip:66@h;tag=1'), { uri: 'sip:66@h', params: { tag: '1' } });
    assert.equal(parseNameAddr('<sip:broken'), undefined);
    assert.deepEqual(parseSipUri('sip:66%2F66-66@192.0.2.5:6010;transport=tcp'), {
      scheme: 'sip',
      user: '66/66-66',
      host: '192.0.2.5',
      port: 6010,
      params: { transport: 'tcp' },
    });
    assert.equal(parseSipUri('http://x'), undefined);
    assert.equal(parseCSeq('x INFO'), undefined);
  });

  it('a response copies Via, From, To (tagged), Call-ID and CSeq', () => {
    const [req] = decodeAll([INFO_BYTES]) as SipRequest[];
    const r = sipResponseTo({ ...req!, headers: req!.headers.map((h) => (h.name === 'To' ? { ...h, value: '<sip:tws@192.0.2.5>' } : h)) }, 200, 'OK', { toTag: 'T9' });
    assert.deepEqual(r.headers.map((h) => `${h.name}: ${h.value}`), [
      'Via: SIP/2.0/TCP 192.0.2.10:3050;branch=z9hG4bK-1',
      'From: <sip:66-4001@192.0.2.5>;tag=ph1',
      'To: <sip:tws@192.0.2.5>;tag=T9',
      'Call-ID: call-1@192.0.2.10',
      'CSeq: 2 INFO',
    ]);
  });

  it('refuses to write a header value with a line break', () => {
    assert.throws(() => serializeSipMessage({ kind: 'response', status: 200, reason: 'OK', headers: [{ name: 'X', value: 'a\r\nInjected: 1' }], body: Buffer.alloc(0) }), RangeError);
  });
});
