import { Inject, Injectable, type OnApplicationShutdown, ServiceUnavailableException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createDataSource, describeDatabaseUrl } from '@tws/db';
import type { Logger } from '@tws/logging';
import type { BaseEnv } from '@tws/config';
import { TWS_CONFIG, TWS_LOGGER } from './tokens';

export const TWS_ENTITIES = Symbol('TWS_ENTITIES');

/**
 * Owns the process's Postgres pool. Connects in the background, retrying with backoff, so a
 * database that is down at boot makes the service not-ready instead of crash-looping.
 */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private ds?: DataSource;
  private readonly ready: Promise<DataSource>;
  private stopped = false;

  constructor(
    @Inject(TWS_CONFIG) config: BaseEnv,
    @Inject(TWS_LOGGER) logger: Logger,
    @Inject(TWS_ENTITIES) entities: Function[],
  ) {
    const where = describeDatabaseUrl(config.DATABASE_URL);
    this.ready = (async () => {
      for (let attempt = 1; ; attempt++) {
        const ds = createDataSource({ url: config.DATABASE_URL, entities, applicationName: logger.bindings().service });
        try {
          await ds.initialize();
          this.ds = ds;
          logger.info({ database: where }, 'Postgres connected');
          return ds;
        } catch (e) {
          if (this.stopped) throw e;
          const delay = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
          logger.warn({ database: where, attempt, err: (e as Error).message, retryInMs: delay }, 'Postgres not reachable, retrying');
          await new Promise((r) => setTimeout(r, delay));
        }
      }
    })();
    this.ready.catch(() => undefined);
  }

  whenReady(): Promise<DataSource> {
    return this.ready;
  }

  /** The pool, or a 503 when Postgres has not been reached yet. */
  get dataSource(): DataSource {
    if (!this.ds) throw new ServiceUnavailableException('Postgres is not reachable yet');
    return this.ds;
  }

  async check(): Promise<void> {
    if (!this.ds) throw new Error('not connected yet');
    await this.ds.query('SELECT 1');
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.ds?.isInitialized) await this.ds.destroy();
  }
}
