import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DAILY_SYNC_TIME_PARAMETER, isSyncDue, parseDailyTime } from '@tws/directories-mapping';
import type { Logger } from '@tws/logging';
import { ParameterRepository } from '@tws/parameters-data-access';
import { ApiError, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { TenantScopeRepository } from '@tws/identity-data-access';
import { UserImportRepository } from './user-import.repository';
import type { UserImportEnv } from './user-import.schemas';
import { UserImportsService } from './user-imports.service';

/**
 * Starts the daily imports that are due: every day at `timeSynchronizationDirectories` (HH:MM,
 * server local time); an import that has not run since today's time (never, or the service was
 * down) runs at once. Every instance ticks; the domain's lock and the due check made under it make
 * each run happen once.
 */
@Injectable()
export class UserImportScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly repo: UserImportRepository,
    private readonly imports: UserImportsService,
    private readonly parameters: ParameterRepository,
    private readonly scope: TenantScopeRepository,
    @Inject(TWS_CONFIG) private readonly config: UserImportEnv,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.tick(), this.config.USER_IMPORT_TICK_MS ?? 30_000);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  private async dailyTime(): Promise<string> {
    // The same daily time as directories (guide 8.2.1): the original has one synchronization time.
    // installationValue falls back to the catalogue's default (02:00).
    const text = (await this.parameters.installationValue(DAILY_SYNC_TIME_PARAMETER)) ?? '';
    return parseDailyTime(text) ? text : '';
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const dailyAt = await this.dailyTime();
      if (!dailyAt) return;
      for (const s of await this.repo.scheduled()) {
        const due = (lastStartedAt: Date | null) => isSyncDue({ mode: 'daily', lastStartedAt, dailyAt, now: new Date() });
        if (!due(s.lastStartedAt)) continue;
        const imp = await this.repo.find(s.domainId, s.id);
        const companyId = await this.scope.companyOfDomain(s.domainId);
        if (!imp || !companyId) continue;
        try {
          const run = await this.imports.startRun(imp, companyId, undefined, false, due);
          if (run) this.logger.info({ importId: imp.id, runId: run.id }, 'daily user import started');
        } catch (e) {
          // Another import of the domain runs (here or elsewhere): the next tick looks again.
          if (e instanceof ApiError && e.getStatus() === 409) continue;
          throw e;
        }
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'user import schedule check failed; retrying at the next tick');
    } finally {
      this.ticking = false;
    }
  }
}
