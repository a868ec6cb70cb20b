/**
 * CSTA XML documents each terminated by a NUL byte (no header): the framing of Uni-tel's CSTA
 * TCP API and of some CTI servers. XML never contains a NUL, so the terminator is unambiguous.
 * The decoder returns the documents completed by each TCP chunk; an empty document (NUL NUL) is
 * skipped, a document that does not start like XML or is over the limit is dropped and reported,
 * and the decoder goes on after the next NUL. It never holds more than `maxDocumentBytes`.
 */

export const NUL_FRAME_DEFAULT_MAX_BYTES = 64 * 1024;

export interface NulFrameError {
  message: string;
  skippedBytes: number;
}

export interface NulFrameDecoderOptions {
  /** Largest document accepted (bytes, default 64 KiB). */
  maxDocumentBytes?: number;
  onError?: (error: NulFrameError) => void;
}

/** One document followed by its NUL terminator. */
export function encodeNulFrame(xml: string): Buffer {
  const body = Buffer.from(xml, 'utf8');
  if (body.includes(0)) throw new RangeError('a NUL-terminated CSTA document cannot contain a NUL byte');
  return Buffer.concat([body, Buffer.from([0])]);
}

export class NulFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  /** Discarding an oversized document until its NUL; bytes skipped so far. */
  private discarding = 0;
  private readonly max: number;

  constructor(private readonly options: NulFrameDecoderOptions = {}) {
    this.max = options.maxDocumentBytes ?? NUL_FRAME_DEFAULT_MAX_BYTES;
  }

  get bufferedBytes(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): string[] {
    const documents: string[] = [];
    let data = chunk;
    if (this.discarding > 0) {
      const nul = data.indexOf(0);
      if (nul < 0) {
        this.discarding += data.length;
        return documents;
      }
      this.report(`dropped a CSTA document over ${this.max} bytes`, this.discarding + nul + 1);
      this.discarding = 0;
      data = data.subarray(nul + 1);
    }
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    let offset = 0;
    for (;;) {
      const nul = this.buffer.indexOf(0, offset);
      if (nul < 0) break;
      const doc = this.buffer.subarray(offset, nul);
      offset = nul + 1;
      if (doc.length === 0) continue;
      if (doc.length > this.max) {
        this.report(`dropped a CSTA document over ${this.max} bytes`, doc.length + 1);
        continue;
      }
      const text = doc.toString('utf8');
      if (!/^(?:\uFEFF)?\s*</.test(text)) {
        if (/\S/.test(text)) this.report('dropped a document that does not start like XML', doc.length + 1);
        continue;
      }
      documents.push(text);
    }
    const rest = this.buffer.length - offset;
    if (rest > this.max) {
      this.discarding = rest;
      this.buffer = Buffer.alloc(0);
    } else if (offset !== 0) {
      this.buffer = rest === 0 ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(offset));
    }
    return documents;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.discarding = 0;
  }

  private report(message: string, skippedBytes: number): void {
    this.options.onError?.({ message: `${message}; skipped ${skippedBytes} byte(s)`, skippedBytes });
  }
}
