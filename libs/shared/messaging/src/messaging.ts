import { hostname } from 'node:os';
import {
  AckPolicy,
  connect,
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
import { extractTraceContext, injectTraceContext, inSpan, otelContext, SpanKind } from './trace-context';
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
    await Promise.race([
      this.nc.flush(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`NATS did not answer within ${timeoutMs} ms`)), timeoutMs)),
    ]);
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
        void this.withIncoming(msg.headers, `serve ${contract.pattern}`, msg.subject, async () => {
          let reply: unknown;
          try {
            const payload = check(contract.name, contract.request, decode(msg.data));
            reply = { ok: true, result: await handler(payload, { subject: msg.subject }) };
          } catch (e) {
            reply = { ok: false, error: toErrorBody(e) };
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
        void this.withIncoming(msg.headers, `receive ${contract.pattern}`, msg.subject, async () => {
          try {
            await handler(check(contract.name, contract.schema, decode(msg.data)), { subject: msg.subject, headers: msg.headers });
          } catch (e) {
            this.logger.error({ err: e, subject: msg.subject }, `dropped ${contract.name}`);
          }
        });
      }
    })();
    return sub;
  }

  /** Creates the stream, or updates its subjects and limits when it exists. */
  async ensureStream(spec: StreamSpec): Promise<void> {
    const config = {
      name: spec.name,
      subjects: [...spec.subjects],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: (spec.maxAgeS ?? 0) * 1e9,
      duplicate_window: (spec.duplicateWindowS ?? 120) * 1e9,
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
   * breaks its contract is logged and terminated, so it cannot block the stream.
   */
  async consume<S extends z.ZodType, A extends unknown[]>(
    contract: MessageContract<S, A>,
    spec: DurableConsumerSpec,
    handler: Handler<z.output<S>>,
  ): Promise<{ stop: () => Promise<void> }> {
    await this.ensureConsumer(spec);
    const consumer = await this.js.consumers.get(spec.stream, spec.durable);
    const messages: ConsumerMessages = await consumer.consume({ max_messages: 256 });
    const done = (async () => {
      for await (const m of messages) await this.handleJs(contract, m, handler);
    })();
    return {
      stop: async () => {
        await messages.close();
        await done;
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
    await this.withIncoming(m.headers, `consume ${contract.pattern}`, m.subject, async () => {
      let payload: z.output<S>;
      try {
        payload = check(contract.name, contract.schema, decode(m.data));
      } catch (e) {
        this.logger.error({ err: e, subject: m.subject, seq: m.seq }, `terminated invalid ${contract.name}`);
        m.term();
        return;
      }
      try {
        await handler(payload, { subject: m.subject, headers: m.headers });
        m.ack();
      } catch (e) {
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

  /** Stops taking new messages, lets handlers finish, then closes. */
  async drain(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }

  private withIncoming<T>(headers: MsgHdrs | undefined, spanName: string, subject: string, fn: () => Promise<T>): Promise<T> {
    const cid = headers?.has(CORRELATION_HEADER) ? headers.get(CORRELATION_HEADER) : undefined;
    return withCorrelationId(cid, () =>
      inSpan(spanName, SpanKind.CONSUMER, extractTraceContext(headers), { 'messaging.destination': subject }, fn),
    );
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
