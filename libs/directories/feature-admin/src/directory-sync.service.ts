import { hostname } from 'node:os';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ContactSyncStore, SyncRunsRepository, type DirectoryEntity, type SyncTrigger } from '@tws/directories-data-access';
import type { Logger } from '@tws/logging';
import { ApiError, conflict, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import type { DirectoriesEnv } from './directories.schemas';
import { toSyncRun } from './directories.mappers';
import { ServerTypes } from './server-types';
import { SyncRunner } from './sync-runner';

const INSTANCE = `${hostname()}:${process.pid}`;

/**
 * Starts and cancels synchronizations. One per directory at a time across every instance: the
 * run's transaction holds the directory's advisory lock, so a second start (here or on another
 * instance) is a 409 naming the running one. Each instance runs at most
 * DIRECTORY_SYNC_MAX_CONCURRENT at once (each holds a database connection).
 */
@Injectable()
export class DirectorySyncService implements OnModuleDestroy {
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly store: ContactSyncStore,
    private readonly runs: SyncRunsRepository,
    private readonly runner: SyncRunner,
    private readonly serverTypes: ServerTypes,
    @Inject(TWS_CONFIG) private readonly config: DirectoriesEnv,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Starts a synchronization in the background and returns its run (status `running`). `ifDue`
   * (the scheduler): checked again once the lock is held, with the latest start, so two instances
   * that both found the directory due run it once. Undefined when it is no longer due.
   */
  async start(dir: DirectoryEntity, trigger: SyncTrigger, requestedBy: string | null, ifDue?: (lastStartedAt: Date | null) => boolean) {
    if (dir.type === 'draft') throw conflict(`"${dir.name}" is a Sample / Draft directory: it does not synchronize (make it TWS or Private first)`);
    if (!this.serverTypes.get(dir.serverType).connector) throw conflict(`"${dir.name}" holds TWS contacts: they are written in TWS, not synchronized`);
    if (this.active.has(dir.id)) throw await this.busy(dir);
    if (this.active.size >= this.config.DIRECTORY_SYNC_MAX_CONCURRENT) {
      throw new ApiError(503, 'unavailable', `this instance already runs ${this.active.size} synchronizations (DIRECTORY_SYNC_MAX_CONCURRENT): try again when one ends`);
    }
    const session = await this.store.open(dir.id);
    if (!session) throw await this.busy(dir);
    let run;
    try {
      if (ifDue && !ifDue((await this.runs.list(dir.id, 1))[0]?.startedAt ?? null)) {
        await session.rollback();
        return undefined;
      }
      // We hold the lock: a run still marked running died with its instance (and its transaction).
      await this.runs.failStale(dir.id, 'interrupted: the service running it stopped — nothing was changed: the contacts from before the synchronization are kept');
      run = await this.runs.create(dir.id, trigger, requestedBy, INSTANCE);
    } catch (e) {
      await session.rollback();
      throw e;
    }
    const controller = new AbortController();
    const done = this.runner.run(dir, run, session, controller.signal).finally(() => this.active.delete(dir.id));
    this.active.set(dir.id, { controller, done });
    return toSyncRun(run);
  }

  private async busy(dir: DirectoryEntity) {
    const running = await this.runs.running(dir.id);
    return new ApiError(
      409,
      'conflict',
      `a synchronization of "${dir.name}" is already running${running ? ` (started ${running.startedAt.toISOString()}${running.requestedBy ? ` by ${running.requestedBy}` : ''})` : ''}`,
      running ? [{ runId: running.id }] : undefined,
    );
  }

  /** Asks the running synchronization of the directory to stop, wherever it runs; its run, or undefined when none runs. */
  async cancel(directoryId: string) {
    const run = await this.runs.requestCancel(directoryId);
    this.active.get(directoryId)?.controller.abort();
    return run && toSyncRun(run);
  }

  /** Stops this instance's runs (rolled back: the contacts stay as they were) before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    if (this.active.size === 0) return;
    this.logger.info({ running: this.active.size }, 'stopping: cancelling the directory synchronizations of this instance');
    for (const a of this.active.values()) a.controller.abort();
    await Promise.race([Promise.allSettled([...this.active.values()].map((a) => a.done)), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
}
