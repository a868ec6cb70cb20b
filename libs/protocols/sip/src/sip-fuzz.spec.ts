import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SipStreamDecoder } from './sip-framer';
import { serializeSipMessage, type SipMessage } from './sip-message';
import { seededRandom } from '@tws/seeded-random';

/**
 * Fuzzing of the SIP stream decoder with random and mutated input from a seeded PRNG (the seed
 * is in the test name, `SIP_FUZZ_SEED` replays one). Properties: nothing throws, nothing hangs,
 * the buffer stays bounded, and valid messages after garbage are read again.
 */
const SEED = Number(process.env.SIP_FUZZ_SEED ?? 0x51b);
const ITERATIONS = Number(process.env.SIP_FUZZ_ITERATIONS ?? 2000);
const MAX_HEADER = 4096;
const MAX_BODY = 8192;


const XML = '<?xml version="1.0"?><DeliveredEvent xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed3"><monitorCrossRefID>1</monitorCrossRefID></DeliveredEvent>';
const CORPUS: SipMessage[] = [
  {
    kind: 'request',
    method: 'INFO',
    uri: 'sip:tws@127.0.0.1:6010;transport=tcp',
    headers: [
      { name: 'Via', value: 'SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK1' },
      { name: 'From', value: '<sip:66-4001@127.0.0.1>;tag=a' },
      { name: 'To', value: '<sip:tws@127.0.0.1>;tag=b' },
      { name: 'Call-ID', value: 'c1' },
      { name: 'CSeq', value: '3 INFO' },
      { name: 'Content-Type', value: 'application/csta+xml' },
    ],
    body: Buffer.from(XML),
  },
  { kind: 'response', status: 200, reason: 'OK', headers: [{ name: 'Call-ID', value: 'c1' }, { name: 'CSeq', value: '3 INFO' }], body: Buffer.alloc(0) },
  {
    kind: 'request',
    method: 'REGISTER',
    uri: 'sip:127.0.0.1',
    headers: [{ name: 'To', value: '<sip:66-4001@127.0.0.1>' }, { name: 'Contact', value: '<sip:66-4001@127.0.0.1:5060;transport=tcp>' }, { name: 'Expires', value: '3600' }],
    body: Buffer.alloc(0),
  },
];
const GOOD = CORPUS.map(serializeSipMessage);

function mutate(rand: () => number, input: Buffer): Buffer {
  const b = Buffer.from(input);
  const n = 1 + Math.floor(rand() * 6);
  let out = b;
  for (let i = 0; i < n; i++) {
    const at = Math.floor(rand() * out.length);
    switch (Math.floor(rand() * 5)) {
      case 0:
        out[at] = Math.floor(rand() * 256);
        break;
      case 1:
        out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + Math.floor(rand() * 20)))]);
        break;
      case 2:
        out = Buffer.concat([out.subarray(0, at), Buffer.from(['\r\n', '\r\n\r\n', ':', 'Content-Length: 99999999\r\n', 'l: 12\r\n', ' '][Math.floor(rand() * 6)]!), out.subarray(at)]);
        break;
      case 3:
        out = Buffer.concat([out.subarray(0, at), out.subarray(at).subarray(0, Math.floor(rand() * 50)), out.subarray(at)]);
        break;
      default:
        out = out.subarray(0, Math.max(1, at));
    }
  }
  return out;
}

function chunks(rand: () => number, data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; ) {
    const n = 1 + Math.floor(rand() * 300);
    out.push(data.subarray(i, i + n));
    i += n;
  }
  return out;
}

describe('SIP stream decoder fuzzing', () => {
  it(`random bytes: no throw, bounded buffer (seed ${SEED})`, { timeout: 60_000 }, () => {
    const rand = seededRandom(SEED);
    const d = new SipStreamDecoder({ maxHeaderBytes: MAX_HEADER, maxBodyBytes: MAX_BODY });
    for (let i = 0; i < ITERATIONS; i++) {
      const len = Math.floor(rand() * 600);
      const b = Buffer.alloc(len);
      for (let j = 0; j < len; j++) b[j] = rand() < 0.2 ? [0x0d, 0x0a, 0x20, 0x3a][Math.floor(rand() * 4)]! : Math.floor(rand() * 256);
      d.push(b);
      assert.ok(d.bufferedBytes <= MAX_HEADER + MAX_BODY + 4096, `holds ${d.bufferedBytes} bytes`);
    }
  });

  it(`mutated messages between good ones: no throw, bounded, the good ones come through (seed ${SEED + 1})`, { timeout: 60_000 }, () => {
    const rand = seededRandom(SEED + 1);
    let good = 0;
    let seen = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const d = new SipStreamDecoder({ maxHeaderBytes: MAX_HEADER, maxBodyBytes: MAX_BODY });
      const bad = mutate(rand, GOOD[Math.floor(rand() * GOOD.length)]!);
      const probe = GOOD[i % GOOD.length]!;
      // A bad message is terminated by the transport in real life only by what follows: send an
      // empty line and enough good messages after it that at least the last ones are read.
      const stream = Buffer.concat([bad, Buffer.from('\r\n\r\n'), probe, probe, probe]);
      const messages: SipMessage[] = [];
      for (const c of chunks(rand, stream)) {
        messages.push(...d.push(c));
        assert.ok(d.bufferedBytes <= MAX_HEADER + MAX_BODY + 4096);
      }
      seen++;
      const want = serializeSipMessage(CORPUS[i % GOOD.length]!).toString('latin1');
      if (messages.slice(-1).some((m) => serializeSipMessage(m).toString('latin1') === want)) good++;
    }
    // A mutation may make a header section or a Content-Length swallow what follows; most do not.
    assert.ok(good / seen > 0.9, `only ${good}/${seen} streams recovered`);
  });

  it('whatever decodes re-encodes and decodes to the same message', () => {
    const rand = seededRandom(SEED + 2);
    for (let i = 0; i < ITERATIONS; i++) {
      const d = new SipStreamDecoder();
      for (const m of d.push(Buffer.concat([mutate(rand, GOOD[i % GOOD.length]!), Buffer.from('\r\n\r\n')]))) {
        const again = new SipStreamDecoder().push(serializeSipMessage(m));
        assert.equal(again.length, 1);
        assert.deepEqual(serializeSipMessage(again[0]!), serializeSipMessage(m));
      }
    }
  });
});
