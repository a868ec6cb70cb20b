import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DirectoriesRepository } from '@tws/directories-data-access';
import { DAILY_SYNC_TIME_PARAMETER, isSyncDue, parseDailyTime } from '@tws/directories-mapping';
import type { Logger } from '@tws/logging';
import { ParameterRepository } from '@tws/parameters-data-access';
import { ApiError, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import type { DirectoriesEnv } from './directories.schemas';
import { DirectorySyncService } from './directory-sync.service';

/**
 * Starts the synchronizations that are due (guide 8.2.1): daily ones at
 * `timeSynchronizationDirectories` (system setting, HH:MM, server local time), high-frequency ones
 * every N minutes or hours. Every instance ticks; the directory's lock and the due check made
 * under it make each run happen once.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  constructor(
    private readonly directories: DirectoriesRepository,
    private readonly sync: DirectorySyncService,
    private readonly parameters: ParameterRepository,
    @Inject(TWS_CONFIG) private readonly config: DirectoriesEnv,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    this.timer = setInterval(() => void this.tick(), this.config.DIRECTORY_SYNC_TICK_MS);
    this.timer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.timer);
  }

  /** The daily time: the installation's value, else the catalogue's default (02:00, given by installationValue). */
  private async dailyTime(): Promise<string> {
    const text = (await this.parameters.installationValue(DAILY_SYNC_TIME_PARAMETER)) ?? '';
    if (parseDailyTime(text)) return text;
    this.logger.warn({ value: text }, `${DAILY_SYNC_TIME_PARAMETER} is not HH:MM: daily synchronizations wait for a valid value`);
    return '';
  }

  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const dailyAt = await this.dailyTime();
      for (const d of await this.directories.scheduled()) {
        const due = (lastStartedAt: Date | null) => isSyncDue({ mode: d.syncMode, every: d.syncEvery, unit: d.syncUnit, lastStartedAt, dailyAt, now: new Date() });
        if (!due(d.lastStartedAt)) continue;
        const dir = await this.directories.findById(d.id);
        if (!dir) continue;
        try {
          const run = await this.sync.start(dir, d.syncMode, null, due);
          if (run) this.logger.info({ directoryId: d.id, runId: run.id, trigger: d.syncMode }, 'scheduled directory synchronization started');
        } catch (e) {
          // Running elsewhere, or this instance is busy: the next tick looks again.
          if (e instanceof ApiError && (e.getStatus() === 409 || e.getStatus() === 503)) continue;
          throw e;
        }
      }
    } catch (e) {
      this.logger.warn({ err: e }, 'directory synchronization schedule check failed; retrying at the next tick');
    } finally {
      this.ticking = false;
    }
  }
}
