import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from './csta-codec';
import { CSTA_MAX_FRAME_LENGTH, CstaFrameDecoder, encodeFrame, type CstaFrame } from './csta-framer';
import { type KnownCstaMessage } from './csta-messages';
import { CSTA_SAMPLES } from './csta-samples';
import { seededRandom } from '@tws/seeded-random';

/**
 * Fuzzing of the framer and the codec with random and mutated input, from a seeded PRNG so a
 * failure replays exactly (the seed is in the test name). Properties: nothing throws, nothing
 * hangs (each test has a deadline), the decoder never holds more than one frame's worth of
 * bytes, the stream recovers after garbage, and whatever decodes re-encodes to the same object.
 */
const SEED = Number(process.env.CSTA_FUZZ_SEED ?? 0x5eed);
const ITERATIONS = Number(process.env.CSTA_FUZZ_ITERATIONS ?? 3000);

/** Seeds for mutation: one of each message type, as the switch and the suite write them. */
const CORPUS: KnownCstaMessage[] = Object.values(CSTA_SAMPLES);

const XML_CORPUS = CORPUS.map((m) => encodeMessage(m));
const TOKENS = ['<', '>', '/', '&', ';', '&amp;', '&#0;', '&#x110000;', '"', "'", '<![CDATA[x]]>', '<!--', '-->', '<?x?>', '<!DOCTYPE', '\u0000', '\uffff', 'é', '\ud800', ' ', '\n', 'xmlns:a="b"', '<a>', '</a>', '9'.repeat(40)];

function mutateText(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    switch (Math.floor(rnd() * 5)) {
      case 0: // delete a span
        s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 12));
        break;
      case 1: // insert a token
        s = s.slice(0, at) + TOKENS[Math.floor(rnd() * TOKENS.length)] + s.slice(at);
        break;
      case 2: // duplicate a span
        s = s.slice(0, at) + s.slice(at, at + Math.floor(rnd() * 40)) + s.slice(at);
        break;
      case 3: // replace a character
        s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x250)) + s.slice(at + 1);
        break;
      default: // truncate
        s = s.slice(0, at);
    }
  }
  return s;
}

function randomBytes(rnd: () => number, max: number): Buffer {
  const b = Buffer.alloc(Math.floor(rnd() * max));
  for (let i = 0; i < b.length; i++) b[i] = rnd() < 0.2 ? 0 : Math.floor(rnd() * 256);
  return b;
}

function mutateBytes(frame: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(frame);
  const flips = 1 + Math.floor(rnd() * 3);
  for (let i = 0; i < flips; i++) {
    const at = Math.floor(rnd() * b.length);
    b[at] = rnd() < 0.5 ? b[at]! ^ (1 << Math.floor(rnd() * 8)) : Math.floor(rnd() * 256);
  }
  return rnd() < 0.3 ? b.subarray(0, Math.floor(rnd() * b.length)) : b;
}

/** Pushes `bytes` in random chunk sizes (1 byte to the whole) and returns the frames. */
function pushChunked(decoder: CstaFrameDecoder, bytes: Buffer, rnd: () => number): CstaFrame[] {
  const frames: CstaFrame[] = [];
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 16 : bytes.length));
    frames.push(...decoder.push(bytes.subarray(at, at + size)));
    assert.ok(decoder.bufferedBytes <= CSTA_MAX_FRAME_LENGTH, `decoder holds ${decoder.bufferedBytes} bytes`);
    at += size;
  }
  return frames;
}

describe(`fuzzing the framer (seed ${SEED}, ${ITERATIONS} rounds)`, { timeout: 60_000 }, () => {
  it('random bytes never throw, and the stream recovers: the frames after the garbage arrive', () => {
    const rnd = seededRandom(SEED);
    for (let i = 0; i < ITERATIONS; i++) {
      const decoder = new CstaFrameDecoder();
      const garbage = randomBytes(rnd, 300);
      const valid = [1, 2, 3].map((n) => encodeFrame(n, XML_CORPUS[(i + n) % XML_CORPUS.length]!));

      const frames = pushChunked(decoder, Buffer.concat([garbage, ...valid]), rnd);

      // Garbage may swallow at most the first valid frame (a plausible header in it can claim
      // its bytes); the next NUL — the header of the second frame — resynchronises the stream.
      const ids = frames.map((f) => f.invokeId);
      assert.ok(ids.includes('0002') && ids.includes('0003'), `round ${i}: got ${ids.join(',')} after ${garbage.toString('hex')}`);
    }
  });

  it('mutated frames never throw; whatever comes out is a whole frame with a 4-digit invoke id', () => {
    const rnd = seededRandom(SEED + 1);
    for (let i = 0; i < ITERATIONS; i++) {
      const decoder = new CstaFrameDecoder();
      const frames = [0, 1, 2].map((n) => encodeFrame(i % 9998 + 1, XML_CORPUS[(i + n) % XML_CORPUS.length]!));
      const stream = Buffer.concat(frames.map((f) => (rnd() < 0.5 ? mutateBytes(f, rnd) : f)));

      for (const frame of pushChunked(decoder, stream, rnd)) {
        assert.match(frame.invokeId, /^\d{4}$/);
        const r = decodeMessage(frame.xml); // must not throw either
        assert.equal(typeof r.ok, 'boolean');
      }
      decoder.takeErrors();
    }
  });

  it('an oversized length claim is bounded: the decoder never buffers past one frame', () => {
    const decoder = new CstaFrameDecoder();
    const claim = Buffer.from([0, 0, 0xff, 0xff, 0x30, 0x30, 0x30, 0x31, 0x3c]);
    decoder.push(claim);
    for (let i = 0; i < 100; i++) decoder.push(Buffer.alloc(1000, 0x41));

    assert.ok(decoder.bufferedBytes <= CSTA_MAX_FRAME_LENGTH);
    const [after] = decoder.push(encodeFrame(7, XML_CORPUS[0]!));
    const more = decoder.push(encodeFrame(8, XML_CORPUS[0]!));
    assert.ok([after, ...more].some((f) => f?.invokeId === '0008'), 'a later frame still comes through');
  });
});

describe(`fuzzing the codec (seed ${SEED}, ${ITERATIONS} rounds)`, { timeout: 60_000 }, () => {
  it('mutated documents never throw; what decodes re-encodes to the same object', () => {
    const rnd = seededRandom(SEED + 2);
    let decodedCount = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const xml = mutateText(XML_CORPUS[i % XML_CORPUS.length]!, rnd);

      const r = decodeMessage(xml);

      if (!r.ok || r.message.type === 'unknown') continue;
      decodedCount++;
      const again = decodeMessage(encodeMessage(r.message, { edition: 'ed5' }));
      assert.ok(again.ok, `round ${i}: re-encoding ${JSON.stringify(r.message)} gave an undecodable document`);
      assert.deepEqual(again.message, r.message, `round ${i}: ${xml}`);
    }
    assert.ok(decodedCount > ITERATIONS / 20, `only ${decodedCount} mutants decoded: the mutations are too destructive to test much`);
  });

  it('random text and deep nesting never throw', () => {
    const rnd = seededRandom(SEED + 3);
    for (let i = 0; i < ITERATIONS / 3; i++) {
      const text = Array.from({ length: Math.floor(rnd() * 200) }, () => TOKENS[Math.floor(rnd() * TOKENS.length)]).join('');
      assert.equal(typeof decodeMessage(text).ok, 'boolean');
    }
    const deep = `${'<a>'.repeat(5000)}x${'</a>'.repeat(5000)}`;
    assert.equal(typeof decodeMessage(deep).ok, 'boolean');
  });
});
