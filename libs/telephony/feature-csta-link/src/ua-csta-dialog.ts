import { EventEmitter } from 'node:events';
import { randomBytes } from 'node:crypto';
import {
  CSTA_NAMESPACES,
  CSTA_RESPONSE_OF,
  decodeMessage,
  encodeMessage,
  isCstaEvent,
  type CstaEdition,
  type CstaEvent,
  type CstaMessage,
  type CstaRequest,
  type CstaResponseTo,
  type KnownCstaMessage,
} from '@tws/csta';
import type { Logger } from '@tws/logging';
import { parseCSeq, parseNameAddr, sipHeader, sipResponseTo, type SipHeader, type SipRequest, type SipResponse } from '@tws/sip';
import { CstaRequestError, CstaUnavailableError, settleCstaAnswer, type CstaClientState, type CstaPdu, type RequestOptions } from './csta-client';
import type { CstaTransport } from './csta-transport';

export const CSTA_CONTENT_TYPE = 'application/csta+xml';
/** uaCSTA (ECMA TR/87): CSTA bodies are signals the phone must understand, not a session. */
export const CSTA_CONTENT_DISPOSITION = 'signal;handling=required';

/** The SIP connection a phone registered over, as the dialog needs it. */
export interface SipPeer {
  /** Sends a message on the phone's TCP connection; false when it is closed. */
  send(message: SipRequest | SipResponse): boolean;
  /** `SIP/2.0/TCP host:port` of our end, for Via. */
  readonly viaSentBy: string;
  /** Our URI for From and Contact (`sip:tws@host:port;transport=tcp`). */
  readonly localUri: string;
  readonly remote: string;
  readonly closed: boolean;
}

/** What the phone registered: where to send the INVITE and whom it is. */
export interface PhoneRegistration {
  /** The registered identity (`66-4001`). */
  identity: string;
  /** The REGISTER's To (the address of record). */
  aor: string;
  /** The Contact URI the phone registered (where requests go). */
  contactUri: string;
  /** The REGISTER's Call-ID: a new one means the phone restarted. */
  registerCallId: string;
}

export interface UaCstaDialogOptions {
  device: string;
  edition: CstaEdition;
  logger: Logger;
  /** Time to wait for the answer to an INVITE or a CSTA request in INFO (ms, default 5000). */
  requestTimeoutMs?: number;
}

interface Pending {
  method: 'INVITE' | 'INFO';
  expect?: string;
  request: string;
  device?: string;
  resolve: (m: CstaMessage | undefined) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

const tag = () => randomBytes(6).toString('hex');
const branch = () => `z9hG4bK${randomBytes(8).toString('hex')}`;

/**
 * One desk phone's uaCSTA dialog, as the CSTA transport of that phone's CstaLink: when the phone
 * has registered its CTI identity, `open` sends the INVITE (body RequestSystemStatus,
 * `application/csta+xml`, `Content-Disposition: signal;handling=required`), acknowledges the
 * 200 OK, and the dialog is `up`; CSTA requests then go out in INFO and their response is the
 * body of the INFO's 200 OK; events come in INFO and are answered with an empty 200 OK.
 *
 * Call ids are per phone (snom numbers its calls from 1): they are qualified with the device
 * (`4001|12`) on the way in and unqualified on the way out, so one call registry serves every
 * phone of the link and call references stay unique.
 */
export class UaCstaDialog extends EventEmitter implements CstaTransport {
  state: CstaClientState = 'down';
  lastError?: string;
  upSince?: Date;
  downSince?: Date;
  registration?: PhoneRegistration;
  private peer?: SipPeer;
  private callId?: string;
  private localTag = '';
  private remoteTag?: string;
  private remoteTarget?: string;
  private cseq = 0;
  private readonly pending = new Map<string, Pending>();
  private closed = false;
  /** Bumped on every open/drop, so a late answer of an old dialog is ignored. */
  private epoch = 0;

  constructor(private readonly opts: UaCstaDialogOptions) {
    super();
  }

  get device(): string {
    return this.opts.device;
  }

  get where(): string {
    return this.registration && this.peer ? `${this.registration.identity} at ${this.peer.remote}` : `phone ${this.opts.device} (not registered)`;
  }

  /** Call-ID of the open dialog (routes the phone's INFO and our responses). */
  get dialogCallId(): string | undefined {
    return this.callId;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.closed = false;
  }

  async close(): Promise<void> {
    if (this.state === 'up' && this.peer && !this.peer.closed) {
      this.peer.send(this.inDialogRequest('BYE', []));
    }
    this.closed = true;
    this.drop('closed');
  }

  /** Opens (or reopens) the uaCSTA dialog over `peer` after a registration. */
  async open(peer: SipPeer, registration: PhoneRegistration): Promise<void> {
    if (this.closed) return;
    if (this.state !== 'down') this.drop('the phone registered again: dialog reopened');
    const epoch = ++this.epoch;
    this.peer = peer;
    this.registration = registration;
    this.callId = `${randomBytes(10).toString('hex')}@tws`;
    this.localTag = tag();
    this.remoteTag = undefined;
    this.remoteTarget = registration.contactUri;
    this.cseq = 0;
    this.setState('connecting');
    const body = `<?xml version="1.0" encoding="UTF-8"?><RequestSystemStatus xmlns="${CSTA_NAMESPACES[this.opts.edition]}"/>`;
    const invite = this.inDialogRequest('INVITE', [
      { name: 'Contact', value: `<${peer.localUri}>` },
      { name: 'Content-Type', value: CSTA_CONTENT_TYPE },
      { name: 'Content-Disposition', value: CSTA_CONTENT_DISPOSITION },
    ], body);
    this.emitPdu('out', invite, body);
    try {
      await this.transact(invite, { method: 'INVITE', request: 'INVITE' });
    } catch (e) {
      if (epoch !== this.epoch) return;
      this.opts.logger.warn({ device: this.device, phone: this.where, err: (e as Error).message }, 'the phone did not open the uaCSTA dialog');
      this.drop((e as Error).message);
      return;
    }
    if (epoch !== this.epoch || this.closed) return;
    this.lastError = undefined;
    this.upSince = new Date();
    this.setState('up');
    this.opts.logger.info({ device: this.device, phone: this.where }, 'uaCSTA dialog open');
    this.emit('up');
  }

  /** The phone is gone (connection closed, unregistered, registration expired): the dialog ends. */
  drop(reason: string): void {
    this.epoch++;
    const wasUp = this.state === 'up';
    for (const [key, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CstaUnavailableError(`uaCSTA dialog with ${this.where} lost before the answer to ${p.request} (${reason})`));
      this.pending.delete(key);
    }
    this.callId = undefined;
    if (this.state === 'down') {
      this.lastError = reason;
      return;
    }
    this.downSince = new Date();
    this.upSince = undefined;
    this.setState('down', reason);
    if (wasUp) this.emit('down', reason);
  }

  /** Is this connection the one the dialog runs on? */
  isOn(peer: SipPeer): boolean {
    return this.peer === peer;
  }

  call<R extends CstaRequest>(message: R, options: RequestOptions = {}): Promise<CstaResponseTo<R['type']>> {
    return this.request(message, CSTA_RESPONSE_OF[message.type as R['type']], options) as Promise<CstaResponseTo<R['type']>>;
  }

  /** Sends a CSTA request in INFO; resolves with the CSTA response found in the 200 OK. */
  async request(message: KnownCstaMessage, expect: string, options: RequestOptions = {}): Promise<CstaMessage> {
    if (this.state !== 'up' || !this.peer || this.peer.closed) {
      throw new CstaUnavailableError(`uaCSTA dialog with ${this.where} is ${this.state}${this.lastError ? ` (${this.lastError})` : ''}`);
    }
    const xml = encodeMessage(mapCallIds(message, (id) => (id.startsWith(`${this.device}|`) ? id.slice(this.device.length + 1) : id)), { edition: this.opts.edition });
    const info = this.inDialogRequest('INFO', [
      { name: 'Content-Type', value: CSTA_CONTENT_TYPE },
      { name: 'Content-Disposition', value: CSTA_CONTENT_DISPOSITION },
    ], xml);
    this.emitPdu('out', info, xml, options.device);
    const res = await this.transact(info, { method: 'INFO', expect, request: message.type, device: options.device ?? this.device }, options.timeoutMs);
    if (!res) throw new CstaUnavailableError(`${this.where} answered ${message.type} with a 200 OK without a CSTA response`);
    return res;
  }

  /** A request of the phone within this dialog (INFO, BYE, re-INVITE…). */
  onRequest(req: SipRequest): void {
    const peer = this.peer;
    if (!peer) return;
    if (req.method === 'ACK') return;
    if (req.method === 'BYE') {
      peer.send(sipResponseTo(req, 200, 'OK'));
      this.drop('the phone closed the uaCSTA dialog (BYE)');
      return;
    }
    if (req.method !== 'INFO') {
      // A re-INVITE refreshing the dialog: accept it as it is.
      peer.send(sipResponseTo(req, 200, 'OK', req.method === 'INVITE' ? { headers: [{ name: 'Contact', value: `<${peer.localUri}>` }] } : {}));
      return;
    }
    if (req.body.length === 0) {
      peer.send(sipResponseTo(req, 200, 'OK'));
      return;
    }
    const xml = req.body.toString('utf8');
    const decoded = decodeMessage(xml);
    this.emitPdu('in', req, xml, undefined, decoded.ok ? decoded.message : undefined);
    if (!decoded.ok) {
      peer.send(sipResponseTo(req, 200, 'OK'));
      this.opts.logger.warn({ device: this.device, err: decoded.error.message }, 'dropped an undecodable CSTA message from the phone');
      this.emit('frameError', decoded.error.message);
      return;
    }
    const m = mapCallIds(decoded.message, (id) => `${this.device}|${id}`);
    if (m.type === 'SystemStatus') {
      const body = encodeMessage({ type: 'SystemStatusResponse' }, { edition: this.opts.edition });
      this.emitPdu('out', req, body);
      peer.send(sipResponseTo(req, 200, 'OK', { headers: [{ name: 'Content-Type', value: CSTA_CONTENT_TYPE }], body: Buffer.from(body) }));
      return;
    }
    peer.send(sipResponseTo(req, 200, 'OK'));
    if (isCstaEvent(m)) this.emit('event', m as CstaEvent);
    else this.opts.logger.debug({ device: this.device, type: m.type }, 'ignored CSTA message from the phone');
  }

  /** A response to one of our requests (matched by Call-ID by the server). */
  onResponse(res: SipResponse): void {
    const cseq = parseCSeq(sipHeader(res, 'CSeq'));
    if (!cseq || res.status < 200) return;
    const key = `${cseq.seq} ${cseq.method}`;
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    clearTimeout(p.timer);
    if (p.method === 'INVITE') {
      const to = sipHeader(res, 'To') ?? '';
      if (res.status >= 300) {
        // Hop-by-hop ACK of a failure: same branch as the INVITE.
        this.peer?.send(this.ack(cseq.seq, to, true));
        p.reject(new Error(`the phone refused the uaCSTA INVITE: ${res.status} ${res.reason}`));
        return;
      }
      this.remoteTag = parseNameAddr(to)?.params.tag;
      const contact = parseNameAddr(sipHeader(res, 'Contact') ?? '');
      if (contact) this.remoteTarget = contact.uri;
      this.peer?.send(this.ack(cseq.seq, to, false));
      p.resolve(undefined);
      return;
    }
    if (res.status >= 300) {
      p.reject(new CstaRequestError(p.request, `SIP ${res.status} ${res.reason}`));
      return;
    }
    if (res.body.length === 0) {
      p.resolve(undefined);
      return;
    }
    const xml = res.body.toString('utf8');
    const decoded = decodeMessage(xml);
    this.emitPdu('in', res, xml, p.device, decoded.ok ? decoded.message : undefined);
    if (!decoded.ok) {
      this.emit('frameError', decoded.error.message);
      p.reject(new CstaUnavailableError(`undecodable answer to ${p.request} from ${this.where}: ${decoded.error.message}`));
      return;
    }
    settleCstaAnswer(p, mapCallIds(decoded.message, (id) => `${this.device}|${id}`));
  }

  private transact(req: SipRequest, p: Omit<Pending, 'resolve' | 'reject' | 'timer'>, timeoutMs = this.opts.requestTimeoutMs ?? 5000): Promise<CstaMessage | undefined> {
    const cseq = parseCSeq(sipHeader(req, 'CSeq'))!;
    const key = `${cseq.seq} ${cseq.method}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(key);
        reject(new CstaUnavailableError(`no answer to ${p.request} from ${this.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(key, { ...p, resolve, reject, timer });
      if (!this.peer?.send(req)) {
        clearTimeout(timer);
        this.pending.delete(key);
        reject(new CstaUnavailableError(`the connection of ${this.where} is closed`));
      }
    });
  }

  private inDialogRequest(method: string, extra: SipHeader[], body?: string): SipRequest {
    const peer = this.peer!;
    const reg = this.registration!;
    this.cseq++;
    return {
      kind: 'request',
      method,
      uri: this.remoteTarget ?? reg.contactUri,
      headers: [
        { name: 'Via', value: `${peer.viaSentBy};branch=${branch()}` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<${peer.localUri.replace(/;transport=tcp$/, '')}>;tag=${this.localTag}` },
        { name: 'To', value: `<${reg.aor}>${this.remoteTag ? `;tag=${this.remoteTag}` : ''}` },
        { name: 'Call-ID', value: this.callId! },
        { name: 'CSeq', value: `${this.cseq} ${method}` },
        { name: 'User-Agent', value: 'TWS cstaservices' },
        ...extra,
      ],
      body: body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'utf8'),
    };
  }

  private ack(seq: number, to: string, sameBranchAs: boolean): SipRequest {
    const peer = this.peer!;
    const reg = this.registration!;
    return {
      kind: 'request',
      method: 'ACK',
      uri: sameBranchAs ? reg.contactUri : (this.remoteTarget ?? reg.contactUri),
      headers: [
        { name: 'Via', value: `${peer.viaSentBy};branch=${branch()}` },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<${peer.localUri.replace(/;transport=tcp$/, '')}>;tag=${this.localTag}` },
        { name: 'To', value: to },
        { name: 'Call-ID', value: this.callId! },
        { name: 'CSeq', value: `${seq} ACK` },
      ],
      body: Buffer.alloc(0),
    };
  }

  private setState(state: CstaClientState, error?: string) {
    this.state = state;
    if (error !== undefined) this.lastError = error;
    this.emit('state', state, error);
  }

  private emitPdu(direction: 'in' | 'out', sip: SipRequest | SipResponse, xml: string, device?: string, message?: CstaMessage) {
    if (this.listenerCount('pdu') === 0) return;
    const cseq = parseCSeq(sipHeader(sip, 'CSeq'));
    this.emit('pdu', {
      direction,
      invokeId: cseq ? `${cseq.method}:${cseq.seq}` : '',
      xml,
      device: device ?? this.device,
      ...(message ? { message } : {}),
    } satisfies CstaPdu);
  }
}

/** A copy of a CSTA message with every `callId` passed through `fn`. */
export function mapCallIds<T>(value: T, fn: (callId: string) => string): T {
  if (Array.isArray(value)) return value.map((v) => mapCallIds(v, fn)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'callId' && typeof v === 'string' ? fn(v) : mapCallIds(v, fn);
  return out as T;
}
