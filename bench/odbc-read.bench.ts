/**
 * The ODBC connector's read alone (the synchronization behind it is measured by
 * directories-sync.bench): rows per second and peak RSS for psqlODBC and the SQLite ODBC driver,
 * with their streaming mode (turned on by the connector) and without it, at two table sizes — the
 * peak must not grow with the table. Each read runs in its own process. Prints, asserts nothing.
 *
 * Needs unixodbc, odbc-postgresql, libsqliteodbc (Debian), the npm package odbc built, and a
 * Postgres at TEST_DATABASE_URL.
 * Run: npm run build && node dist/bench/odbc-read.bench.js       (BENCH_ROWS=100000,300000)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadOdbc, OdbcConnector } from '@tws/directories-connector-odbc';

const SIZES = (process.env['BENCH_ROWS'] ?? '100000,300000').split(',').map(Number);
const ADMIN_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const SQLITE_DRIVER = '/usr/lib/x86_64-linux-gnu/odbc/libsqlite3odbc.so';
const COLUMNS = ['id', 'lastname', 'firstname', 'company', 'tel1', 'mail'];

/** Child: one read through the connector, then one JSON line. */
async function readOnce(connectionString: string, table: string): Promise<void> {
  let rows = 0;
  let peak = 0;
  const started = process.hrtime.bigint();
  const pages = new OdbcConnector().read(
    { directoryId: 'bench', domainId: 'bench', settings: { dsn: '', connectionString, table, user: '', fetchSize: 500, timeoutSeconds: 30 }, password: null },
    { signal: new AbortController().signal, attributes: COLUMNS, onTruncated: () => undefined },
  );
  for await (const page of pages) {
    rows += page.length;
    peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  process.stdout.write(JSON.stringify({ rows, seconds, peakMb: Math.round(peak / 1048576) }) + '\n');
}

function measure(label: string, connectionString: string, table: string): void {
  const r = spawnSync(process.execPath, [__filename], { env: { ...process.env, BENCH_CHILD: JSON.stringify({ connectionString, table }) }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label}: ${r.stderr}`);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { rows: number; seconds: number; peakMb: number };
  console.log(`| ${label} | ${table} | ${m.rows.toLocaleString('en')} | ${m.seconds.toFixed(1)} s | ${Math.round(m.rows / m.seconds).toLocaleString('en')}/s | ${m.peakMb} MB |`);
}

async function main(): Promise<void> {
  const max = Math.max(...SIZES);
  const dbName = `tws_bench_odbc_${process.pid}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const work = mkdtempSync(join(tmpdir(), 'tws-odbc-bench-'));
  const sqliteFile = join(work, 'bench.db');
  try {
    const u = new URL(ADMIN_URL);
    u.pathname = `/${dbName}`;
    const pg = new Client({ connectionString: u.toString() });
    await pg.connect();
    const select = `SELECT 'id' || i, 'Lastname-' || i || '-' || repeat('x', 40), 'Firstname' || i, 'Company ' || (i % 500), '+33 1 55 ' || lpad(i::text, 6, '0'), 'person' || i || '@example.com' FROM generate_series(1, ${max}) AS i`;
    await pg.query(`CREATE TABLE people (${COLUMNS.map((c) => `${c} text`).join(', ')}); INSERT INTO people ${select}`);
    for (const n of SIZES) await pg.query(`CREATE VIEW people_${n} AS SELECT * FROM people LIMIT ${n}`);
    await pg.end();
    const odbc = await loadOdbc();
    const sqlite = (await odbc.connect({ connectionString: `Driver=${SQLITE_DRIVER};Database=${sqliteFile}` })) as unknown as { query(sql: string): Promise<unknown>; close(): Promise<void> };
    await sqlite.query(`CREATE TABLE people (${COLUMNS.map((c) => `${c} TEXT`).join(', ')})`);
    await sqlite.query(
      `INSERT INTO people WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ${max}) SELECT 'id' || i, 'Lastname-' || i || '-' || printf('%.40c', 'x'), 'Firstname' || i, 'Company ' || (i % 500), '+33 1 55 ' || printf('%06d', i), 'person' || i || '@example.com' FROM s`,
    );
    for (const n of SIZES) await sqlite.query(`CREATE VIEW people_${n} AS SELECT * FROM people LIMIT ${n}`);
    await sqlite.close();

    const pgString = `Driver={PostgreSQL Unicode};Server=${u.hostname};Port=${u.port || 5432};Database=${dbName};UID=${decodeURIComponent(u.username)}${u.password ? `;PWD={${decodeURIComponent(u.password)}}` : ''};CommLog=0`;
    console.log('| driver and mode | table | rows | time | rows/s | peak RSS |');
    console.log('|---|---|---:|---:|---:|---:|');
    for (const n of SIZES) {
      measure('psqlODBC, UseDeclareFetch=1 (default)', pgString, `people_${n}`);
      measure('psqlODBC, UseDeclareFetch=0', `${pgString};UseDeclareFetch=0`, `people_${n}`);
      measure('SQLite, StepAPI=1 (default)', `Driver=${SQLITE_DRIVER};Database=${sqliteFile}`, `people_${n}`);
      measure('SQLite, StepAPI=0', `Driver=${SQLITE_DRIVER};Database=${sqliteFile};StepAPI=0`, `people_${n}`);
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

const child = process.env['BENCH_CHILD'];
if (child) {
  const { connectionString, table } = JSON.parse(child) as { connectionString: string; table: string };
  readOnce(connectionString, table).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
