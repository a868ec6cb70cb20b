import { Inject, Injectable, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import { Messaging } from '@tws/messaging';
import type { Logger } from '@tws/logging';
import type { BaseEnv } from '@tws/config';
import { TWS_CONFIG, TWS_LOGGER } from './tokens';
import { instanceId } from './instance';

/**
 * Owns the process's NATS connection. Connecting never blocks start-up: the service comes up,
 * reports not-ready, and features wait on `whenReady()`.
 */
@Injectable()
export class NatsService implements OnApplicationShutdown {
  private messaging?: Messaging;
  private readonly ready: Promise<Messaging>;

  constructor(@Inject(TWS_CONFIG) config: BaseEnv, @Inject(TWS_LOGGER) logger: Logger) {
    this.ready = (async () => {
      logger.info({ servers: config.NATS_URL }, 'connecting to NATS');
      this.messaging = await Messaging.connect({ servers: config.NATS_URL, name: instanceId(config), logger });
      logger.info('NATS connected');
      return this.messaging;
    })();
    this.ready.catch((e) => logger.fatal({ err: e }, 'cannot connect to NATS'));
  }

  whenReady(): Promise<Messaging> {
    return this.ready;
  }

  /** The connection, or a 503 when it is not up yet. */
  get current(): Messaging {
    if (!this.messaging) throw new ServiceUnavailableException('NATS is not reachable yet');
    return this.messaging;
  }

  async check(): Promise<void> {
    if (!this.messaging) throw new Error('not connected yet');
    if (!this.messaging.connected) throw new Error('connection lost, reconnecting');
    await this.messaging.ping();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messaging?.drain();
  }
}
