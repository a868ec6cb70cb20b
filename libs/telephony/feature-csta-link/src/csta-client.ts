import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import {
  CSTA_NAMESPACES,
  CstaFrameDecoder,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  InvokeIdAllocator,
  isCstaEvent,
  type CstaEdition,
  type CstaEvent,
  type CstaMessage,
  type KnownCstaMessage,
} from '@tws/csta';
import type { Logger } from '@tws/logging';

export interface CstaClientOptions {
  host: string;
  port: number;
  username?: string;
  password?: string;
  edition?: CstaEdition;
  /** Session duration asked for (s); the keep-alive runs at half the granted duration. */
  sessionDurationS?: number;
  requestTimeoutMs?: number;
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
  ) {
    super(`PBX refused ${request}: ${reason}`);
    this.name = 'CstaRequestError';
  }
}

interface Pending {
  expect: string;
  resolve: (m: CstaMessage) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

export type CstaClientState = 'connecting' | 'up' | 'down';

/**
 * One CSTA-XML link to a PBX over TCP with the ECMA-323 8-byte header and an ECMA-354
 * application session. It reconnects with backoff forever, restarts the session, and tells
 * its owner (`up` event) so monitors are started again; a session whose keep-alive goes
 * unanswered twice is declared dead and the socket reset.
 *
 * Events: 'state' (state, lastError?), 'up', 'event' (CstaEvent), 'frameError' (message).
 */
export class CstaClient extends EventEmitter {
  private socket?: Socket;
  private readonly decoder: CstaFrameDecoder;
  private readonly ids = new InvokeIdAllocator();
  private readonly pending = new Map<string, Pending>();
  private keepAlive?: NodeJS.Timeout;
  private missedKeepAlives = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private attempt = 0;
  private closed = false;
  private sessionId?: string;
  state: CstaClientState = 'down';
  lastError?: string;

  constructor(private readonly opts: CstaClientOptions) {
    super();
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
    socket.on('data', (chunk) => this.onData(chunk));
    socket.once('connect', () => {
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
      this.teardown(this.lastError ?? 'connection closed');
      if (this.closed) {
        this.setState('down');
        return;
      }
      const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, (this.opts.backoffMs ?? 500) * 2 ** Math.min(this.attempt, 10));
      this.attempt++;
      this.setState('down', this.lastError ?? 'connection closed');
      this.opts.logger.warn({ link: this.where, err: this.lastError, retryInMs: delay }, 'CSTA link down, reconnecting');
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private teardown(reason: string) {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
    this.sessionId = undefined;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`CSTA link ${this.where} lost before the answer (${reason})`));
      this.pending.delete(id);
    }
    this.ids.releaseAll();
    this.decoder.reset();
  }

  private async startSession() {
    const edition = this.opts.edition ?? 'ed4';
    const res = await this.request(
      {
        type: 'StartApplicationSession',
        applicationId: 'TWS',
        userName: this.opts.username,
        password: this.opts.password,
        requestedProtocolVersions: [CSTA_NAMESPACES[edition]],
        requestedSessionDuration: this.opts.sessionDurationS ?? 60,
      },
      'StartApplicationSessionPosResponse',
    );
    if (res.type !== 'StartApplicationSessionPosResponse') throw new Error('unexpected answer to StartApplicationSession');
    this.sessionId = res.sessionId;
    const duration = res.actualSessionDuration ?? this.opts.sessionDurationS ?? 60;
    this.missedKeepAlives = 0;
    this.keepAlive = setInterval(() => void this.sendKeepAlive(duration), Math.max(1000, (duration * 1000) / 2));
    this.attempt = 0;
    this.lastError = undefined;
    this.opts.logger.info({ link: this.where, sessionId: res.sessionId, duration }, 'CSTA session started');
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
      if (this.missedKeepAlives >= 2) {
        this.lastError = 'two keep-alives unanswered: link declared dead';
        this.socket?.destroy();
      }
    }
  }

  /**
   * Sends a request and resolves with its response (`expect` names the positive response).
   * CSTAErrorCode and negative responses reject with CstaRequestError.
   */
  request(message: KnownCstaMessage, expect: string, timeoutMs = this.opts.requestTimeoutMs ?? 5000): Promise<CstaMessage> {
    const socket = this.socket;
    if (!socket || socket.destroyed || (this.state !== 'up' && message.type !== 'StartApplicationSession')) {
      return Promise.reject(new Error(`CSTA link ${this.where} is ${this.state}${this.lastError ? ` (${this.lastError})` : ''}`));
    }
    const invokeId = this.ids.next();
    const frame = encodeFrame(invokeId, encodeMessage(message, { edition: this.opts.edition ?? 'ed4' }));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(invokeId);
        this.ids.release(invokeId);
        reject(new Error(`no answer to ${message.type} from ${this.where} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(invokeId, { expect, resolve, reject, timer });
      socket.write(frame);
    });
  }

  private onData(chunk: Buffer) {
    for (const frame of this.decoder.push(chunk)) {
      const decoded = decodeMessage(frame.xml);
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
      const pending = this.pending.get(frame.invokeId);
      if (pending) {
        this.pending.delete(frame.invokeId);
        this.ids.release(frame.invokeId);
        clearTimeout(pending.timer);
        if (message.type === pending.expect) pending.resolve(message);
        else if (message.type === 'CSTAErrorCode') pending.reject(new CstaRequestError(pending.expect.replace(/(Pos)?Response$/, ''), `${message.category}/${message.value}`));
        else if ('errorCode' in message) pending.reject(new CstaRequestError(pending.expect.replace(/(Pos)?Response$/, ''), String(message.errorCode)));
        else pending.reject(new CstaRequestError(pending.expect, `unexpected ${message.type}`));
        continue;
      }
      if (message.type === 'SystemStatus') {
        // Switch-driven heartbeat: answer it with the same invoke id.
        this.socket?.write(encodeFrame(frame.invokeId, encodeMessage({ type: 'SystemStatusResponse' }, { edition: this.opts.edition ?? 'ed4' })));
        continue;
      }
      this.opts.logger.debug({ link: this.where, type: message.type, invokeId: frame.invokeId }, 'ignored CSTA message');
    }
  }
}
