/**
 * SIP messages (RFC 3261 §7) as plain objects: the start line, the headers in order (names in
 * their canonical long form, compact forms expanded), and the body as bytes. Only what a SIP
 * over TCP endpoint needs to read and write messages; no transaction layer.
 */

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeader[];
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

export interface SipHeader {
  /** Canonical name ("Call-ID", "Content-Length"…), whatever the wire spelling or compact form. */
  name: string;
  value: string;
}

export const SIP_VERSION = 'SIP/2.0';

/** RFC 3261 §7.3.3 and later RFCs: compact form → long form. */
export const SIP_COMPACT_HEADERS: Readonly<Record<string, string>> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

/** Names whose canonical spelling is not plain Title-Case of their dash-separated words. */
const SPECIAL_NAMES: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
};

/** The canonical spelling of a header name: compact forms expanded, case normalized. */
export function canonicalHeaderName(name: string): string {
  const lower = name.trim().toLowerCase();
  if (lower.length === 1 && SIP_COMPACT_HEADERS[lower]) return SIP_COMPACT_HEADERS[lower];
  const special = SPECIAL_NAMES[lower];
  if (special) return special;
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, c: string) => dash + c.toUpperCase());
}

/** First value of a header, or undefined. */
export function sipHeader(message: Pick<SipMessage, 'headers'>, name: string): string | undefined {
  const canonical = canonicalHeaderName(name);
  return message.headers.find((h) => h.name === canonical)?.value;
}

/** Every value of a header, in order (comma-separated values are not split). */
export function sipHeaders(message: Pick<SipMessage, 'headers'>, name: string): string[] {
  const canonical = canonicalHeaderName(name);
  return message.headers.filter((h) => h.name === canonical).map((h) => h.value);
}

/** Writes a message. `Content-Length` is always written, from the body (any given one is replaced). */
export function serializeSipMessage(message: SipMessage): Buffer {
  const start = message.kind === 'request' ? `${message.method} ${message.uri} ${SIP_VERSION}` : `${SIP_VERSION} ${message.status} ${message.reason}`;
  const lines = [start];
  for (const h of message.headers) {
    const name = canonicalHeaderName(h.name);
    if (name === 'Content-Length') continue;
    if (/[\r\n]/.test(h.value)) throw new RangeError(`SIP header ${name}: a value cannot contain CR or LF`);
    lines.push(`${name}: ${h.value}`);
  }
  lines.push(`Content-Length: ${message.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), message.body]);
}

// ---------------------------------------------------------------------------------------------
// Header values

/** A name-addr or addr-spec (From, To, Contact): `"Name" <sip:user@host>;tag=x`. */
export interface SipNameAddr {
  displayName?: string;
  uri: string;
  /** Header parameters (after the `>`), names lower-case; a flag parameter has value "". */
  params: Record<string, string>;
}

/** Parses a From/To/Contact value (the first one when comma-separated); undefined when unreadable. */
export function parseNameAddr(value: string): SipNameAddr | undefined {
  const v = value.trim();
  const lt = v.indexOf('<');
  let uri: string;
  let rest: string;
  let displayName: string | undefined;
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    if (gt < 0) return undefined;
    uri = v.slice(lt + 1, gt).trim();
    displayName = v.slice(0, lt).trim().replace(/^"(.*)"$/, '$1') || undefined;
    rest = v.slice(gt + 1);
  } else {
    // addr-spec without brackets: parameters after ';' belong to the header, not the URI.
    const semi = v.indexOf(';');
    uri = (semi >= 0 ? v.slice(0, semi) : v).trim();
    rest = semi >= 0 ? v.slice(semi) : '';
    const comma = uri.indexOf(',');
    if (comma >= 0) uri = uri.slice(0, comma);
  }
  if (!uri) return undefined;
  return { ...(displayName ? { displayName } : {}), uri, params: parseParams(rest.split(',')[0] ?? '') };
}

/** `;a=1;b` → {a: '1', b: ''} (names lower-case). */
export function parseParams(text: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of text.split(';')) {
    const p = part.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    const name = (eq >= 0 ? p.slice(0, eq) : p).trim().toLowerCase();
    if (name) params[name] = eq >= 0 ? p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1') : '';
  }
  return params;
}

export interface SipUri {
  scheme: string;
  /** User part, percent-decoded ("66/4001" from `66%2F4001`). */
  user?: string;
  host: string;
  port?: number;
  params: Record<string, string>;
}

/** Parses `sip:user@host:port;params` (also sips:, tel: without host); undefined when unreadable. */
export function parseSipUri(uri: string): SipUri | undefined {
  const m = /^(sips?|tel):(?:([^@]*)@)?([^;?]*)([^?]*)/i.exec(uri.trim());
  if (!m) return undefined;
  const scheme = m[1]!.toLowerCase();
  let user = m[2];
  let hostPort = m[3]!;
  if (scheme === 'tel') {
    user = hostPort;
    hostPort = '';
  }
  let host = hostPort;
  let port: number | undefined;
  const pm = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  if (pm) {
    host = pm[1]!;
    port = pm[2] ? Number(pm[2]) : undefined;
  }
  let decoded = user;
  if (user !== undefined) {
    try {
      decoded = decodeURIComponent(user.split(':')[0]!);
    } catch {
      decoded = user;
    }
  }
  return { scheme, ...(decoded !== undefined ? { user: decoded } : {}), host, ...(port !== undefined ? { port } : {}), params: parseParams(m[4] ?? '') };
}

/** `CSeq: 12 INFO` → {seq: 12, method: 'INFO'}; undefined when unreadable. */
export function parseCSeq(value: string | undefined): { seq: number; method: string } | undefined {
  const m = /^\s*(\d{1,10})\s+([A-Za-z]+)\s*$/.exec(value ?? '');
  return m ? { seq: Number(m[1]), method: m[2]!.toUpperCase() } : undefined;
}

/**
 * A response to `request` (RFC 3261 §8.2.6.2): Via, From, To, Call-ID and CSeq copied; `toTag`
 * added to To when it has none (a UAS establishing or answering outside a dialog must tag it).
 */
export function sipResponseTo(
  request: SipRequest,
  status: number,
  reason: string,
  options: { toTag?: string; headers?: SipHeader[]; body?: Buffer } = {},
): SipResponse {
  const headers: SipHeader[] = [];
  for (const h of request.headers) {
    if (h.name === 'Via' || h.name === 'From' || h.name === 'Call-ID' || h.name === 'CSeq') headers.push({ name: h.name, value: h.value });
    if (h.name === 'To') {
      const tagged = /;\s*tag=/i.test(h.value);
      headers.push({ name: 'To', value: tagged || !options.toTag || status === 100 ? h.value : `${h.value};tag=${options.toTag}` });
    }
  }
  return { kind: 'response', status, reason, headers: [...headers, ...(options.headers ?? [])], body: options.body ?? Buffer.alloc(0) };
}

/** A one-line description for logs: `INFO sip:x` / `200 OK (INFO)`. */
export function describeSip(message: SipMessage): string {
  if (message.kind === 'request') return `${message.method} ${message.uri}`;
  return `${message.status} ${message.reason}${sipHeader(message, 'CSeq') ? ` (${sipHeader(message, 'CSeq')})` : ''}`;
}
