import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '@tws/migrations';
import { createTestDatabase, TEST_ADMIN_URL } from '@tws/testing';
import { describeDatabaseUrl, runMigrations } from '@tws/db';

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** A migration that creates a table and then fails: it must leave nothing behind. */
class BrokenMigration1764399999999 implements MigrationInterface {
  name = 'BrokenMigration1764399999999';
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE half_done (id int)');
    await q.query('SELECT no_such_column FROM half_done');
  }
  async down(): Promise<void> {}
}

/** Tables of the first migration: whatever comes later, these must be there. */
const CORE_TABLES = ['call_event_processed', 'call_log', 'company', 'csta_link', 'device', 'domain', 'tws_migrations', 'tws_user'];

const tablesOf = async (url: string) =>
  (await query<{ table_name: string }>(url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name")).map((t) => t.table_name);

describe('runMigrations on an empty database', () => {
  const name = `tws_mig_${randomBytes(6).toString('hex')}`;
  const url = withDb(TEST_ADMIN_URL, name);

  before(async () => {
    await query(TEST_ADMIN_URL, `CREATE DATABASE ${name}`);
  });

  after(async () => {
    await query(TEST_ADMIN_URL, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  test('two concurrent runs apply each migration exactly once', async () => {
    const [a, b] = await Promise.all([runMigrations(url, MIGRATIONS), runMigrations(url, MIGRATIONS)]);
    const all = MIGRATIONS.map((m) => (m as unknown as { name: string }).name);
    // One run applied everything, the other waited for the lock and found nothing to do.
    assert.deepEqual([a, b].sort((x, y) => y.length - x.length), [all, []]);

    const rows = await query<{ name: string; n: string }>(url, 'SELECT name, count(*) AS n FROM tws_migrations GROUP BY name');
    assert.equal(rows.length, MIGRATIONS.length);
    for (const r of rows) assert.equal(Number(r.n), 1, `${r.name} recorded once`);

    const tables = await tablesOf(url);
    for (const t of CORE_TABLES) assert.ok(tables.includes(t), `table ${t} exists`);
    // Same schema as one run alone (the per-test template database is migrated that way).
    const reference = await createTestDatabase();
    try {
      assert.deepEqual(tables, await tablesOf(reference.url));
    } finally {
      await reference.drop();
    }
  });

  test('a later run has nothing to do', async () => {
    assert.deepEqual(await runMigrations(url, MIGRATIONS), []);
  });

  test('a failing migration is rolled back, not recorded, and does not hold the lock', async () => {
    await assert.rejects(runMigrations(url, [...MIGRATIONS, BrokenMigration1764399999999]), /no_such_column/);
    const half = await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    assert.equal(half.length, 0, 'the half-done table was rolled back');
    const recorded = await query(url, "SELECT 1 FROM tws_migrations WHERE name = 'BrokenMigration1764399999999'");
    assert.equal(recorded.length, 0);
    // The lock was released: the next run gets it and completes.
    assert.deepEqual(await runMigrations(url, MIGRATIONS), []);
  });

  test('an unreachable database is reported, not waited on forever', async () => {
    const u = new URL(TEST_ADMIN_URL);
    u.port = '1'; // nothing listens there
    await assert.rejects(runMigrations(u.toString(), MIGRATIONS), /ECONNREFUSED|connect/);
  });
});

describe('describeDatabaseUrl', () => {
  test('names host, port and database but never the password', () => {
    const sut = describeDatabaseUrl('postgres://tws:s3cr3t@db.example:6543/tws');
    assert.equal(sut, 'db.example:6543/tws');
    assert.doesNotMatch(describeDatabaseUrl('not a url s3cr3t'), /s3cr3t/);
  });
});
