import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  CSTA_MAX_XML_BYTES,
  CstaFrameDecoder,
  InvokeIdAllocator,
  encodeFrame,
  type CstaFrame,
  type CstaFrameError,
} from './csta-framer';

const MONITOR_START =
  '<MonitorStart xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"><monitorObject><deviceObject>4711</deviceObject></monitorObject></MonitorStart>';
const EVENT = '<CallClearedEvent><monitorCrossRefID>7</monitorCrossRefID><clearedCall><callID>12</callID></clearedCall></CallClearedEvent>';

function decoderWithErrors(): { sut: CstaFrameDecoder; errors: CstaFrameError[] } {
  const errors: CstaFrameError[] = [];
  return { sut: new CstaFrameDecoder({ onError: (e) => errors.push(e) }), errors };
}

function header(length: number, invokeId: string, b0 = 0, b1 = 0): Buffer {
  const h = Buffer.alloc(8);
  h[0] = b0;
  h[1] = b1;
  h.writeUInt16BE(length, 2);
  h.write(invokeId, 4, 'ascii');
  return h;
}

describe('encodeFrame', () => {
  it('writes the golden 8-byte header: 00 00, total length BE, 4-digit invoke id, then the XML', () => {
    const sut = encodeFrame(1, '<a/>');

    assert.deepEqual([...sut], [0x00, 0x00, 0x00, 0x0c, 0x30, 0x30, 0x30, 0x31, 0x3c, 0x61, 0x2f, 0x3e]);
  });

  it('counts a 38-byte body as a 46-byte (0x2E) frame, as in the ECMA-323 example', () => {
    const xml = '<SystemStatusResponse xmlns="x"/>     ';
    assert.equal(Buffer.byteLength(xml), 38);

    const sut = encodeFrame('0001', xml);

    assert.deepEqual([...sut.subarray(0, 8)], [0x00, 0x00, 0x00, 0x2e, 0x30, 0x30, 0x30, 0x31]);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const sut = encodeFrame(42, '<n>Zoë 電話</n>');

    assert.equal(sut.readUInt16BE(2), 8 + Buffer.byteLength('<n>Zoë 電話</n>'));
    assert.equal(sut.toString('ascii', 4, 8), '0042');
  });

  it('writes 9999 for events', () => {
    assert.equal(encodeFrame('9999', EVENT).toString('ascii', 4, 8), '9999');
  });

  it('rejects malformed invoke ids', () => {
    assert.throws(() => encodeFrame('12', '<a/>'), RangeError);
    assert.throws(() => encodeFrame('12a4', '<a/>'), RangeError);
    assert.throws(() => encodeFrame(10000, '<a/>'), RangeError);
    assert.throws(() => encodeFrame(1.5, '<a/>'), RangeError);
  });

  it('accepts XML up to 65,527 bytes and refuses one byte more with a clear error', () => {
    const fits = `<a>${'x'.repeat(CSTA_MAX_XML_BYTES - 7)}</a>`;
    assert.equal(encodeFrame(1, fits).readUInt16BE(2), 0xffff);

    assert.throws(() => encodeFrame(1, `<a>${'x'.repeat(CSTA_MAX_XML_BYTES - 6)}</a>`), /65528 bytes.*65527/);
  });
});

describe('CstaFrameDecoder', () => {
  const frames = [encodeFrame(1, MONITOR_START), encodeFrame('9999', EVENT), encodeFrame(9998, '<x>é</x>')];
  const expected: CstaFrame[] = [
    { invokeId: '0001', xml: MONITOR_START },
    { invokeId: '9999', xml: EVENT },
    { invokeId: '9998', xml: '<x>é</x>' },
  ];
  const stream = Buffer.concat(frames);

  it('decodes coalesced frames delivered in one chunk', () => {
    const { sut, errors } = decoderWithErrors();

    assert.deepEqual(sut.push(stream), expected);
    assert.deepEqual(errors, []);
    assert.equal(sut.bufferedBytes, 0);
  });

  it('decodes the same frames whatever byte offset the stream is split at', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const { sut, errors } = decoderWithErrors();

      const out = [...sut.push(stream.subarray(0, cut)), ...sut.push(stream.subarray(cut))];

      assert.deepEqual(out, expected, `split at ${cut}`);
      assert.deepEqual(errors, [], `split at ${cut}`);
    }
  });

  it('decodes the stream fed one byte at a time', () => {
    const { sut, errors } = decoderWithErrors();
    const out: CstaFrame[] = [];

    for (let i = 0; i < stream.length; i++) out.push(...sut.push(stream.subarray(i, i + 1)));

    assert.deepEqual(out, expected);
    assert.deepEqual(errors, []);
  });

  it('skips garbage between frames, reports it, and keeps decoding', () => {
    const { sut, errors } = decoderWithErrors();
    const garbage = Buffer.from('HTTP/1.1 400 oops\r\n\r\n\x00\x00\x00');

    const out = sut.push(Buffer.concat([frames[0]!, garbage, frames[1]!, Buffer.from('junk'), frames[2]!]));

    assert.deepEqual(out, expected);
    assert.equal(errors.length, 2);
    assert.equal(errors[0]!.skippedBytes, garbage.length);
    assert.equal(errors[1]!.skippedBytes, 4);
    assert.match(errors[0]!.message, /bad CSTA frame header/);
  });

  it('resyncs on garbage split across chunks at every offset', () => {
    const dirty = Buffer.concat([Buffer.from([0x01, 0x02, 0x00]), frames[0]!, Buffer.from([0x00, 0x00, 0xff]), frames[1]!]);
    for (let cut = 0; cut <= dirty.length; cut++) {
      const sut = new CstaFrameDecoder();

      const out = [...sut.push(dirty.subarray(0, cut)), ...sut.push(dirty.subarray(cut))];

      assert.deepEqual(out, expected.slice(0, 2), `split at ${cut}`);
      assert.ok(sut.takeErrors().length >= 1);
    }
  });

  it('rejects a header whose format bytes are not 00 00', () => {
    const { sut, errors } = decoderWithErrors();
    const bad = Buffer.concat([header(12, '0001', 0x01, 0x00), Buffer.from('<a/>')]);

    assert.deepEqual(sut.push(Buffer.concat([bad, frames[0]!])), [expected[0]]);
    assert.equal(errors.length, 1);
  });

  it('rejects a length below 9 and an invoke id that is not 4 digits', () => {
    const { sut, errors } = decoderWithErrors();
    const tooShort = header(8, '0001');
    const badId = Buffer.concat([header(12, '00x1'), Buffer.from('<a/>')]);

    const out = sut.push(Buffer.concat([tooShort, frames[0]!, badId, frames[1]!]));

    assert.deepEqual(out, expected.slice(0, 2));
    assert.equal(errors.length, 2);
    assert.match(errors[0]!.message, /length field 8 is too small/);
    assert.match(errors[1]!.message, /invoke id/);
  });

  it('drops a frame whose length field is too small and recovers at the next header', () => {
    const { sut, errors } = decoderWithErrors();
    const short = Buffer.from(frames[0]!);
    short.writeUInt16BE(short.length - 20, 2);

    const out = sut.push(Buffer.concat([short, frames[1]!]));

    // The truncated first frame comes out broken (the codec will refuse it); the next one is intact.
    assert.equal(out.length, 2);
    assert.notEqual(out[0]!.xml, MONITOR_START);
    assert.deepEqual(out[1], expected[1]);
    assert.equal(errors.length, 1);
  });

  it('does not let a frame whose length field is too large swallow the next frame', () => {
    const { sut, errors } = decoderWithErrors();
    const long = Buffer.from(frames[0]!);
    long.writeUInt16BE(long.length + 40, 2);

    const out = [...sut.push(long), ...sut.push(frames[1]!), ...sut.push(frames[2]!)];

    assert.deepEqual(out, expected.slice(1));
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /NUL byte/);
  });

  it('drops a frame whose body is not XML', () => {
    const { sut, errors } = decoderWithErrors();
    const notXml = Buffer.concat([header(12, '0003'), Buffer.from('abcd')]);

    assert.deepEqual(sut.push(Buffer.concat([notXml, frames[0]!])), [expected[0]]);
    assert.equal(errors.length, 1);
  });

  it('reports errors through takeErrors() when no callback is given, and never throws', () => {
    const sut = new CstaFrameDecoder();

    assert.deepEqual(sut.push(Buffer.from('definitely not CSTA')), []);
    assert.equal(sut.takeErrors().length, 1);
    assert.deepEqual(sut.takeErrors(), []);
    assert.deepEqual(sut.push(frames[0]!), [expected[0]]);
  });
});

describe('InvokeIdAllocator', () => {
  it('hands out 0001, 0002, ... as 4-digit strings', () => {
    const sut = new InvokeIdAllocator();

    assert.deepEqual([sut.next(), sut.next(), sut.next()], ['0001', '0002', '0003']);
    assert.equal(sut.pendingCount, 3);
  });

  it('wraps after 9998, never returns 9999, and skips ids still pending', () => {
    const sut = new InvokeIdAllocator();
    const first = sut.next();
    for (let i = 2; i <= 9998; i++) sut.release(sut.next());
    assert.equal(first, '0001');
    assert.ok(sut.isPending('0001'));

    assert.equal(sut.next(), '0002');
    sut.release('0001');
    for (let i = 3; i <= 9998; i++) sut.release(sut.next());
    assert.equal(sut.next(), '0001');
  });

  it('throws a clear error when every id is pending, and recovers after release', () => {
    const sut = new InvokeIdAllocator();
    const ids = Array.from({ length: 9998 }, () => sut.next());
    assert.equal(new Set(ids).size, 9998);
    assert.ok(!ids.includes('9999'));

    assert.throws(() => sut.next(), /all 9998 CSTA invoke ids are pending/);
    sut.release(ids[500]!);
    assert.equal(sut.next(), ids[500]);
    sut.releaseAll();
    assert.equal(sut.pendingCount, 0);
  });
});
