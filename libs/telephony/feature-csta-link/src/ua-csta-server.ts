import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { CallCommand, CallCommandResult } from '@tws/contracts';
import { RemoteError } from '@tws/messaging';
import { Backoff, type LinkDriver } from '@tws/link-framework';
import {
  describeSip,
  parseNameAddr,
  parseSipUri,
  serializeSipMessage,
  sipHeader,
  sipResponseTo,
  SipStreamDecoder,
  type SipMessage,
  type SipRequest,
} from '@tws/sip';
import { CallRegistry } from './call-registry';
import type { CstaClientState } from './csta-client';
import { CstaLink, type CstaLinkOptions } from './csta-link';
import { linkStateEvent } from './csta-translation';
import { UaCstaDialog, type SipPeer } from './ua-csta-dialog';

/** The number before the account in a CTI identity (guide 11.2.1: `66-<account>`, `66/<account>`). */
export const CTI_IDENTITY_PREFIX = '66';

/**
 * The account a CTI identity names: `66-4001` → `4001`, `66/66-66` → `66-66` (a `/` is used when
 * the account itself contains a dash); undefined when the identity is not a CTI identity.
 */
export function accountOfCtiIdentity(identity: string): string | undefined {
  const slash = identity.indexOf('/');
  const sep = slash >= 0 ? slash : identity.indexOf('-');
  if (sep < 0 || identity.slice(0, sep) !== CTI_IDENTITY_PREFIX) return undefined;
  const account = identity.slice(sep + 1);
  return account ? account : undefined;
}

export interface UaCstaServerLinkOptions extends Omit<CstaLinkOptions, 'transport' | 'linkEventDevice' | 'client' | 'snapshotOnFirstConnect'> {
  /** Address to listen on (default: the link's host, or every address when it is not local). */
  listenHost?: string;
  /** Registration lifetime granted (s): the phone's Expires clamped to [min, max], default max. */
  minExpiresS?: number;
  maxExpiresS?: number;
  /** Answer timeout of the INVITE and of CSTA requests in INFO (ms). */
  requestTimeoutMs?: number;
  /** First delay before listening again after a failure (ms, doubling to 30 s). */
  backoffMs?: number;
  /** A connection that has registered no identity is closed after this long (ms, default 60 s). */
  idleConnectionMs?: number;
}

interface Phone {
  device: string;
  dialog: UaCstaDialog;
  link: CstaLink;
  expiry?: NodeJS.Timeout;
}

/** One phone's TCP connection: SIP messages in and out. */
class SipConnection implements SipPeer {
  readonly decoder: SipStreamDecoder;
  readonly viaSentBy: string;
  readonly localUri: string;
  readonly remote: string;
  /** Identities registered over this connection. */
  readonly devices = new Set<string>();

  constructor(
    readonly socket: Socket,
    port: number,
    onError: (message: string) => void,
  ) {
    const host = hostForUri(socket.localAddress ?? '127.0.0.1');
    this.viaSentBy = `SIP/2.0/TCP ${host}:${port}`;
    this.localUri = `sip:tws@${host}:${port};transport=tcp`;
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.decoder = new SipStreamDecoder({ onError: (e) => onError(e.message), onKeepAlive: () => this.socket.write('\r\n') });
  }

  get closed(): boolean {
    return this.socket.destroyed || !this.socket.writable;
  }

  send(message: SipMessage): boolean {
    if (this.closed) return false;
    this.socket.write(serializeSipMessage(message));
    return true;
  }
}

function hostForUri(address: string): string {
  const a = address.replace(/^::ffff:/, '');
  return a.includes(':') ? `[${a}]` : a;
}

/**
 * Desk-phone server mode (guide 11.2; "snom DEVICE", "Yealink", "UA CSTA ed3"): cstaservices
 * listens on the link's port for SIP over TCP. A phone registers its CTI identity
 * `66-<account>` (or `66/<account>`), the account being a CSTA device of the link's domain; the
 * registration is answered 200 OK, then the uaCSTA dialog is opened towards the phone (INVITE,
 * 200 OK, ACK) and CSTA runs in INFO. Each phone is one CstaLink over its dialog, so
 * monitoring, call commands, translation and recovery are those of client mode: when the dialog
 * opens the device is monitored and snapshotted (resync of what happened meanwhile); when the
 * phone drops its connection, unregisters or lets its registration expire, the device is
 * disconnected and a linkState event (device = the phone's number) says so.
 *
 * Unknown identities get 404, other users than a CTI identity 403; no digest challenge (the
 * phone's `csta_challenge` off): the identity is trusted like the PBX link of client mode.
 */
export class UaCstaServerLink implements LinkDriver {
  /** Guide 10.5 "Type": desk phones monitored over their own SIP dialog. */
  readonly deviceType = 'sipcti';
  /** One registry for all phones: call ids are qualified by device (see UaCstaDialog). */
  readonly calls: CallRegistry;
  private readonly phones = new Map<string, Phone>();
  private readonly connections = new Set<SipConnection>();
  private server?: Server;
  private closed = false;
  private readonly backoff: Backoff;
  private retryTimer?: NodeJS.Timeout;
  private tracer?: Parameters<CstaLink['traceTo']>[0];
  private listenState: CstaClientState = 'down';
  /** False until the devices of the link are known: a REGISTER then gets 503 + Retry-After. */
  private devicesKnown = false;
  private lastError?: string;
  private upSince?: Date;
  private downSince?: Date;
  /** Counters, for tests and logs. */
  readonly stats = { registrations: 0, refused: 0, badMessages: 0 };

  constructor(private readonly options: UaCstaServerLinkOptions) {
    this.calls = options.calls ?? new CallRegistry(options.linkId, options.now);
    this.backoff = new Backoff({ initialMs: options.backoffMs ?? 1000, maxMs: 30_000 });
  }

  get linkId(): string {
    return this.options.linkId;
  }

  /** LinkDriver: where the phones connect, for logs. */
  get where(): string {
    return this.client.where;
  }

  /** LinkDriver: what a restarted link takes over (the calls known). */
  carry(): CallRegistry {
    return this.calls;
  }

  /** The listener, as the manager reads a client. */
  get client(): { where: string; state: CstaClientState; lastError?: string } {
    return { where: `SIP/TCP ${this.listenHost}:${this.options.port} (phones connect)`, state: this.listenState, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }

  private get listenHost(): string {
    return this.options.listenHost ?? (this.options.host || '0.0.0.0');
  }

  /** The port actually listened on (the configured one, or the one chosen for port 0). */
  get port(): number | undefined {
    const a = this.server?.address();
    return a && typeof a === 'object' ? a.port : undefined;
  }

  start(): void {
    this.closed = false;
    this.listen(this.listenHost);
  }

  private listen(host: string) {
    if (this.closed) return;
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRNOTAVAIL' && host !== '0.0.0.0') {
        // The link's host is not an address of this machine (guide 11.2.2: "not useful"): listen everywhere.
        this.options.logger.info({ linkId: this.linkId, host }, 'the link host is not local: listening on every address');
        this.listen('0.0.0.0');
        return;
      }
      this.lastError = `cannot listen on ${host}:${this.options.port}: ${e.message}`;
      this.setListenState('down');
      const delay = this.backoff.next();
      this.options.logger.error({ linkId: this.linkId, err: this.lastError, retryInMs: delay }, 'uaCSTA server cannot listen');
      this.retryTimer = setTimeout(() => this.listen(host), delay);
    });
    server.listen(this.options.port, host, () => {
      this.backoff.reset();
      this.lastError = undefined;
      this.upSince = new Date();
      this.setListenState('up');
      this.options.logger.info({ linkId: this.linkId, host, port: this.port }, 'uaCSTA server listening for desk phones');
      this.options.onEvents([linkStateEvent(this.options, true, this.monitoredCount, new Date())]);
    });
  }

  private setListenState(s: CstaClientState) {
    if (s !== 'up' && this.listenState === 'up') this.downSince = new Date();
    this.listenState = s;
    this.options.onChange?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await Promise.all([...this.phones.values()].map((p) => this.closePhone(p)));
    this.phones.clear();
    for (const c of this.connections) c.socket.destroy();
    this.connections.clear();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.setListenState('down');
  }

  private async closePhone(p: Phone) {
    if (p.expiry) clearTimeout(p.expiry);
    await p.link.close();
  }

  traceTo(tracer: Parameters<CstaLink['traceTo']>[0]): void {
    this.tracer = tracer;
    for (const p of this.phones.values()) p.link.traceTo(tracer);
  }

  /** The devices whose phones may register (the CSTA devices of the domain, within capacity). */
  async setDevices(numbers: readonly string[]): Promise<void> {
    this.devicesKnown = true;
    const wanted = new Set(numbers);
    for (const [device, p] of this.phones) {
      if (wanted.has(device)) continue;
      this.phones.delete(device);
      await this.closePhone(p);
    }
    for (const device of wanted) {
      if (this.phones.has(device)) continue;
      const dialog = new UaCstaDialog({ device, edition: this.options.profile.edition, logger: this.options.logger, requestTimeoutMs: this.options.requestTimeoutMs });
      const link = new CstaLink({
        ...this.options,
        transport: dialog,
        linkEventDevice: device,
        calls: this.calls,
        snapshotOnFirstConnect: true,
      });
      const phone: Phone = { device, dialog, link };
      this.phones.set(device, phone);
      if (this.tracer) link.traceTo(this.tracer);
      link.start();
      await link.setDevices([device]);
    }
    this.options.onChange?.();
  }

  get deviceNumbers(): string[] {
    return [...this.phones.keys()];
  }

  isMonitored(device: string): boolean {
    return this.phones.get(device)?.link.isMonitored(device) ?? false;
  }

  get monitoredCount(): number {
    let n = 0;
    for (const p of this.phones.values()) n += p.link.monitoredCount;
    return n;
  }

  /** Phones registered with their dialog open. */
  get registeredCount(): number {
    let n = 0;
    for (const p of this.phones.values()) if (p.dialog.state === 'up') n++;
    return n;
  }

  deviceStates(): ReturnType<CstaLink['deviceStates']> {
    return [...this.phones.values()].flatMap((p) =>
      p.link.deviceStates().map((d) =>
        d.monitored
          ? d
          : {
              ...d,
              reason:
                p.dialog.state === 'down'
                  ? `phone not registered (CTI identity ${CTI_IDENTITY_PREFIX}-${p.device})${p.dialog.lastError ? `: ${p.dialog.lastError}` : ''}`
                  : (d.reason ?? 'uaCSTA dialog opening'),
            },
      ),
    );
  }

  async execute(device: string, cmd: CallCommand): Promise<CallCommandResult> {
    const p = this.phones.get(device);
    if (!p) throw new RemoteError('unavailable', `device ${device} is not served by this uaCSTA link`);
    return p.link.execute(device, cmd);
  }

  status() {
    const activeCalls = this.calls.active;
    return {
      state: this.listenState,
      connected: this.listenState === 'up',
      monitoredDevices: this.monitoredCount,
      configuredDevices: this.phones.size,
      registeredPhones: this.registeredCount,
      activeCalls,
      lastError: this.lastError,
      upSince: this.upSince?.toISOString(),
      downSince: this.listenState === 'up' ? undefined : this.downSince?.toISOString(),
    };
  }

  // -------------------------------------------------------------------------------------------
  // SIP

  private accept(socket: Socket) {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    const conn = new SipConnection(socket, this.port ?? this.options.port, (message) => {
      this.stats.badMessages++;
      this.options.onDropped?.('bad-frame');
      this.options.logger.warn({ linkId: this.linkId, phone: conn.remote, err: message }, 'dropped bad SIP bytes from a phone');
    });
    this.connections.add(conn);
    // A connection that registers nothing is not a phone of this link: do not keep it forever.
    const idle = setTimeout(() => {
      if (conn.devices.size === 0) {
        this.options.logger.warn({ linkId: this.linkId, phone: conn.remote }, 'no REGISTER on this connection within 60 s: closed');
        socket.destroy();
      }
    }, this.options.idleConnectionMs ?? 60_000);
    idle.unref();
    socket.on('data', (chunk) => {
      for (const m of conn.decoder.push(chunk)) {
        try {
          this.onMessage(conn, m);
        } catch (e) {
          this.options.logger.error({ linkId: this.linkId, phone: conn.remote, err: (e as Error).message, sip: describeSip(m) }, 'SIP message not handled');
        }
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(idle);
      this.connections.delete(conn);
      for (const device of conn.devices) {
        const p = this.phones.get(device);
        if (p && p.dialog.isOn(conn)) this.unregister(p, "the phone's TCP connection closed");
      }
    });
  }

  private onMessage(conn: SipConnection, m: SipMessage) {
    const callId = sipHeader(m, 'Call-ID');
    if (!callId || !sipHeader(m, 'CSeq')) {
      this.stats.badMessages++;
      this.options.logger.warn({ linkId: this.linkId, phone: conn.remote, sip: describeSip(m) }, 'SIP message without Call-ID or CSeq dropped');
      if (m.kind === 'request' && m.method !== 'ACK') conn.send(sipResponseTo(m, 400, 'Bad Request'));
      return;
    }
    const phone = this.phoneOfDialog(callId);
    if (m.kind === 'response') {
      phone?.dialog.onResponse(m);
      return;
    }
    if (phone && phone.dialog.isOn(conn) && m.method !== 'REGISTER') {
      phone.dialog.onRequest(m);
      return;
    }
    switch (m.method) {
      case 'REGISTER':
        this.onRegister(conn, m);
        return;
      case 'OPTIONS':
        conn.send(sipResponseTo(m, 200, 'OK', { toTag: tag(), headers: [{ name: 'Allow', value: ALLOW }] }));
        return;
      case 'ACK':
        return;
      case 'INFO':
      case 'BYE':
        conn.send(sipResponseTo(m, 481, 'Call/Transaction Does Not Exist', { toTag: tag() }));
        return;
      default:
        conn.send(sipResponseTo(m, 405, 'Method Not Allowed', { toTag: tag(), headers: [{ name: 'Allow', value: ALLOW }] }));
    }
  }

  private phoneOfDialog(callId: string): Phone | undefined {
    for (const p of this.phones.values()) if (p.dialog.dialogCallId === callId) return p;
    return undefined;
  }

  /** Guide 11.2.1: the phone registers `66-<account>`; the account must be a device of the link. */
  private onRegister(conn: SipConnection, req: SipRequest) {
    const to = parseNameAddr(sipHeader(req, 'To') ?? '');
    const identity = to ? parseSipUri(to.uri)?.user : undefined;
    const refuse = (status: number, reason: string, why: string) => {
      this.stats.refused++;
      this.options.logger.warn({ linkId: this.linkId, phone: conn.remote, identity, why }, 'phone registration refused');
      conn.send(sipResponseTo(req, status, reason, { toTag: tag() }));
    };
    if (!to || identity === undefined) return refuse(400, 'Bad Request', 'no readable To URI');
    if (!this.devicesKnown) {
      conn.send(sipResponseTo(req, 503, 'Service Unavailable', { toTag: tag(), headers: [{ name: 'Retry-After', value: '5' }] }));
      return;
    }
    const account = accountOfCtiIdentity(identity);
    if (account === undefined) return refuse(403, 'Forbidden', `"${identity}" is not a CTI identity (${CTI_IDENTITY_PREFIX}-<account> or ${CTI_IDENTITY_PREFIX}/<account>)`);
    const phone = this.phones.get(account);
    if (!phone) return refuse(404, 'Not Found', `no CSTA device ${account} on this link`);

    const contacts = sipHeader(req, 'Contact');
    const contact = contacts && contacts.trim() !== '*' ? parseNameAddr(contacts) : undefined;
    const requested = contact?.params.expires ?? sipHeader(req, 'Expires') ?? undefined;
    const asked = requested !== undefined && /^\d+$/.test(requested.trim()) ? Number(requested) : undefined;
    if (asked === 0 || contacts?.trim() === '*') {
      conn.send(sipResponseTo(req, 200, 'OK', { toTag: tag(), headers: [{ name: 'Expires', value: '0' }] }));
      this.options.logger.info({ linkId: this.linkId, device: account, identity }, 'phone unregistered');
      if (phone.dialog.isOn(conn) || phone.dialog.state === 'down') this.unregister(phone, 'the phone unregistered');
      return;
    }
    if (!contact) return refuse(400, 'Bad Request', 'no Contact');
    const expires = Math.max(this.options.minExpiresS ?? 60, Math.min(this.options.maxExpiresS ?? 3600, asked ?? this.options.maxExpiresS ?? 3600));
    conn.send(
      sipResponseTo(req, 200, 'OK', {
        toTag: tag(),
        headers: [
          { name: 'Contact', value: `<${contact.uri}>;expires=${expires}` },
          { name: 'Expires', value: String(expires) },
        ],
      }),
    );
    this.stats.registrations++;
    if (phone.expiry) clearTimeout(phone.expiry);
    phone.expiry = setTimeout(() => this.unregister(phone, `registration expired (${expires} s)`), expires * 1000 + 5000);
    phone.expiry.unref();

    const before = phone.dialog.registration;
    conn.devices.add(account);
    const sameBoot = before && before.registerCallId === sipHeader(req, 'Call-ID') && phone.dialog.isOn(conn);
    if (sameBoot && phone.dialog.state !== 'down') return; // a refresh
    // New phone, new connection, or the phone restarted (new Call-ID): (re)open the dialog; the
    // CstaLink monitors the device again and resynchronizes its calls when it is up.
    this.options.logger.info({ linkId: this.linkId, device: account, identity, phone: conn.remote, expires }, 'phone registered: opening the uaCSTA dialog');
    void phone.dialog.open(conn, { identity, aor: to.uri, contactUri: contact.uri, registerCallId: sipHeader(req, 'Call-ID')! });
  }

  private unregister(p: Phone, reason: string) {
    if (p.expiry) clearTimeout(p.expiry);
    p.expiry = undefined;
    if (p.dialog.state !== 'down') this.options.logger.warn({ linkId: this.linkId, device: p.device, reason }, 'phone disconnected');
    p.dialog.drop(reason);
    this.options.onChange?.();
  }
}

const ALLOW = 'REGISTER, INVITE, ACK, BYE, INFO, OPTIONS';

function tag(): string {
  return randomBytes(6).toString('hex');
}
