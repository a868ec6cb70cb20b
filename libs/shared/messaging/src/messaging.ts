import { hostname } from 'node:os';
import {
  AckPolicy,
  connect,
  ConsumerEvents,
  DeliverPolicy,
  headers as natsHeaders,
  JSONCodec,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type KV,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
  RetentionPolicy,
  StorageType,
} from 'nats';
import type { z } from 'zod';
import { check, ContractViolation, type MessageContract, type RequestContract } from '@tws/contracts';
import { CORRELATION_HEADER, currentCorrelationId, withCorrelationId, type Logger } from '@tws/logging';
import { extractTraceContext, injectTraceContext, inSpan, markSpanFailed, otelContext, SpanKind } from './trace-context';
import { RemoteError, RequestTimeoutError } from './errors';

const json = JSONCodec<unknown>();

export interface MessagingOptions {
  /** One or more URLs separated by commas. */
  servers: string;
  /** Connection name, shown by the NATS server (service + instance). */
  name: string;
  logger: Logger;
  /** Delay between reconnection attempts. */
  reconnectTimeWaitMs?: number;
}

export interface StreamSpec {
  name: string;
  subjects: readonly string[];
  /** Maximum age of messages, in seconds (0 = forever). */
  maxAgeS?: number;
  /** Window in which a repeated message id is dropped as a duplicate. */
  duplicateWindowS?: number;
}

export interface DurableConsumerSpec {
  stream: string;
  durable: string;
  filterSubject?: string;
  /** Seconds before an unacknowledged message is delivered again. */
  ackWaitS?: number;
  maxDeliver?: number;
}

type Handler<T> = (payload: T, meta: { subject: string; headers?: MsgHdrs }) => Promise<void> | void;

/**
 * The one NATS connection of a process and the only way services talk to each other.
 * Every payload goes through its contract (validated on publish and on receipt); correlation
 * id and trace context travel in message headers.
 */
export class Messaging {
  private constructor(
    readonly nc: NatsConnection,
    private readonly logger: Logger,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
  ) {}

  /**
   * Connects, waiting (and retrying forever) until the server answers. Reconnects after any
   * later loss, without limit.
   */
  static async connect(opts: MessagingOptions): Promise<Messaging> {
    const nc = await connect({
      servers: opts.servers.split(','),
      name: opts.name,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: opts.reconnectTimeWaitMs ?? 1000,
      pingInterval: 10_000,
    });
    const logger = opts.logger.child({ component: 'nats' });
    const jsm = await nc.jetstreamManager({ timeout: 10_000 });
    const messaging = new Messaging(nc, logger, nc.jetstream(), jsm);
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === 'disconnect') {
          messaging.disconnected = true;
          logger.warn({ server: String(s.data) }, 'NATS connection lost, reconnecting');
        } else if (s.type === 'reconnect') {
          messaging.disconnected = false;
          logger.info({ server: String(s.data) }, 'NATS reconnected');
        } else if (s.type === 'error') logger.error({ err: String(s.data) }, 'NATS error');
      }
    })();
    return messaging;
  }

  /** False while the connection is lost (the client keeps reconnecting) or after drain. */
  get connected(): boolean {
    return !this.nc.isClosed() && !this.disconnected;
  }
  private disconnected = false;

  /** Round trip to the server, for readiness checks. */
  async ping(timeoutMs = 2000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.nc.flush(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`NATS did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer); // a pending timer per readiness probe would keep the process alive
    }
  }

  private headers(extra?: Record<string, string>): MsgHdrs {
    const h = natsHeaders();
    const cid = currentCorrelationId();
    if (cid) h.set(CORRELATION_HEADER, cid);
    injectTraceContext(h);
    for (const [k, v] of Object.entries(extra ?? {})) h.set(k, v);
    return h;
  }

  /** Core (fire-and-forget) publish of a validated payload. */
  publish<S extends z.ZodType, A extends unknown[]>(contract: MessageContract<S, A>, args: A, payload: z.input<S>): void {
    const data = check(contract.name, contract.schema, payload);
    this.nc.publish(contract.subject(...args), json.encode(data), { headers: this.headers() });
  }

  /**
   * Request/reply with a timeout. The reply is validated against the contract; an error
   * reply becomes a RemoteError with the responder's code and message.
   */
  async request<Q extends z.ZodType, R extends z.ZodType, A extends unknown[]>(
    contract: RequestContract<Q, R, A>,
    args: A,
    payload: z.input<Q>,
    timeoutMs = 5000,
  ): Promise<unknown> {
    const subject = contract.subject(...args);
    const data = check(contract.name, contract.request, payload);
    return inSpan(`request ${contract.pattern}`, SpanKind.CLIENT, otelContext.active(), { 'messaging.destination': subject }, async () => {
      let msg: Msg;
      try {
        msg = await this.nc.request(subject, json.encode(data), { timeout: timeoutMs, headers: this.headers() });
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === '503' || code === 'TIMEOUT' || code === 'NO_RESPONDERS') throw new RequestTimeoutError(subject, timeoutMs, code === '503' || code === 'NO_RESPONDERS');
        throw e;
      }
      const reply = check(`${contract.name} reply`, contract.reply, decode(msg.data)) as
        | { ok: true; result: unknown }
        | { ok: false; error: { code: string; message: string; details?: unknown[] } };
      if (reply && typeof reply === 'object' && 'ok' in reply && reply.ok === false) {
        throw new RemoteError(reply.error.code, reply.error.message, reply.error.details);
      }
      return reply && typeof reply === 'object' && 'result' in reply ? reply.result : reply;
    });
  }

  /**
   * Answers requests on `subject` (may be the contract's pattern or a concrete subject).
   * Invalid requests get a `bad_request` error naming the wrong fields; handler errors are
   * returned as `{ ok: false }` replies, never swallowed.
   */
  serve<Q extends z.ZodType, R extends z.ZodType, A extends unknown[]>(
    contract: RequestContract<Q, R, A>,
    subject: string,
    handler: (payload: z.output<Q>, meta: { subject: string }) => Promise<unknown>,
    opts: { queue?: string } = {},
  ): Subscription {
    const sub = this.nc.subscribe(subject, { queue: opts.queue });
    void (async () => {
      for await (const msg of sub) {
        void this.withIncoming(msg.headers, `serve ${contract.pattern}`, msg.subject, SpanKind.SERVER, async () => {
          let reply: unknown;
          try {
            const payload = check(contract.name, contract.request, decode(msg.data));
            reply = { ok: true, result: await handler(payload, { subject: msg.subject }) };
          } catch (e) {
            reply = { ok: false, error: toErrorBody(e) };
            // The failure travels as data, so inSpan does not see it: mark the span here.
            markSpanFailed(e);
            if (!(e instanceof ContractViolation) && !(e instanceof RemoteError)) {
              this.logger.error({ err: e, subject: msg.subject }, 'request handler failed');
            }
          }
          if (msg.reply) msg.respond(json.encode(reply), { headers: this.headers() });
        });
      }
    })();
    return sub;
  }

  /** Core subscription with validation; invalid messages are logged and dropped. */
  subscribe<S extends z.ZodType, A extends unknown[]>(
    contract: MessageContract<S, A>,
    subject: string,
    handler: Handler<z.output<S>>,
    opts: { queue?: string } = {},
  ): Subscription {
    const sub = this.nc.subscribe(subject, { queue: opts.queue });
    void (async () => {
      for await (const msg of sub) {
        void this.withIncoming(msg.headers, `receive ${contract.pattern}`, msg.subject, SpanKind.CONSUMER, async () => {
          try {
            await handler(check(contract.name, contract.schema, decode(msg.data)), { subject: msg.subject, headers: msg.headers });
          } catch (e) {
            markSpanFailed(e);
            this.logger.error({ err: e, subject: msg.subject }, `dropped ${contract.name}`);
          }
        });
      }
    })();
    return sub;
  }

  /** Creates the stream, or updates its subjects and limits when it exists. */
  async ensureStream(spec: StreamSpec): Promise<void> {
    const maxAgeS = spec.maxAgeS ?? 0;
    // The server refuses a duplicate window longer than the retention ("duplicates window can
    // not be larger then max age"): a stream kept 60 s cannot deduplicate over the default 120 s.
    const duplicateWindowS = maxAgeS > 0 ? Math.min(spec.duplicateWindowS ?? 120, maxAgeS) : (spec.duplicateWindowS ?? 120);
    const config = {
      name: spec.name,
      subjects: [...spec.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: maxAgeS * 1e9,
      duplicate_window: duplicateWindowS * 1e9,
    };
    try {
      await this.jsm.streams.info(spec.name);
      await this.jsm.streams.update(spec.name, config);
    } catch (e) {
      if ((e as { code?: string }).code !== '404') throw e;
      await this.jsm.streams.add(config);
    }
  }

  /**
   * Durable publish into a JetStream stream. `msgId` (the event id) makes a repeated publish
   * a no-op within the stream's duplicate window.
   */
  async publishDurable<S extends z.ZodType, A extends unknown[]>(
    contract: MessageContract<S, A>,
    args: A,
    payload: z.input<S>,
    msgId: string,
  ): Promise<void> {
    const data = check(contract.name, contract.schema, payload);
    await this.js.publish(contract.subject(...args), json.encode(data), { msgID: msgId, headers: this.headers() });
  }

  /**
   * Consumes a durable consumer (created if missing). A message is acknowledged only after the
   * handler resolves; a failing handler gets it again later (nak with delay); a message that
   * breaks its contract is logged and terminated, so it cannot block the stream. If the consumer
   * disappears (deleted, or a NATS server that lost its data), it is created again and consuming
   * resumes; messages it had not acknowledged are delivered again.
   */
  async consume<S extends z.ZodType, A extends unknown[]>(
    contract: MessageContract<S, A>,
    spec: DurableConsumerSpec,
    handler: Handler<z.output<S>>,
  ): Promise<{ stop: () => Promise<void> }> {
    const where = { stream: spec.stream, durable: spec.durable };
    const open = async (): Promise<ConsumerMessages> => {
      await this.ensureConsumer(spec);
      const consumer = await this.js.consumers.get(spec.stream, spec.durable);
      return consumer.consume({ max_messages: 256 });
    };
    let messages = await open();
    let stopped = false;
    let wake: (() => void) | undefined;
    const pause = (ms: number) =>
      new Promise<void>((resolve) => {
        const t = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    const closing = () => stopped || this.nc.isClosed() || this.nc.isDraining();

    const done = (async () => {
      while (!closing()) {
        const current = messages;
        // nats.js only reports a vanished consumer and keeps pulling from nothing: the handler
        // would silently never run again. End this round so the consumer is created anew.
        void (async () => {
          for await (const s of await current.status()) {
            if (s.type === ConsumerEvents.ConsumerDeleted || s.type === ConsumerEvents.ConsumerNotFound || s.type === ConsumerEvents.StreamNotFound) {
              this.logger.warn({ ...where, event: s.type }, 'durable consumer is gone: creating it again (unacknowledged messages will be delivered again)');
              current.stop();
              return;
            }
          }
        })().catch(() => undefined);
        try {
          for await (const m of current) await this.handleJs(contract, m, handler);
        } catch (e) {
          if (!closing()) this.logger.error({ ...where, err: e }, 'consuming failed, reopening the consumer');
        }
        for (let attempt = 1; !closing(); attempt++) {
          try {
            const reopened = await open();
            if (closing()) {
              await reopened.close();
              return;
            }
            messages = reopened;
            break;
          } catch (e) {
            const delay = Math.min(5000, 250 * 2 ** attempt);
            this.logger.error({ ...where, err: e, attempt, retryInMs: delay }, 'cannot reopen the consumer, retrying');
            await pause(delay);
          }
        }
      }
    })();
    return {
      stop: async () => {
        stopped = true;
        wake?.();
        await messages.close();
        await done;
        // Make sure the server has seen the unsubscribe before we say "stopped": a message
        // published meanwhile would go to this dead pull request and wait out ack_wait (30 s)
        // before a new consumer gets it.
        if (!this.nc.isClosed()) await this.nc.flush().catch(() => undefined);
      },
    };
  }

  private async ensureConsumer(spec: DurableConsumerSpec): Promise<void> {
    const config = {
      durable_name: spec.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: spec.filterSubject,
      ack_wait: (spec.ackWaitS ?? 30) * 1e9,
      max_deliver: spec.maxDeliver ?? -1,
    };
    try {
      await this.jsm.consumers.info(spec.stream, spec.durable);
    } catch (e) {
      if ((e as { code?: string }).code !== '404') throw e;
      await this.jsm.consumers.add(spec.stream, config);
    }
  }

  private async handleJs<S extends z.ZodType, A extends unknown[]>(
    contract: MessageContract<S, A>,
    m: JsMsg,
    handler: Handler<z.output<S>>,
  ): Promise<void> {
    await this.withIncoming(m.headers, `consume ${contract.pattern}`, m.subject, SpanKind.CONSUMER, async () => {
      let payload: z.output<S>;
      try {
        payload = check(contract.name, contract.schema, decode(m.data));
      } catch (e) {
        markSpanFailed(e);
        this.logger.error({ err: e, subject: m.subject, seq: m.seq }, `terminated invalid ${contract.name}`);
        m.term();
        return;
      }
      try {
        await handler(payload, { subject: m.subject, headers: m.headers });
        m.ack();
      } catch (e) {
        markSpanFailed(e);
        const delay = Math.min(30_000, 500 * 2 ** Math.min(m.info.redeliveryCount, 6));
        this.logger.error({ err: e, subject: m.subject, seq: m.seq, redelivery: m.info.redeliveryCount }, `${contract.name} handler failed, will retry`);
        m.nak(delay);
      }
    });
  }

  /** Opens (creating if needed) a KV bucket. */
  async kv(bucket: string, opts: { history?: number; ttlMs?: number } = {}): Promise<KV> {
    return this.js.views.kv(bucket, { history: opts.history ?? 1, ttl: opts.ttlMs });
  }

  /**
   * Stops taking new messages, lets handlers finish (at most `timeoutMs`), then closes. Always
   * leaves the connection closed, also when the server is unreachable.
   */
  async drain(timeoutMs = 5000): Promise<void> {
    if (this.nc.isClosed()) return;
    if (this.connected && !this.nc.isDraining()) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.nc.drain().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    // While disconnected, nats.js resolves drain() without closing and keeps reconnecting forever,
    // which keeps the process alive: close in every case.
    if (!this.nc.isClosed()) await this.nc.close();
  }

  /** Runs `fn` with the sender's correlation id and as a child span of the sender's trace. */
  private withIncoming<T>(headers: MsgHdrs | undefined, spanName: string, subject: string, kind: SpanKind, fn: () => Promise<T>): Promise<T> {
    const cid = headers?.has(CORRELATION_HEADER) ? headers.get(CORRELATION_HEADER) : undefined;
    return withCorrelationId(cid, () => inSpan(spanName, kind, extractTraceContext(headers), { 'messaging.destination': subject }, fn));
  }
}

function decode(data: Uint8Array): unknown {
  if (data.length === 0) return {};
  try {
    return json.decode(data);
  } catch {
    throw new ContractViolation('message', [{ path: '', message: 'body is not valid JSON' }]);
  }
}

export function toErrorBody(e: unknown): { code: string; message: string; details?: unknown[] } {
  if (e instanceof ContractViolation) return { code: 'bad_request', message: e.message, details: e.details };
  if (e instanceof RemoteError) return { code: e.code, message: e.message, details: e.details };
  return { code: 'internal', message: (e as Error)?.message ?? String(e) };
}

export const INSTANCE_HOST = hostname();
