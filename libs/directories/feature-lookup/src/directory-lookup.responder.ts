import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DirectoryLookup, DirectorySearch } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { NatsService, ReadinessRegistry, TWS_LOGGER, TWS_SERVICE_NAME } from '@tws/service';
import { DirectoryLookupService } from './directory-lookup.service';

/**
 * Serves reverse lookup (`tws.dir.lookup`, asked by eventservices on every call) and search
 * (`tws.dir.search`) on NATS, in the service's queue group so each request is answered once.
 */
@Injectable()
export class DirectoryLookupResponder implements OnApplicationBootstrap, OnModuleDestroy {
  private subscriptions: { unsubscribe(): void }[] = [];
  private attached = false;
  private stopped = false;

  constructor(
    private readonly nats: NatsService,
    private readonly lookup: DirectoryLookupService,
    readiness: ReadinessRegistry,
    @Inject(TWS_SERVICE_NAME) private readonly service: string,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    readiness.register('directory lookup responder', async () => {
      if (!this.attached) throw new Error('not serving tws.dir.* on NATS yet');
    });
  }

  onApplicationBootstrap() {
    void this.attach().catch((e) => this.logger.error({ err: e }, 'cannot serve directory lookups on NATS'));
  }

  private async attach() {
    const m = await this.nats.whenReady();
    if (this.stopped) return;
    const queue = this.service;
    this.subscriptions = [
      m.serve(DirectoryLookup, DirectoryLookup.pattern, (q) => this.lookup.lookup(q), { queue }),
      m.serve(DirectorySearch, DirectorySearch.pattern, (q) => this.lookup.search(q), { queue }),
    ];
    await m.nc.flush();
    this.attached = true;
    this.logger.info('serving directory lookups on tws.dir.lookup and tws.dir.search');
  }

  onModuleDestroy() {
    this.stopped = true;
    for (const s of this.subscriptions) s.unsubscribe();
  }
}
