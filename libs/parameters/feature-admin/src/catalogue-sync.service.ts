import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from '@tws/logging';
import { DatabaseService, ReadinessRegistry, TWS_LOGGER } from '@tws/service';
import { PARAMETER_CATALOGUE, ParameterRepository } from '@tws/parameters-data-access';

/**
 * Writes the parameter catalogue of this build into the database at start (idempotent, safe
 * with several instances), retrying until it succeeds (Postgres down, migrations not applied
 * yet). The service is not ready before: values reference the definitions.
 */
@Injectable()
export class CatalogueSyncService implements OnApplicationBootstrap, OnApplicationShutdown {
  private synced = false;
  private stopped = false;
  private lastError = 'not synced yet';

  constructor(
    private readonly repo: ParameterRepository,
    private readonly db: DatabaseService,
    private readonly readiness: ReadinessRegistry,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('parameter-catalogue', async () => {
      if (!this.synced) throw new Error(this.lastError);
    });
    void this.run();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    await this.db.whenReady().catch(() => undefined);
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        const r = await this.repo.syncCatalogue();
        this.synced = true;
        this.logger.info({ ...r, parameters: PARAMETER_CATALOGUE.length }, 'parameter catalogue synced');
        return;
      } catch (e) {
        this.lastError = `catalogue sync failed: ${(e as Error).message}`;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(attempt, 6));
        this.logger.warn({ err: (e as Error).message, attempt, retryInMs: delay }, 'parameter catalogue not synced (are the migrations applied?), retrying');
        await new Promise((r) => setTimeout(r, delay).unref());
      }
    }
  }
}
