/**
 * ECMA-323 "CSTA XML without SOAP" framing over TCP (Annex J.2 in ed6):
 *
 *   offset 0-1  0x00 0x00       format (plain XML)
 *   offset 2-3  uint16 BE       total frame length, header included
 *   offset 4-7  4 ASCII digits  invoke id ("9999" for events)
 *   offset 8..  UTF-8 XML document
 */

export const CSTA_HEADER_LENGTH = 8;
/** The length field is 16 bits wide, so a whole frame never exceeds this. */
export const CSTA_MAX_FRAME_LENGTH = 0xffff;
export const CSTA_MAX_XML_BYTES = CSTA_MAX_FRAME_LENGTH - CSTA_HEADER_LENGTH;
/** Invoke id the switch puts on unsolicited events. */
export const EVENT_INVOKE_ID = '9999';

export interface CstaFrame {
  /** Four ASCII digits, e.g. "0001"; "9999" for events. */
  invokeId: string;
  xml: string;
}

/** A framing problem found in the byte stream; the decoder has already skipped past it. */
export interface CstaFrameError {
  message: string;
  /** Bytes discarded while looking for the next plausible header. */
  skippedBytes: number;
}

const INVOKE_ID_PATTERN = /^\d{4}$/;

/** Formats 1..9999 (or an already formatted 4-digit string) as the 4-digit wire form. */
export function formatInvokeId(invokeId: number | string): string {
  if (typeof invokeId === 'string') {
    if (!INVOKE_ID_PATTERN.test(invokeId)) {
      throw new RangeError(`CSTA invoke id "${invokeId}" must be exactly 4 ASCII digits`);
    }
    return invokeId;
  }
  if (!Number.isInteger(invokeId) || invokeId < 0 || invokeId > 9999) {
    throw new RangeError(`CSTA invoke id ${invokeId} must be an integer from 0 to 9999`);
  }
  return String(invokeId).padStart(4, '0');
}

/**
 * Builds one frame. Throws a RangeError when the invoke id is malformed or when the XML does
 * not fit the 16-bit length field (more than 65,527 UTF-8 bytes).
 */
export function encodeFrame(invokeId: number | string, xml: string): Buffer {
  const id = formatInvokeId(invokeId);
  const body = Buffer.from(xml, 'utf8');
  if (body.length > CSTA_MAX_XML_BYTES) {
    throw new RangeError(
      `CSTA XML message is ${body.length} bytes; the 8-byte header limits it to ${CSTA_MAX_XML_BYTES} bytes — ` +
        'split the request or monitor fewer objects per message',
    );
  }
  const frame = Buffer.allocUnsafe(CSTA_HEADER_LENGTH + body.length);
  frame.writeUInt16BE(0, 0);
  frame.writeUInt16BE(frame.length, 2);
  frame.write(id, 4, 'ascii');
  body.copy(frame, CSTA_HEADER_LENGTH);
  return frame;
}

type HeaderCheck = { ok: true; length: number } | { ok: false; reason: string } | { ok: 'incomplete' };

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** Checks the header at `at`; `strict` also requires the body to look like XML (used while resyncing). */
function checkHeader(buf: Buffer, at: number, strict: boolean): HeaderCheck {
  const available = buf.length - at;
  if (available >= 1 && buf[at] !== 0) return { ok: false, reason: `format byte 0 is 0x${hex(buf[at]!)}, expected 0x00` };
  if (available >= 2 && buf[at + 1] !== 0) {
    return { ok: false, reason: `format byte 1 is 0x${hex(buf[at + 1]!)}, expected 0x00` };
  }
  if (available < 4) return { ok: 'incomplete' };
  const length = buf.readUInt16BE(at + 2);
  if (length <= CSTA_HEADER_LENGTH) {
    return { ok: false, reason: `length field ${length} is too small (a frame is at least 9 bytes)` };
  }
  for (let i = 4; i < 8; i++) {
    if (available <= i) return { ok: 'incomplete' };
    if (!isDigit(buf[at + i]!)) return { ok: false, reason: 'invoke id is not 4 ASCII digits' };
  }
  if (strict) {
    if (available <= CSTA_HEADER_LENGTH) return { ok: 'incomplete' };
    if (!looksLikeXmlStart(buf[at + CSTA_HEADER_LENGTH]!)) return { ok: false, reason: 'body does not start like XML' };
  }
  return { ok: true, length };
}

/** '<', whitespace, or the first byte of a UTF-8 BOM. */
function looksLikeXmlStart(byte: number): boolean {
  return byte === 0x3c || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef;
}

function hex(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}

export interface CstaFrameDecoderOptions {
  /** Called for every framing error; the decoder has already resynchronised. */
  onError?: (error: CstaFrameError) => void;
}

/**
 * Streaming decoder for the 8-byte-header framing. Feed it TCP chunks as they arrive; it
 * returns the frames completed by each chunk. It never throws on bad input: a malformed header
 * is reported through `onError` (and kept in `errors` until `takeErrors()`), and the decoder
 * skips ahead to the next plausible header.
 */
export class CstaFrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private pendingErrors: CstaFrameError[] = [];
  /** How far the body of the partial frame at buffer offset 0 was already checked for NULs. */
  private scannedUpTo = 0;

  constructor(private readonly options: CstaFrameDecoderOptions = {}) {}

  /** Number of bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** Errors reported since the last call, oldest first. */
  takeErrors(): CstaFrameError[] {
    const errors = this.pendingErrors;
    this.pendingErrors = [];
    return errors;
  }

  push(chunk: Buffer): CstaFrame[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: CstaFrame[] = [];
    let offset = 0;
    let partialScanned = 0;
    for (;;) {
      const header = checkHeader(this.buffer, offset, false);
      if (header.ok === 'incomplete') break;
      if (header.ok === false) {
        const next = this.findNextHeader(offset + 1);
        this.report(`bad CSTA frame header: ${header.reason}`, next - offset);
        offset = next;
        continue;
      }
      // XML never contains a NUL byte, so a NUL inside the declared body means the length
      // field is wrong (or the peer died mid-frame): drop the fragment and resync there rather
      // than swallow the frames that follow.
      const bodyStart = offset + CSTA_HEADER_LENGTH;
      const available = Math.min(this.buffer.length, offset + header.length);
      const scanFrom = Math.max(bodyStart, offset === 0 ? this.scannedUpTo : 0);
      const nul = available > scanFrom ? this.buffer.subarray(scanFrom, available).indexOf(0) : -1;
      if (nul >= 0) {
        const next = scanFrom + nul;
        this.report('bad CSTA frame: NUL byte inside the body (wrong length field?)', next - offset);
        offset = next;
        continue;
      }
      if (available > bodyStart && !looksLikeXmlStart(this.buffer[bodyStart]!)) {
        const next = this.findNextHeader(offset + 1);
        this.report('bad CSTA frame: body does not start like XML (wrong length field?)', next - offset);
        offset = next;
        continue;
      }
      if (this.buffer.length - offset < header.length) {
        partialScanned = available;
        break;
      }
      const body = this.buffer.subarray(bodyStart, offset + header.length);
      frames.push({ invokeId: this.buffer.toString('ascii', offset + 4, offset + 8), xml: body.toString('utf8') });
      offset += header.length;
    }
    if (offset !== 0) this.buffer = Buffer.from(this.buffer.subarray(offset));
    this.scannedUpTo = partialScanned === 0 ? 0 : partialScanned - offset;
    return frames;
  }

  /** Drops any partial frame, e.g. after the connection was reset. */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.scannedUpTo = 0;
  }

  /** First offset >= from where a plausible header starts, or could start once more bytes arrive. */
  private findNextHeader(from: number): number {
    for (let i = from; i < this.buffer.length; i++) {
      if (this.buffer[i] !== 0) continue;
      if (checkHeader(this.buffer, i, true).ok !== false) return i;
    }
    return this.buffer.length;
  }

  private report(message: string, skippedBytes: number): void {
    const error = { message: `${message}; skipped ${skippedBytes} byte(s)`, skippedBytes };
    this.pendingErrors.push(error);
    if (this.pendingErrors.length > 100) this.pendingErrors.shift();
    this.options.onError?.(error);
  }
}

/**
 * Allocates request invoke ids 0001..9998 (9999 is reserved for events), wrapping around and
 * never handing out an id that is still pending. Call `release` when the response arrives or
 * the request is abandoned.
 */
export class InvokeIdAllocator {
  static readonly FIRST = 1;
  static readonly LAST = 9998;
  private readonly pending = new Set<number>();
  private cursor = InvokeIdAllocator.LAST;

  /** Next free id as 4 digits. Throws when all 9,998 ids are pending. */
  next(): string {
    const span = InvokeIdAllocator.LAST - InvokeIdAllocator.FIRST + 1;
    for (let tries = 0; tries < span; tries++) {
      this.cursor = this.cursor >= InvokeIdAllocator.LAST ? InvokeIdAllocator.FIRST : this.cursor + 1;
      if (!this.pending.has(this.cursor)) {
        this.pending.add(this.cursor);
        return formatInvokeId(this.cursor);
      }
    }
    throw new Error(`all ${span} CSTA invoke ids are pending — responses are not coming back; reset the link`);
  }

  release(id: string | number): void {
    this.pending.delete(typeof id === 'number' ? id : Number(id));
  }

  isPending(id: string | number): boolean {
    return this.pending.has(typeof id === 'number' ? id : Number(id));
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Forgets every pending id (the link was lost, so no response will come). */
  releaseAll(): void {
    this.pending.clear();
  }
}
