import { canonicalHeaderName, type SipHeader, type SipMessage } from './sip-message';

/**
 * SIP over a stream transport (RFC 3261 §18.3): a message is its start line and headers up to
 * the empty line, then exactly `Content-Length` bytes of body (0 when the header is missing).
 * The decoder takes TCP chunks as they come (split or coalesced) and returns whole messages. It
 * never throws on bad input: a garbage start line, a header section that is too long or
 * malformed, or a body over the limit is reported through `onError`, dropped, and the decoder
 * resynchronises at the next line that looks like a start line. CRLF keep-alives between
 * messages (RFC 5626 §3.5.1 "ping" = CRLFCRLF) are skipped and reported through `onKeepAlive`.
 */

export interface SipFrameError {
  message: string;
  /** Bytes discarded. */
  skippedBytes: number;
}

export interface SipStreamDecoderOptions {
  /** Longest start line + headers accepted (bytes, default 16 KiB). */
  maxHeaderBytes?: number;
  /** Largest body accepted (bytes, default 64 KiB); a longer one is dropped with its message. */
  maxBodyBytes?: number;
  onError?: (error: SipFrameError) => void;
  /** A CRLFCRLF keep-alive ping arrived (the peer expects a CRLF pong). */
  onKeepAlive?: () => void;
}

export const SIP_DEFAULT_MAX_HEADER_BYTES = 16 * 1024;
export const SIP_DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const REQUEST_LINE = /^([A-Za-z0-9!%*_+`'~.-]+) (\S+) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/;
/** Bodies over the limit but under this are skipped by length; beyond it the length is not trusted. */
const MAX_SKIPPED_BODY = 16 * 1024 * 1024;
/** Longest start line considered while resynchronising. */
const MAX_START_LINE = 2048;

const CR = 0x0d;
const LF = 0x0a;

/** Where the header section ends: index of its first body byte, or -1 (CRLFCRLF, or LF LF leniently). */
function headerEnd(buf: Buffer, from: number, limit: number): number {
  const end = Math.min(buf.length, limit);
  for (let i = buf.indexOf(LF, from); i >= 0 && i < end; i = buf.indexOf(LF, i + 1)) {
    const next = buf[i + 1];
    if (next === LF) return i + 2;
    if (next === CR && buf[i + 2] === LF) return i + 3;
  }
  return -1;
}

/** Does this complete line look like a SIP start line? */
function isStartLine(line: string): boolean {
  return REQUEST_LINE.test(line) || STATUS_LINE.test(line);
}

/** Could these bytes (a line not finished yet) still become a start line? */
function couldBeStartLine(buf: Buffer, from: number): boolean {
  if (buf.length - from > MAX_START_LINE) return false;
  for (let i = from; i < buf.length; i++) {
    const b = buf[i]!;
    if (b < 0x20 || b > 0x7e) return b === CR && i === buf.length - 1;
  }
  return true;
}

export class SipStreamDecoder {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxHeaderBytes: number;
  private readonly maxBodyBytes: number;
  private pendingErrors: SipFrameError[] = [];
  /** Body bytes of a dropped oversized message still to skip (not buffered). */
  private skipping = 0;

  constructor(private readonly options: SipStreamDecoderOptions = {}) {
    this.maxHeaderBytes = options.maxHeaderBytes ?? SIP_DEFAULT_MAX_HEADER_BYTES;
    this.maxBodyBytes = options.maxBodyBytes ?? SIP_DEFAULT_MAX_BODY_BYTES;
  }

  /** Bytes held while waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.buffer.length;
  }

  /** Errors reported since the last call, oldest first (the last 100). */
  takeErrors(): SipFrameError[] {
    const errors = this.pendingErrors;
    this.pendingErrors = [];
    return errors;
  }

  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.skipping = 0;
  }

  push(chunk: Buffer): SipMessage[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const messages: SipMessage[] = [];
    let offset = 0;
    for (;;) {
      if (this.skipping > 0) {
        const n = Math.min(this.skipping, this.buffer.length - offset);
        this.skipping -= n;
        offset += n;
        if (this.skipping > 0) break;
      }
      // Keep-alives and stray line ends between messages.
      let crlf = offset;
      while (crlf < this.buffer.length && (this.buffer[crlf] === CR || this.buffer[crlf] === LF)) crlf++;
      if (crlf > offset) {
        if (crlf - offset >= 4 || this.buffer.subarray(offset, crlf).includes('\n\n')) this.options.onKeepAlive?.();
        offset = crlf;
      }
      if (offset >= this.buffer.length) break;
      const end = headerEnd(this.buffer, offset, offset + this.maxHeaderBytes + 4);
      if (end < 0) {
        const firstLf = this.buffer.indexOf(LF, offset);
        if (firstLf >= 0 && !isStartLine(this.buffer.toString('latin1', offset, firstLf).replace(/\r$/, ''))) {
          offset = this.resync(offset, 'not a SIP start line');
          continue;
        }
        if (firstLf < 0 && !couldBeStartLine(this.buffer, offset)) {
          offset = this.resync(offset, 'not a SIP start line');
          continue;
        }
        if (this.buffer.length - offset > this.maxHeaderBytes) {
          offset = this.resync(offset, `SIP header section longer than ${this.maxHeaderBytes} bytes`);
          continue;
        }
        break;
      }
      const parsed = parseHead(this.buffer.toString('utf8', offset, end));
      if ('error' in parsed) {
        // The start line may be fine while a header is not: skip the whole section then.
        offset = parsed.startLineOk ? this.skipTo(offset, end, parsed.error) : this.resync(offset, parsed.error);
        continue;
      }
      const lengthValue = parsed.headers.find((h) => h.name === 'Content-Length')?.value.trim();
      let length = 0;
      if (lengthValue !== undefined) {
        if (!/^\d{1,10}$/.test(lengthValue)) {
          offset = this.skipTo(offset, end, `bad Content-Length "${lengthValue.slice(0, 20)}"`);
          continue;
        }
        length = Number(lengthValue);
      }
      if (length > this.maxBodyBytes) {
        if (length <= MAX_SKIPPED_BODY) {
          // Skipped as it arrives, never buffered: the next message starts right after it.
          this.report(`dropped a SIP message: body of ${length} bytes is over the ${this.maxBodyBytes}-byte limit`, end - offset + length);
          this.skipping = length;
          offset = end;
        } else {
          // An absurd length is more likely garbage: resynchronise at the next start line instead.
          offset = this.skipTo(offset, end, `Content-Length ${length} is beyond reason`);
        }
        continue;
      }
      if (this.buffer.length - end < length) break;
      const body = Buffer.from(this.buffer.subarray(end, end + length));
      messages.push({ ...parsed.start, headers: parsed.headers, body } as SipMessage);
      offset = end + length;
    }
    if (offset !== 0) this.buffer = offset >= this.buffer.length ? Buffer.alloc(0) : Buffer.from(this.buffer.subarray(offset));
    return messages;
  }

  /** Drops `[offset, to)` and then whatever precedes the next start line. */
  private skipTo(offset: number, to: number, reason: string): number {
    const next = this.nextStart(to);
    this.report(`dropped a SIP message: ${reason}`, next - offset);
    return next;
  }

  /** Drops from `offset` to the next plausible start line (at a line start after `offset`). */
  private resync(offset: number, reason: string): number {
    const next = this.nextStart(offset + 1);
    this.report(`dropped bytes: ${reason}`, next - offset);
    return next;
  }

  /** First line start >= from that is, or may still become, a start line; buffer end if none. */
  private nextStart(from: number): number {
    const buf = this.buffer;
    let i = from;
    if (i > 0 && i < buf.length && buf[i - 1] !== LF) {
      const lf = buf.indexOf(LF, i);
      if (lf < 0) return buf.length;
      i = lf + 1;
    }
    while (i < buf.length) {
      if (buf[i] === CR || buf[i] === LF) {
        i++;
        continue;
      }
      const lf = buf.indexOf(LF, i);
      if (lf < 0) return couldBeStartLine(buf, i) ? i : buf.length;
      if (isStartLine(buf.toString('latin1', i, lf).replace(/\r$/, ''))) return i;
      i = lf + 1;
    }
    return buf.length;
  }

  private report(message: string, skippedBytes: number): void {
    const error = { message: `${message}; skipped ${skippedBytes} byte(s)`, skippedBytes };
    this.pendingErrors.push(error);
    if (this.pendingErrors.length > 100) this.pendingErrors.shift();
    this.options.onError?.(error);
  }
}

type Head =
  | { start: { kind: 'request'; method: string; uri: string } | { kind: 'response'; status: number; reason: string }; headers: SipHeader[] }
  | { error: string; startLineOk: boolean };

/** Start line and headers (folded lines joined). */
function parseHead(text: string): Head {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const first = lines.shift() ?? '';
  let start: Extract<Head, { start: unknown }>['start'];
  const req = REQUEST_LINE.exec(first);
  const res = req ? null : STATUS_LINE.exec(first);
  if (req) start = { kind: 'request', method: req[1]!.toUpperCase(), uri: req[2]! };
  else if (res) start = { kind: 'response', status: Number(res[1]), reason: res[2] ?? '' };
  else return { error: `not a SIP start line: "${printable(first)}"`, startLineOk: false };
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length) {
      headers[headers.length - 1]!.value += ` ${line.trim()}`;
      continue;
    }
    if (line.includes('\r')) return { error: 'a SIP header line contains a bare CR', startLineOk: true };
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!name || !/^[A-Za-z0-9!%*_+`'~.-]+$/.test(name)) return { error: `malformed SIP header line "${printable(line)}"`, startLineOk: true };
    headers.push({ name: canonicalHeaderName(name), value: line.slice(colon + 1).trim() });
  }
  return { start, headers };
}

function printable(s: string): string {
  return s.slice(0, 60).replace(/[^\x20-\x7e]/g, '?');
}

