import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ConfigChanges, EffectiveRightsCheck, EffectiveRightsQuery, type ConfigEntity } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { NatsService, ReadinessRegistry, TWS_LOGGER, TWS_SERVICE_NAME } from '@tws/service';
import { EffectiveRightsService } from './effective-rights.service';

/** Changes that cannot alter anyone's rights; every other one (including future entities) clears the cache. */
const IRRELEVANT: ReadonlySet<ConfigEntity> = new Set<ConfigEntity>(['device', 'csta-link', 'admin-user', 'parameter', 'contact']);

/**
 * Serves effective rights over NATS (`tws.rights.query`, `tws.rights.check`, queue group of the
 * service so each request is answered once) and keeps this instance's cache honest: every
 * configuration change announced by any instance, and every reconnection, clears it.
 */
@Injectable()
export class RightsResponder implements OnApplicationBootstrap, OnModuleDestroy {
  private subscriptions: { unsubscribe(): void }[] = [];
  private attached = false;
  private stopped = false;

  constructor(
    private readonly nats: NatsService,
    private readonly rights: EffectiveRightsService,
    readiness: ReadinessRegistry,
    @Inject(TWS_SERVICE_NAME) private readonly service: string,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    readiness.register('rights responder', async () => {
      if (!this.attached) throw new Error('not serving tws.rights.* on NATS yet');
    });
  }

  onApplicationBootstrap() {
    void this.attach().catch((e) => this.logger.error({ err: e }, 'cannot serve effective rights on NATS'));
  }

  private async attach() {
    const m = await this.nats.whenReady();
    if (this.stopped) return;
    const queue = this.service;
    this.subscriptions = [
      m.subscribe(ConfigChanges, ConfigChanges.pattern, (c) => {
        if (!IRRELEVANT.has(c.entity)) this.rights.invalidate(`${c.entity} ${c.id} ${c.change}`);
      }),
      m.serve(
        EffectiveRightsQuery,
        EffectiveRightsQuery.pattern,
        async (q) => (await this.rights.query(q.userId, q.objectType)) ?? notFoundUser(q.userId),
        { queue },
      ),
      m.serve(
        EffectiveRightsCheck,
        EffectiveRightsCheck.pattern,
        async (q) => (await this.rights.check(q.userId, q.objectType, q.objectRef)) ?? notFoundUser(q.userId),
        { queue },
      ),
    ];
    // Notifications sent while disconnected are lost: start from a clean cache after a reconnection.
    void (async () => {
      for await (const s of m.nc.status()) if (s.type === 'reconnect') this.rights.invalidate('NATS reconnected');
    })();
    await m.nc.flush();
    this.attached = true;
    this.logger.info('serving effective rights on tws.rights.query and tws.rights.check');
  }

  onModuleDestroy() {
    this.stopped = true;
    for (const s of this.subscriptions) s.unsubscribe();
  }
}

function notFoundUser(userId: string): never {
  throw new RemoteError('not_found', `user ${userId} not found`);
}
