import { connect, type Socket } from 'node:net';
import {
  CSTA_NAMESPACES,
  CstaFrameDecoder,
  InvokeIdAllocator,
  decodeMessage,
  encodeFrame,
  encodeMessage,
  isCstaEvent,
  type CstaEdition,
  type CstaEvent,
  type CstaMessage,
  type KnownCstaMessage,
} from '@tws/csta';

/** A message received by the test client, in arrival order. */
export interface ReceivedCsta {
  invokeId: string;
  message: CstaMessage;
  /** Namespace of the root element, when it decoded. */
  namespace?: string;
}

/**
 * A bare-bones CSTA client for tests: sends requests, matches responses by invoke id, and
 * queues everything else so a test can await events with a deadline (no sleeps).
 */
export class CstaTestClient {
  /** Everything received, in order (including what was already consumed). */
  readonly received: ReceivedCsta[] = [];
  /** Received but not yet consumed by request()/next(). */
  private readonly inbox: ReceivedCsta[] = [];
  private readonly waiters: { accept: (r: ReceivedCsta) => boolean; resolve: (r: ReceivedCsta) => void }[] = [];
  private readonly ids = new InvokeIdAllocator();
  private readonly decoder = new CstaFrameDecoder();
  readonly closed: Promise<void>;

  private constructor(
    private readonly socket: Socket,
    public edition: CstaEdition,
  ) {
    socket.on('data', (chunk) => {
      for (const frame of this.decoder.push(chunk)) {
        const r = decodeMessage(frame.xml);
        this.receive(
          r.ok
            ? { invokeId: frame.invokeId, message: r.message, ...(r.namespace !== undefined ? { namespace: r.namespace } : {}) }
            : { invokeId: frame.invokeId, message: { type: 'unknown', name: `invalid: ${r.error.message}` } },
        );
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static connect(port: number, host = '127.0.0.1', edition: CstaEdition = 'ed4'): Promise<CstaTestClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host }, () => {
        socket.off('error', reject);
        resolve(new CstaTestClient(socket, edition));
      });
      socket.once('error', reject);
    });
  }

  /** Sends a request and resolves with the response carrying the same invoke id. */
  async request(message: KnownCstaMessage, timeoutMs = 2000): Promise<CstaMessage> {
    const invokeId = this.ids.next();
    try {
      this.send(invokeId, message);
      const reply = await this.next((r) => r.invokeId === invokeId, timeoutMs, `response to ${message.type} (${invokeId})`);
      return reply.message;
    } finally {
      this.ids.release(invokeId);
    }
  }

  /** ECMA-354 login; resolves with the Pos/NegResponse. */
  startSession(userName?: string, password?: string, edition: CstaEdition = this.edition): Promise<CstaMessage> {
    return this.request({
      type: 'StartApplicationSession',
      applicationId: 'tws-test',
      ...(userName !== undefined ? { userName } : {}),
      ...(password !== undefined ? { password } : {}),
      requestedProtocolVersions: [CSTA_NAMESPACES[edition]],
      requestedSessionDuration: 180,
    });
  }

  send(invokeId: string, message: KnownCstaMessage): void {
    this.socket.write(encodeFrame(invokeId, encodeMessage(message, { edition: this.edition })));
  }

  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Next unconsumed message matching `accept`, waiting up to `timeoutMs` for it. */
  next(accept: (r: ReceivedCsta) => boolean, timeoutMs = 2000, what = 'a matching CSTA message'): Promise<ReceivedCsta> {
    const index = this.inbox.findIndex(accept);
    if (index >= 0) return Promise.resolve(this.inbox.splice(index, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        accept,
        resolve: (r: ReceivedCsta) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        const seen = this.inbox.map((r) => r.message.type).join(', ') || 'nothing';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; unconsumed: ${seen}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next `count` events (optionally for one monitor), in order. */
  async events(count: number, monitorCrossRefId?: string, timeoutMs = 2000): Promise<CstaEvent[]> {
    const out: CstaEvent[] = [];
    for (let i = 0; i < count; i++) {
      const r = await this.next(
        (x) => isCstaEvent(x.message) && (monitorCrossRefId === undefined || x.message.monitorCrossRefId === monitorCrossRefId),
        timeoutMs,
        `event ${i + 1} of ${count}${monitorCrossRefId ? ` on monitor ${monitorCrossRefId}` : ''} (got ${out.map((e) => e.type).join(', ') || 'none'})`,
      );
      out.push(r.message as CstaEvent);
    }
    return out;
  }

  /** Unconsumed events right now (use after a request round trip to prove nothing else came). */
  pendingEvents(): CstaEvent[] {
    return this.inbox.filter((r) => isCstaEvent(r.message)).map((r) => r.message as CstaEvent);
  }

  close(): Promise<void> {
    this.socket.end();
    this.socket.destroySoon();
    return this.closed;
  }

  private receive(r: ReceivedCsta): void {
    this.received.push(r);
    const waiter = this.waiters.find((w) => w.accept(r));
    if (waiter) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(r);
    } else {
      this.inbox.push(r);
    }
  }
}
