import { z } from 'zod';
import { parseConfig, ConfigError } from '@tws/config';
import { describeDatabaseUrl, runMigrations } from '@tws/db';
import { createLogger } from '@tws/logging';
import { MIGRATIONS } from '@tws/migrations';

const migrateEnvSchema = z.object({
  DATABASE_URL: z.string({ error: 'is required (a postgres:// URL)' }).regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** `migrate`: applies pending migrations under the advisory lock, then exits (0 on success). */
export async function migrateCommand(): Promise<number> {
  let env: z.output<typeof migrateEnvSchema>;
  try {
    env = parseConfig('migrate', migrateEnvSchema);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(e.message + '\n');
      return 78;
    }
    throw e;
  }
  const logger = createLogger('migrate', env.LOG_LEVEL);
  // Postgres may still be starting (compose, Kubernetes): retry for a while before giving up.
  for (let attempt = 1; ; attempt++) {
    try {
      const applied = await runMigrations(env.DATABASE_URL, MIGRATIONS, logger);
      logger.info({ applied: applied.length, database: describeDatabaseUrl(env.DATABASE_URL) }, 'migrations done');
      return 0;
    } catch (e) {
      const code = (e as { code?: string }).code;
      const transient = code === 'ECONNREFUSED' || code === '57P03' || code === 'ENOTFOUND' || code === 'ETIMEDOUT';
      if (!transient || attempt >= 30) {
        logger.fatal({ err: e, database: describeDatabaseUrl(env.DATABASE_URL) }, 'migration failed');
        return 1;
      }
      logger.warn({ attempt, err: (e as Error).message }, 'Postgres not reachable yet, retrying');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
