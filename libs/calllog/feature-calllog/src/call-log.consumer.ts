import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { TELEPHONY_STREAM, TelephonyEvents, type TelephonyEvent } from '@tws/contracts';
import { CallLogRepository } from '@tws/calllog-data-access';
import { DatabaseService, MetricsRegistry, NatsService, ReadinessRegistry, TWS_LOGGER } from '@tws/service';
import type { Logger } from '@tws/logging';
import { applyCallEvent } from './call-log.model';
import { CallerIdentity } from './caller-identity';

/** Durable consumer name: survives restarts, shared by every eventservices instance. */
export const CALL_LOG_CONSUMER = 'eventservices-calllog';

/**
 * Turns the telephony stream into call-log rows. Each event is applied exactly once (its id is
 * recorded in the same transaction as the row) and acknowledged only after the commit, so a
 * crash or a redelivery neither loses nor doubles a call. Then the remote number is looked up
 * in the directories for the row's user (CallerIdentity).
 */
@Injectable()
export class CallLogConsumer implements OnApplicationBootstrap, OnModuleDestroy {
  private handle?: { stop: () => Promise<void> };
  private readonly counter;

  constructor(
    private readonly nats: NatsService,
    private readonly db: DatabaseService,
    private readonly calls: CallLogRepository,
    private readonly identity: CallerIdentity,
    readiness: ReadinessRegistry,
    metrics: MetricsRegistry,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.counter = metrics.counter('tws_calllog_events_total', 'Telephony events seen by the call log', ['result']);
    readiness.register('call-log consumer', async () => {
      if (!this.handle) throw new Error('not attached to the telephony stream yet');
    });
  }

  onApplicationBootstrap() {
    void this.attach();
  }

  private async attach() {
    for (let attempt = 1; ; attempt++) {
      try {
        const [m] = await Promise.all([this.nats.whenReady(), this.db.whenReady()]);
        await m.ensureStream(TELEPHONY_STREAM);
        this.handle = await m.consume(TelephonyEvents, { stream: TELEPHONY_STREAM.name, durable: CALL_LOG_CONSUMER }, (e) => this.apply(e));
        this.logger.info({ consumer: CALL_LOG_CONSUMER }, 'call log attached to the telephony stream');
        return;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt }, 'cannot attach the call log consumer yet, retrying');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      }
    }
  }

  /** Applies one event; exported for the integration test through the consumer. */
  async apply(e: TelephonyEvent): Promise<void> {
    if (!e.callRef) {
      this.counter.inc({ result: 'ignored' });
      return;
    }
    const key = { domainId: e.domainId, device: e.device, callRef: e.callRef };
    const applied = await this.calls.applyOnce(e.eventId, key, (row) => applyCallEvent(row, e));
    this.counter.inc({ result: applied ? 'applied' : 'duplicate' });
    // Who the remote party is, once per row and remote number (after the commit: no lock held
    // while the directories answer).
    if (applied) await this.identity.complete(key);
  }

  async onModuleDestroy() {
    await this.handle?.stop();
  }
}
