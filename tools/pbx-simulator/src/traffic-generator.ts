import { PbxError, type PbxModel } from './pbx-model';
import type { SimLogger } from './sim-log';

export interface TrafficGeneratorOptions {
  /** Milliseconds between two new calls. */
  intervalMs: number;
  /** Source of randomness in [0, 1); injectable so tests are reproducible. */
  random?: () => number;
  log: SimLogger;
  /** Share of calls that come from the network (default 0.7); the rest are dialled out. */
  incomingShare?: number;
  /** Share of calls that get answered (default 0.8); the others are missed. */
  answeredShare?: number;
  /**
   * Share of the incoming calls sent to one of the switch's queues, when it has some (default
   * 0.2); the member the queue offers the call to answers it. Without queues, nothing changes.
   */
  queueShare?: number;
}

/** A queued call not offered to a member for this long (all busy, no max wait): the caller gives up. */
const QUEUE_PATIENCE_MS = 30_000;
const QUEUE_POLL_MS = 1000;

/**
 * Background traffic for demos: random network calls to the internal devices and some outgoing
 * ones. Most are answered after 1–3 s and hung up after 2–10 s; some ring until the caller gives
 * up (missed calls). When the switch has queues, some network calls dial a queue instead: the
 * member the queue offers the call to answers it (once offered, when all members were busy).
 * `stop()` cancels every pending step.
 */
export class TrafficGenerator {
  private readonly timers = new Set<NodeJS.Timeout>();
  private interval?: NodeJS.Timeout;
  private readonly random: () => number;

  constructor(
    private readonly model: PbxModel,
    private readonly options: TrafficGeneratorOptions,
  ) {
    this.random = options.random ?? Math.random;
  }

  get running(): boolean {
    return this.interval !== undefined;
  }

  start(): void {
    if (this.interval) return;
    this.interval = setInterval(() => this.tick(), this.options.intervalMs);
    this.interval.unref();
    this.tick();
  }

  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Places one random call (if a device is idle) and schedules what happens to it. */
  tick(): void {
    const idle = this.model.devices.filter((d) => this.model.callsOf(d).length === 0);
    if (idle.length === 0) return;
    const device = this.pick(idle);
    const external = this.randomExternalNumber();
    const incoming = this.random() < (this.options.incomingShare ?? 0.7);
    // Without queues there is no extra random draw: the same random source gives the same calls.
    const queues = incoming ? this.model.queues() : [];
    const queue = queues.length > 0 && this.random() < (this.options.queueShare ?? 0.2) ? this.pick(queues).number : undefined;
    const [from, to] = incoming ? [external, queue ?? device] : [device, external];
    const call = this.attempt(() => this.model.placeCall(from, to));
    if (!call) return;
    const { callId } = call;
    this.options.log('debug', 'traffic: call placed', { callId, from, to });
    if (this.random() < (this.options.answeredShare ?? 0.8)) {
      this.after(this.between(1000, 3000), () => {
        if (queue === undefined) this.answerThenHangUp(from, to, callId);
        else this.answerOffered(from, callId, QUEUE_PATIENCE_MS / QUEUE_POLL_MS);
      });
    } else {
      // Nobody answers; the caller gives up: a missed call for `to`.
      this.after(this.between(4000, 15000), () => this.attempt(() => this.model.clearConnection(from, callId)));
    }
  }

  private answerThenHangUp(from: string, to: string, callId: string): void {
    if (!this.attempt(() => this.model.answer(to, callId))) return;
    this.after(this.between(2000, 10000), () => {
      this.attempt(() => this.model.clearConnection(this.random() < 0.5 ? from : to, callId));
    });
  }

  /**
   * A queue call: the member it is offered to (alerting) answers. Still waiting in the queue
   * (every member busy): looks again every second, until the queue's max wait ends the call or
   * the caller's patience runs out.
   */
  private answerOffered(from: string, callId: string, pollsLeft: number): void {
    const call = this.model.call(callId);
    if (!call) return;
    const member = call.connections.find((c) => c.state === 'alerting' && c.deviceId !== from && !this.model.isQueue(c.deviceId));
    if (member) return this.answerThenHangUp(from, member.deviceId, callId);
    if (!call.connections.some((c) => c.state === 'queued')) return; // elsewhere (overflow, transferred): not ours to answer
    if (pollsLeft <= 0) {
      this.attempt(() => this.model.clearConnection(from, callId));
      return;
    }
    this.after(QUEUE_POLL_MS, () => this.answerOffered(from, callId, pollsLeft - 1));
  }

  /** Runs a model step; the call may already be gone (hung up through the API), which is fine. */
  private attempt<T>(op: () => T): T | undefined {
    try {
      return op();
    } catch (e) {
      if (e instanceof PbxError) return undefined;
      throw e;
    }
  }

  private after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  private between(min: number, max: number): number {
    return Math.round(min + this.random() * (max - min));
  }

  private pick<T>(items: T[]): T {
    return items[Math.min(items.length - 1, Math.floor(this.random() * items.length))]!;
  }

  /** A French geographic number such as +33155171889. */
  private randomExternalNumber(): string {
    let digits = '';
    for (let i = 0; i < 8; i++) digits += String(Math.floor(this.random() * 10) % 10);
    return `+33${1 + (Math.floor(this.random() * 5) % 5)}${digits}`;
  }
}
