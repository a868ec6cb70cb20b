/**
 * Effective rights: what one question costs on the hot path (warm cache, what every event pays),
 * on the miss path's computation, and — with a Postgres at TEST_DATABASE_URL — the load of one
 * user's rows from a company of 10,000 users, 200 groups and ~30,000 authorizations, with the
 * plan of its main query. Prints figures, asserts nothing.
 * Run: npm run build && node dist/bench/effective-rights.bench.js (BENCH_MS=2000 for longer rows;
 * BENCH_DB=0 to skip the database part).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createDataSource } from '@tws/db';
import { createLogger } from '@tws/logging';
import { AuthorizationsRepository, RIGHTS_ENTITIES, type UserRightsRows } from '@tws/rights-data-access';
import { computeRights, EffectiveRightsService } from '@tws/rights-feature-admin';
import { MetricsRegistry, type DatabaseService } from '@tws/service';
import { createTestDatabase } from '@tws/testing';

const RUN_MS = Number(process.env['BENCH_MS'] ?? 1000);

/** Runs `op` round robin over the inputs for RUN_MS after a warm-up; returns ops/s. */
async function measure<T>(inputs: readonly T[], op: (input: T) => unknown): Promise<number> {
  const until = async (ms: number) => {
    const end = performance.now() + ms;
    let n = 0;
    while (performance.now() < end) for (let i = 0; i < 256; i++) await op(inputs[n++ % inputs.length]!);
    return n;
  };
  await until(Math.min(200, RUN_MS / 5));
  const started = performance.now();
  const n = await until(RUN_MS);
  return n / ((performance.now() - started) / 1000);
}
const fmt = (ops: number) => Math.round(ops).toLocaleString('en-US');
const us = (ops: number) => (1e6 / ops).toFixed(2);

/** A well-furnished user: 3 groups, every application, 50 directories, the calendars of a 2,000-member group, 20 call logs. */
function richUser(): UserRightsRows {
  const user = { id: randomUUID(), domainId: randomUUID(), companyId: randomUUID() };
  const groupIds = [randomUUID(), randomUUID(), randomUUID()];
  const held: UserRightsRows['held'] = [];
  const grant = (objectType: UserRightsRows['held'][number]['objectType'], objectRef: string) =>
    held.push({ id: randomUUID(), objectType, objectRef, subjectType: 'group', subjectId: groupIds[held.length % 3]! });
  for (const app of ['caller', 'alerter', 'stats', 'softphone', 'toolkit']) grant('application', app);
  for (let i = 0; i < 50; i++) grant('directory', randomUUID());
  const everybody = randomUUID();
  grant('calendar', everybody);
  for (let i = 0; i < 20; i++) grant('call-log', randomUUID());
  const members = Array.from({ length: 2000 }, () => randomUUID());
  return { user, groupIds, held, viewing: [], groupMembers: new Map([[everybody, members]]) };
}

async function inProcess() {
  const rows = richUser();
  const repo = { loadUserRights: async () => rows } as unknown as AuthorizationsRepository;
  const sut = new EffectiveRightsService(repo, new MetricsRegistry(), createLogger('web-services', 'silent'));
  const someone = rows.groupMembers.values().next().value![1234]!;
  const table: Record<string, { 'ops/s': string; 'µs/op': string }> = {};
  const row = (name: string, ops: number) => (table[name] = { 'ops/s': fmt(ops), 'µs/op': us(ops) });
  row('check application (warm cache)', await measure(['caller', 'rules'], (app) => sut.check(rows.user.id, 'application', app)));
  row('check calendar of 1 of 2,000 members (warm cache)', await measure([someone], (u) => sut.check(rows.user.id, 'calendar', u)));
  row('query directories (warm cache)', await measure(['directory' as const], (t) => sut.query(rows.user.id, t)));
  row('query everything (warm cache)', await measure([undefined], () => sut.query(rows.user.id)));
  row('computeRights (the CPU part of a miss)', await measure([rows], (r) => computeRights(r)));
  console.log(`Effective rights in process: 3 groups, 5 applications, 50 directories, calendars of 2,000 users, 20 call logs; ${RUN_MS} ms per row, node ${process.version}`);
  console.table(table);
}

/** One company: 10 domains × 1,000 users, 20 groups × 50 members per domain, and the authorizations of a busy installation. */
async function fill(ds: DataSource): Promise<string[]> {
  await ds.query(`
    INSERT INTO company (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Bench');
    INSERT INTO domain (company_id, name) SELECT '00000000-0000-4000-8000-000000000001', 'd' || i FROM generate_series(1, 10) i;
    INSERT INTO tws_user (domain_id, username) SELECT d.id, 'u' || i FROM domain d, generate_series(1, 1000) i;
    INSERT INTO tws_group (domain_id, name) SELECT d.id, 'g' || i FROM domain d, generate_series(1, 20) i;
    INSERT INTO group_member (group_id, user_id)
      SELECT g.id, u.id FROM tws_group g JOIN tws_user u ON u.domain_id = g.domain_id
      WHERE (hashtext(u.id::text || g.id::text) & 1023) < 51;
    -- every group: 2 applications, 10 directories; every user: 2 call logs of colleagues; every 10th user sees statistics of a group
    INSERT INTO "authorization" (company_id, object_type, object_ref, object_domain_id, subject_type, subject_id, subject_domain_id)
      SELECT d.company_id, 'application', a, NULL, 'group', g.id, g.domain_id FROM tws_group g JOIN domain d ON d.id = g.domain_id, unnest(ARRAY['caller', 'alerter']) a;
    INSERT INTO "authorization" (company_id, object_type, object_ref, object_domain_id, subject_type, subject_id, subject_domain_id)
      SELECT d.company_id, 'directory', gen_random_uuid()::text, g.domain_id, 'group', g.id, g.domain_id FROM tws_group g JOIN domain d ON d.id = g.domain_id, generate_series(1, 10);
    INSERT INTO "authorization" (company_id, object_type, object_ref, object_domain_id, subject_type, subject_id, subject_domain_id)
      SELECT '00000000-0000-4000-8000-000000000001', 'call-log', o.id::text, o.domain_id, 'user', u.id, u.domain_id
      FROM tws_user u JOIN LATERAL (SELECT id, domain_id FROM tws_user o WHERE o.domain_id = u.domain_id AND o.id <> u.id ORDER BY hashtext(o.id::text || u.id::text) LIMIT 2) o ON true;
    INSERT INTO "authorization" (company_id, object_type, object_ref, object_domain_id, subject_type, subject_id, subject_domain_id)
      SELECT '00000000-0000-4000-8000-000000000001', 'statistics', u.id::text, u.domain_id, 'group', g.id, g.domain_id
      FROM tws_user u JOIN tws_group g ON g.domain_id = u.domain_id AND g.name = 'g1' WHERE (hashtext(u.id::text) % 10) = 0;
    ANALYZE;
  `);
  return (await ds.query('SELECT id FROM tws_user ORDER BY random() LIMIT 500')).map((r: { id: string }) => r.id);
}

async function withDatabase() {
  const db = await createTestDatabase();
  const ds = createDataSource({ url: db.url, entities: RIGHTS_ENTITIES });
  await ds.initialize();
  try {
    const users = await fill(ds);
    const counts = (await ds.query(`SELECT (SELECT count(*) FROM tws_user) AS users, (SELECT count(*) FROM group_member) AS members, (SELECT count(*) FROM "authorization") AS authorizations`))[0];
    const repo = new AuthorizationsRepository({ dataSource: ds } as DatabaseService);
    const ops = await measure(users, (u) => repo.loadUserRights(u));
    console.log(`\nLoading one user's rows from Postgres (${counts.users} users, ${counts.members} memberships, ${counts.authorizations} authorizations; one connection at a time):`);
    console.table({ 'loadUserRights (the I/O of a miss)': { 'ops/s': fmt(ops), 'µs/op': us(ops) } });
    const plan: { 'QUERY PLAN': string }[] = await ds.query(
      `EXPLAIN ANALYZE SELECT a.id FROM "authorization" a
       WHERE a.object_type NOT IN ('statistics', 'records')
         AND ((a.subject_type = 'user' AND a.subject_id = $1) OR (a.subject_type = 'group' AND a.subject_id = ANY($2::uuid[])))`,
      [users[0], (await ds.query('SELECT array_agg(group_id) AS g FROM group_member WHERE user_id = $1', [users[0]]))[0].g ?? []],
    );
    console.log('Plan of the query of the authorizations a user holds:');
    for (const line of plan) console.log(`  ${line['QUERY PLAN']}`);
  } finally {
    await ds.destroy();
    await db.drop();
  }
}

void (async () => {
  await inProcess();
  if (process.env['BENCH_DB'] !== '0') {
    await withDatabase().catch((e) => console.log(`\n(database part skipped: ${(e as Error).message}; set TEST_DATABASE_URL or BENCH_DB=0)`));
  }
})();
