import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  CSTA_NAMESPACES,
  CSTA_RESPONSE_OF,
  CstaFrameDecoder,
  decodeMessage,
  describeCstaError,
  encodeFrame,
  encodeMessage,
  InvokeIdAllocator,
  isCstaEvent,
  type CstaEdition,
  type CstaErrorCategory,
  type CstaEvent,
  type CstaMessage,
  type CstaRequest,
  type CstaResponseTo,
  type KnownCstaMessage,
} from '@tws/csta';
import { Backoff } from '@tws/link-framework';
import type { Logger } from '@tws/logging';

/**
 * How the link is kept alive (a property of the PBX type):
 * - `ecma354`: we open an ECMA-354 application session and refresh it with
 *   ResetApplicationSessionTimer at half its duration; two unanswered refreshes = link dead;
 * - `switchDriven`: no session; the switch sends SystemStatus periodically and we answer;
 *   two heartbeats missed = link dead (OpenScape Voice, OmniPCX Office style).
 */
export type CstaSessionStyle = 'ecma354' | 'switchDriven';

export interface CstaClientOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  edition?: CstaEdition;
  sessionStyle?: CstaSessionStyle;
  /** ecma354: session duration asked for (s); the keep-alive runs at half the granted duration. */
  sessionDurationS?: number;
  /** switchDriven: the switch's SystemStatus period as configured (s); the observed period wins once known. */
  heartbeatS?: number;
  requestTimeoutMs?: number;
  /** Give up a TCP connection attempt after this long (ms). */
  connectTimeoutMs?: number;
  /** First reconnection delay; doubles up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  logger: Logger;
}

/** A CSTA request refused by the PBX (CSTAErrorCode or a negative response). */
export class CstaRequestError extends Error {
  constructor(
    readonly request: string,
    readonly reason: string,
    /** The CSTAErrorCode, when the refusal was one. */
    readonly code?: { category: CstaErrorCategory; value: string },
  ) {
    super(`PBX refused ${request}: ${reason}${code ? ` (${describeCstaError(code.category, code.value)})` : ''}`);
    this.name = 'CstaRequestError';
  }
}

/** The request got no answer: the link is down, was lost meanwhile, or the PBX stayed silent. */
export class CstaUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CstaUnavailableError';
  }
}

/**
 * Settles a pending request with the CSTA answer to it: the expected response resolves;
 * CSTAErrorCode, a negative response or anything else rejects with CstaRequestError.
 */
export function settleCstaAnswer(
  pending: { expect?: string; request: string; resolve: (m: CstaMessage) => void; reject: (e: Error) => void },
  message: CstaMessage,
): void {
  if (message.type === pending.expect) pending.resolve(message);
  else if (message.type === 'CSTAErrorCode') {
    pending.reject(new CstaRequestError(pending.request, `${message.category}/${message.value}`, { category: message.category, value: message.value }));
  } else if ('errorCode' in message) pending.reject(new CstaRequestError(pending.request, String(message.errorCode)));
  else pending.reject(new CstaRequestError(pending.request, `unexpected ${message.type}`));
}

/** One CSTA document that crossed the link, for PDU traces. */
export interface CstaPdu {
  direction: 'in' | 'out';
  invokeId: string;
  xml: string;
  /** The device the message is about, when the client knows it (requests and their responses). */
  device?: string;
  /** Decoded form of incoming messages. */
  message?: CstaMessage;
}

export interface RequestOptions {
  timeoutMs?: number;
  /** The device the request is for: named in PDU traces of the request and its response. */
  device?: string;
}

interface Pending {
  expect: string;
  request: string;
  device?: string;
  resolve: (m: CstaMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export type CstaClientState = 'connecting' | 'up' | 'down';

/**
 * One CSTA-XML link to a PBX over TCP with the ECMA-323 8-byte header. It opens the session
 * (ECMA-354, or waits for the switch's first SystemStatus), reconnects with backoff forever,
 * and tells its owner (`up` event) so monitors are started again; a link whose keep-alives or
 * heartbeats stop is declared dead and the socket reset. Requests pending when the link drops
 * fail at once with CstaUnavailableError.
 *
 * Events: 'state' (state, lastError?), 'up', 'down' (reason), 'event' (CstaEvent),
 * 'frameError' (message), 'pdu' (CstaPdu; only computed while someone listens).
 */
export class CstaClient extends EventEmitter {
  private socket?: Socket;
  private readonly decoder: CstaFrameDecoder;
  private readonly ids = new InvokeIdAllocator();
  private readonly pending = new Map<string, Pending>();
  private keepAlive?: NodeJS.Timeout;
  private missedKeepAlives = 0;
  private watchdog?: NodeJS.Timeout;
  private lastHeartbeatAt = 0;
  /** Observed SystemStatus period (ms); 0 until two heartbeats were seen. */
  private observedHeartbeatMs = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private readonly backoff: Backoff;
  private closed = false;
  private sessionId?: string;
  state: CstaClientState = 'down';
  lastError?: string;
  /** When the current session came up / the link was last lost. */
  upSince?: Date;
  downSince?: Date;

  constructor(private readonly opts: CstaClientOptions) {
    super();
    this.backoff = new Backoff({ initialMs: opts.backoffMs ?? 500, maxMs: opts.maxBackoffMs ?? 30_000 });
    this.decoder = new CstaFrameDecoder({
      onError: (e) => {
        this.opts.logger.warn({ link: this.where, err: e.message }, 'dropped a bad CSTA frame');
        this.emit('frameError', e.message);
      },
    });
  }

  get where(): string {
    return `${this.opts.host}:${this.opts.port}`;
  }

  get sessionStyle(): CstaSessionStyle {
    return this.opts.sessionStyle ?? 'ecma354';
  }

  get edition(): CstaEdition {
    return this.opts.edition ?? 'ed4';
  }

  /** Requests waiting for their answer. */
  get pendingCount(): number {
    return this.pending.size;
  }

  start(): void {
    this.closed = false;
    this.connect();
  }

  /** Stops the session politely, closes the socket and stops reconnecting. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    if (this.state === 'up' && this.sessionId) {
      await this.request({ type: 'StopApplicationSession', sessionId: this.sessionId, sessionEndReason: 'normal' }, 'StopApplicationSessionPosResponse', 2000).catch(() => undefined);
    }
    this.teardown('closed');
    this.socket?.destroy();
  }

  /** Resets the TCP connection now, as a network failure would (the client reconnects). */
  drop(reason: string): void {
    this.lastError = reason;
    this.socket?.destroy();
  }

  private setState(state: CstaClientState, error?: string) {
    this.state = state;
    if (error !== undefined) this.lastError = error;
    this.emit('state', state, error);
  }

  private connect() {
    if (this.closed) return;
    this.setState('connecting');
    const socket = connect({ host: this.opts.host, port: this.opts.port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    socket.setTimeout(this.opts.connectTimeoutMs ?? 10_000, () => {
      this.lastError = `no TCP connection to ${this.where} within ${this.opts.connectTimeoutMs ?? 10_000} ms`;
      socket.destroy();
    });
    socket.on('data', (chunk) => this.onData(socket, chunk));
    socket.once('connect', () => {
      socket.setTimeout(0);
      if (this.sessionStyle === 'switchDriven') {
        this.awaitHeartbeats(socket);
        return;
      }
      void this.startSession().catch((e) => {
        this.opts.logger.error({ link: this.where, err: (e as Error).message }, 'CSTA session refused');
        this.lastError = (e as Error).message;
        socket.destroy();
      });
    });
    socket.once('error', (e) => {
      this.lastError = `${e.message}`;
    });
    socket.once('close', () => {
      const wasUp = this.state === 'up';
      this.teardown(this.lastError ?? 'connection closed');
      if (wasUp) {
        this.downSince = new Date();
        this.upSince = undefined;
        this.emit('down', this.lastError ?? 'connection closed');
      }
      if (this.closed) {
        this.setState('down');
        return;
      }
      const delay = this.backoff.next();
      this.setState('down', this.lastError ?? 'connection closed');
      this.opts.logger.warn({ link: this.where, err: this.lastError, retryInMs: delay }, 'CSTA link down, reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private teardown(reason: string) {
    if (this.keepAlive) clearInterval(this.keepAlive);
    if (this.watchdog) clearInterval(this.watchdog);
    this.keepAlive = undefined;
    this.watchdog = undefined;
    this.sessionId = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new CstaUnavailableError(`CSTA link ${this.where} lost before the answer to ${p.request} (${reason})`));
      this.pending.delete(id);
    }
    this.ids.releaseAll();
    this.decoder.reset();
  }

  private async startSession() {
    const res = await this.request(
      {
        type: 'StartApplicationSession',
        applicationId: 'TWS',
        userName: this.opts.username,
        password: this.opts.password,
        requestedProtocolVersions: [CSTA_NAMESPACES[this.edition]],
        requestedSessionDuration: this.opts.sessionDurationS ?? 60,
      },
      'StartApplicationSessionPosResponse',
    );
    if (res.type !== 'StartApplicationSessionPosResponse') throw new Error('unexpected answer to StartApplicationSession');
    this.sessionId = res.sessionId;
    const duration = res.actualSessionDuration ?? this.opts.sessionDurationS ?? 60;
    this.missedKeepAlives = 0;
    this.keepAlive = setInterval(() => void this.sendKeepAlive(duration), Math.max(1000, (duration * 1000) / 2));
    this.opts.logger.info({ link: this.where, sessionId: res.sessionId, duration }, 'CSTA session started');
    this.becomeUp();
  }

  private becomeUp() {
    this.backoff.reset();
    this.lastError = undefined;
    this.upSince = new Date();
    this.setState('up');
    this.emit('up');
  }

  private async sendKeepAlive(duration: number) {
    if (!this.sessionId) return;
    try {
      await this.request({ type: 'ResetApplicationSessionTimer', sessionId: this.sessionId, requestedSessionDuration: duration }, 'ResetApplicationSessionTimerPosResponse');
      this.missedKeepAlives = 0;
    } catch (e) {
      this.missedKeepAlives++;
      this.opts.logger.warn({ link: this.where, missed: this.missedKeepAlives, err: (e as Error).message }, 'CSTA keep-alive not answered');
      if (this.missedKeepAlives >= 2) this.drop('two keep-alives unanswered: link declared dead');
    }
  }

  /** The period heartbeats are expected at: what the switch does once seen, else the configuration. */
  private get heartbeatMs(): number {
    const configured = (this.opts.heartbeatS ?? 30) * 1000;
    return this.observedHeartbeatMs > 0 ? Math.min(configured * 2, Math.max(200, this.observedHeartbeatMs)) : configured;
  }

  /** switchDriven: up at the first SystemStatus; dead when two heartbeat periods pass in silence. */
  private awaitHeartbeats(socket: Socket) {
    this.lastHeartbeatAt = Date.now();
    this.observedHeartbeatMs = 0;
    this.watchdog = setInterval(() => {
      const silentMs = Date.now() - this.lastHeartbeatAt;
      if (silentMs > this.heartbeatMs * 2.5) {
        this.drop(
          this.state === 'up'
            ? `two SystemStatus heartbeats missed (silent ${Math.round(silentMs / 1000)} s): link declared dead`
            : `no SystemStatus from the switch within ${Math.round(silentMs / 1000)} s of connecting — is the PBX type right?`,
        );
        socket.destroy();
      }
    }, Math.max(100, Math.min(1000, this.heartbeatMs / 4)));
    this.watchdog.unref();
  }

  private onHeartbeat() {
    const now = Date.now();
    if (this.state === 'up' && this.lastHeartbeatAt > 0) this.observedHeartbeatMs = now - this.lastHeartbeatAt;
    this.lastHeartbeatAt = now;
    if (this.sessionStyle === 'switchDriven' && this.state !== 'up') {
      this.opts.logger.info({ link: this.where }, 'CSTA link up (switch-driven heartbeats)');
      this.becomeUp();
    }
  }

  /**
   * Sends a request and resolves with its response (`expect` names the positive response).
   * CSTAErrorCode and negative responses reject with CstaRequestError; a link that is down,
   * lost before the answer, or silent rejects with CstaUnavailableError.
   */
  request(message: KnownCstaMessage, expect: string, timeoutOrOptions: number | RequestOptions = {}): Promise<CstaMessage> {
    const options = typeof timeoutOrOptions === 'number' ? { timeoutMs: timeoutOrOptions } : timeoutOrOptions;
    const timeoutMs = options.timeoutMs ?? this.opts.requestTimeoutMs ?? 5000;
    const socket = this.socket;
    if (!socket || socket.destroyed || (this.state !== 'up' && message.type !== 'StartApplicationSession')) {
      return Promise.reject(new CstaUnavailableError(`CSTA link ${this.where} is ${this.state}${this.lastError ? ` (${this.lastError})` : ''}`));
    }
    let invokeId: string;
    let xml: string;
    try {
      invokeId = this.ids.next();
      xml = encodeMessage(message, { edition: this.edition });
    } catch (e) {
      return Promise.reject(e as Error);
    }
    const frame = encodeFrame(invokeId, xml);
    if (this.listenerCount('pdu') > 0) this.emit('pdu', { direction: 'out', invokeId, xml, device: options.device } satisfies CstaPdu);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(invokeId);
        this.ids.release(invokeId);
        reject(new CstaUnavailableError(`no answer to ${message.type} from ${this.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(invokeId, { expect, request: message.type, device: options.device, resolve, reject, timer });
      socket.write(frame);
    });
  }

  /** Typed request: the response type follows from the request. */
  async call<R extends CstaRequest>(message: R, options: RequestOptions = {}): Promise<CstaResponseTo<R['type']>> {
    return (await this.request(message, CSTA_RESPONSE_OF[message.type as R['type']], options)) as CstaResponseTo<R['type']>;
  }

  private onData(socket: Socket, chunk: Buffer) {
    if (socket !== this.socket) return; // a late chunk from a connection already replaced
    const tracing = this.listenerCount('pdu') > 0;
    for (const frame of this.decoder.push(chunk)) {
      const decoded = decodeMessage(frame.xml);
      if (tracing) {
        const pending = this.pending.get(frame.invokeId);
        this.emit('pdu', {
          direction: 'in',
          invokeId: frame.invokeId,
          xml: frame.xml,
          device: decoded.ok && !isCstaEvent(decoded.message) ? pending?.device : undefined,
          message: decoded.ok ? decoded.message : undefined,
        } satisfies CstaPdu);
      }
      if (!decoded.ok) {
        this.opts.logger.warn({ link: this.where, err: decoded.error.message }, 'dropped an undecodable CSTA message');
        this.emit('frameError', decoded.error.message);
        continue;
      }
      const message = decoded.message;
      if (isCstaEvent(message)) {
        this.emit('event', message as CstaEvent);
        continue;
      }
      if (message.type === 'SystemStatus') {
        // A request from the switch (heartbeat): never the answer to one of ours, whatever its id.
        this.onHeartbeat();
        const xml = encodeMessage({ type: 'SystemStatusResponse' }, { edition: this.edition });
        if (tracing) this.emit('pdu', { direction: 'out', invokeId: frame.invokeId, xml } satisfies CstaPdu);
        this.socket?.write(encodeFrame(frame.invokeId, xml));
        continue;
      }
      const pending = this.pending.get(frame.invokeId);
      if (pending) {
        this.pending.delete(frame.invokeId);
        this.ids.release(frame.invokeId);
        clearTimeout(pending.timer);
        settleCstaAnswer(pending, message);
        continue;
      }
      this.opts.logger.debug({ link: this.where, type: message.type, invokeId: frame.invokeId }, 'ignored CSTA message');
    }
  }
}
