// Runs every test of the built workspace with node's test runner, against a real Postgres
// (TEST_DATABASE_URL, default the local server on 127.0.0.1:5432; when none answers, an
// embedded one is started under var/test-postgres) and real nats-server processes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const pg = require('pg');

async function reachable(url) {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    await c.end().catch(() => {});
    return false;
  }
}

let embedded;
const env = { ...process.env };
env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
if (!(await reachable(env.TEST_DATABASE_URL))) {
  const { startEmbeddedPostgres } = require(join(root, 'dist/libs/shared/db/src/embedded-postgres.js'));
  const port = Number(process.env.TWS_TEST_PG_PORT ?? 54329);
  console.error(`[test] no Postgres at ${env.TEST_DATABASE_URL.replace(/:[^:@/]*@/, ':***@')}: starting an embedded one on port ${port}`);
  embedded = await startEmbeddedPostgres({ dataDir: join(root, 'var/test-postgres'), port, database: 'postgres' });
  env.TEST_DATABASE_URL = embedded.url;
}

const patterns = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ['dist/**/*.spec.js', 'dist/**/*.int-spec.js', 'dist/**/*.e2e-spec.js'];
if (!existsSync(join(root, 'dist'))) {
  console.error('[test] dist/ is missing: build first (./tws test does)');
  process.exit(1);
}
const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=2', '--test-timeout=180000', ...patterns],
  { cwd: root, env, stdio: 'inherit' },
);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await embedded?.stop();
process.exit(code);
