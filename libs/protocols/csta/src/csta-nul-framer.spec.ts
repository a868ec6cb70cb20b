import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeNulFrame, NulFrameDecoder } from './csta-nul-framer';
import { seededRandom } from '@tws/seeded-random';

const A = '<?xml version="1.0" encoding="UTF-8"?><MonitorStart xmlns="http://www.ecma-international.org/standards/ecma-323/csta/ed4"><monitorObject><deviceObject>4711</deviceObject></monitorObject></MonitorStart>';
const B = '<SystemStatus><systemStatus>normal</systemStatus></SystemStatus>';


describe('NUL-terminated CSTA framing', () => {
  it('golden bytes: the document then one 0x00', () => {
    const f = encodeNulFrame('<a>é</a>');
    assert.deepEqual([...f], [0x3c, 0x61, 0x3e, 0xc3, 0xa9, 0x3c, 0x2f, 0x61, 0x3e, 0x00]);
    assert.deepEqual(new NulFrameDecoder().push(f), ['<a>é</a>']);
    assert.throws(() => encodeNulFrame('<a>\u0000</a>'), RangeError);
  });

  it('split byte by byte and coalesced give the same documents; empty documents are skipped', () => {
    const all = Buffer.concat([encodeNulFrame(A), Buffer.from([0, 0]), encodeNulFrame(B), encodeNulFrame(A)]);
    assert.deepEqual(new NulFrameDecoder().push(all), [A, B, A]);
    const d = new NulFrameDecoder();
    const out = [...all].flatMap((b) => d.push(Buffer.from([b])));
    assert.deepEqual(out, [A, B, A]);
    assert.equal(d.bufferedBytes, 0);
  });

  it('garbage and oversized documents are dropped; the next document is read', () => {
    const errors: string[] = [];
    const d = new NulFrameDecoder({ maxDocumentBytes: 1000, onError: (e) => errors.push(e.message) });
    const out = [
      ...d.push(Buffer.from('\x01\x02garbage\x00')),
      ...d.push(Buffer.alloc(600, 'x')),
      ...d.push(Buffer.alloc(600, 'y')),
      ...d.push(Buffer.alloc(600, 'z')),
      ...d.push(Buffer.concat([Buffer.from('end\x00'), encodeNulFrame(B)])),
    ];
    assert.deepEqual(out, [B]);
    assert.equal(errors.length, 2);
    assert.match(errors[1]!, /over 1000 bytes/);
    assert.equal(d.bufferedBytes, 0);
  });

  it('fuzz: random and mutated input never throws and keeps the buffer bounded (seed 0x0ul)', { timeout: 60_000 }, () => {
    const rand = seededRandom(Number(process.env.CSTA_FUZZ_SEED ?? 0x5eed));
    const iterations = Number(process.env.CSTA_FUZZ_ITERATIONS ?? 3000);
    const d = new NulFrameDecoder({ maxDocumentBytes: 2000 });
    let recovered = 0;
    for (let i = 0; i < iterations; i++) {
      const good = encodeNulFrame(i % 2 ? A : B);
      const bad = Buffer.from(good);
      for (let k = 0; k < 3; k++) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const noise = Buffer.alloc(Math.floor(rand() * 3000));
      for (let j = 0; j < noise.length; j++) noise[j] = Math.floor(rand() * 256);
      const stream = Buffer.concat([noise, bad, Buffer.from([0]), good]);
      const docs: string[] = [];
      for (let at = 0; at < stream.length; ) {
        const n = 1 + Math.floor(rand() * 500);
        docs.push(...d.push(stream.subarray(at, at + n)));
        at += n;
        assert.ok(d.bufferedBytes <= 2000);
      }
      if (docs.at(-1) === (i % 2 ? A : B)) recovered++;
    }
    assert.equal(recovered, iterations, 'the good document after the noise always comes through');
  });
});
