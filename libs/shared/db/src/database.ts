import { DataSource, type EntitySchema, type MixedList } from 'typeorm';
import type { Logger } from '@tws/logging';

export type EntityList = MixedList<Function | string | EntitySchema>;

export interface DataSourceOptions {
  url: string;
  /** Explicit entity list (no globs: they break when bundled). */
  entities: Function[];
  migrations?: Function[];
  applicationName?: string;
  poolSize?: number;
}

/** A TypeORM DataSource for the shared schema. Never synchronizes: migrations own the schema. */
export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: opts.url,
    entities: opts.entities,
    migrations: opts.migrations ?? [],
    migrationsTableName: 'tws_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: opts.applicationName,
    extra: { max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  });
}

/** Same constant for every migrate run, whoever runs it. */
const MIGRATION_LOCK_KEY = 0x7_0_5_0_0_0_1; // "TWS" migrate lock

/**
 * Runs pending migrations under a Postgres advisory lock, so two migrate jobs (or a migrate
 * job and a supervisor) never run them at once. Returns the names of the migrations applied.
 */
export async function runMigrations(url: string, migrations: Function[], logger?: Logger): Promise<string[]> {
  const ds = createDataSource({ url, entities: [], migrations, applicationName: 'tws-migrate', poolSize: 2 });
  await ds.initialize();
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    logger?.info('waiting for the migration lock');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const applied = await ds.runMigrations({ transaction: 'each' });
      for (const m of applied) logger?.info({ migration: m.name }, 'migration applied');
      if (applied.length === 0) logger?.info('schema up to date');
      return applied.map((m) => m.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await ds.destroy();
  }
}

/** Redacts the password of a database URL for logs and errors. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || 5432}${u.pathname}`;
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}
