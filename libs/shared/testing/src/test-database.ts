import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { runMigrations } from '@tws/db';
import { MIGRATIONS } from '@tws/migrations';

/** Admin connection for tests (a real Postgres; .ci/run starts one when absent). */
export const TEST_ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh, migrated database for one test file: the migrations run once into a template
 * (named after the migration history and code), then each call copies it (CREATE DATABASE … TEMPLATE).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  // Named after the migrations' code, not only their names: a migration edited before it ships
  // gets a new template instead of a stale one.
  const template = `tws_tpl_${createHash('sha1').update(MIGRATIONS.map((m) => `${m.name}\n${m.toString()}`).join('\n')).digest('hex').slice(0, 12)}`;
  const admin = new Client({ connectionString: TEST_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query('SELECT pg_advisory_lock(4242001)');
    try {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${template}`);
        try {
          await runMigrations(withDb(TEST_ADMIN_URL, template), MIGRATIONS);
        } catch (e) {
          await admin.query(`DROP DATABASE IF EXISTS ${template}`);
          throw e;
        }
      }
    } finally {
      await admin.query('SELECT pg_advisory_unlock(4242001)');
    }
    const name = `tws_t_${randomBytes(6).toString('hex')}`;
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return {
      name,
      url: withDb(TEST_ADMIN_URL, name),
      drop: async () => {
        const c = new Client({ connectionString: TEST_ADMIN_URL });
        await c.connect();
        try {
          await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await c.end();
        }
      },
    };
  } finally {
    await admin.end();
  }
}
