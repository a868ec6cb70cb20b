// bootstrapService as operators see it: a real built service (conferenceservices, which has the
// platform only) run as a process against real nats-server and Postgres.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceHeartbeats, type ServiceHeartbeat } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, startLocalNatsServer, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startProcess, waitFor, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';
import { builtApp, captureStderr, exitWithin, http, startTcpRelay } from './fixture/process-helpers';

const APP = builtApp('conferenceservices');
const SHUTDOWN_TIMEOUT_S = 5;

describe('bootstrapService: configuration errors', () => {
  test('a missing DATABASE_URL and a malformed HTTP_PORT: exit 78 naming both', async () => {
    const sut = startProcess('conferenceservices', APP, { NATS_URL: 'nats://127.0.0.1:4222', HTTP_PORT: 'eighty' });
    const stderr = captureStderr(sut);
    const { code } = await exitWithin(sut, 15_000);
    assert.equal(code, 78, sut.output());
    const report = stderr()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string; problems?: { variable: string; message: string }[] })
      .find((l) => l.problems);
    assert.ok(report, `a structured configuration report on stderr, got: ${stderr()}`);
    assert.equal(report.level, 'fatal');
    assert.deepEqual(report.problems!.map((p) => p.variable).sort(), ['DATABASE_URL', 'HTTP_PORT']);
    assert.match(report.msg, /DATABASE_URL: is required/);
    assert.match(report.msg, /HTTP_PORT: .*"eighty"/);
  });
});

describe('bootstrapService: dependencies that come and go', () => {
  const processes: ServiceProcess[] = [];
  let db: TestDatabase;
  let natsDir: string;
  let nats: LocalNatsServer | undefined;
  let relay: { close(): Promise<void> } | undefined;
  let watcher: Messaging | undefined;
  let natsPort: number;
  let pgPort: number;
  let httpPort: number;
  let sut: ServiceProcess;
  const beats: ServiceHeartbeat[] = [];

  const env = () => {
    const dbUrl = new URL(db.url);
    const target = { host: dbUrl.hostname, port: Number(dbUrl.port || 5432) };
    dbUrl.hostname = '127.0.0.1';
    dbUrl.port = String(pgPort);
    return {
      target,
      vars: {
        HTTP_PORT: String(httpPort),
        DATABASE_URL: dbUrl.toString(),
        NATS_URL: `nats://127.0.0.1:${natsPort}`,
        TWS_INSTANCE_ID: 'conference-under-test',
        SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S),
      },
    };
  };

  before(async () => {
    db = await createTestDatabase();
    natsDir = mkdtempSync(join(tmpdir(), 'tws-boot-nats-'));
    [natsPort, pgPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  });

  after(async () => {
    for (const p of processes) await p.stop();
    await watcher?.drain();
    await nats?.stop();
    await relay?.close();
    await db?.drop();
    rmSync(natsDir, { recursive: true, force: true });
  });

  test('NATS and Postgres unreachable at boot: alive, not ready, naming both, and it keeps running', async () => {
    sut = startProcess('conferenceservices', APP, env().vars);
    processes.push(sut);
    const live = await waitFor('/health/live', async () => {
      if (sut.child.exitCode !== null) throw new Error(`exited ${sut.child.exitCode}: ${sut.output()}`);
      return (await http(httpPort, '/health/live').catch(() => undefined))?.status === 200 || undefined;
    }, 20_000, 100);
    assert.equal(live, true);

    const ready = await http(httpPort, '/health/ready');
    assert.equal(ready.status, 503);
    assert.equal(ready.json.status, 'not-ready');
    assert.match(ready.json.checks.nats, /^down: /);
    assert.match(ready.json.checks.postgres, /^down: /);
    assert.equal(sut.child.exitCode, null);
  });

  test('becomes ready once NATS and Postgres appear, without a restart', async () => {
    const pid = sut.child.pid;
    nats = await startLocalNatsServer({ port: natsPort, dataDir: natsDir });
    watcher = await Messaging.connect({ servers: nats.url, name: 'watcher', logger: createLogger('watcher', 'silent'), reconnectTimeWaitMs: 100 });
    watcher.subscribe(ServiceHeartbeats, ServiceHeartbeats.pattern, (hb) => void beats.push(hb));
    await watcher.nc.flush();

    // NATS alone is not enough.
    await waitFor('nats check up', async () => (await http(httpPort, '/health/ready')).json?.checks?.nats === 'up', 20_000, 100);
    const half = await http(httpPort, '/health/ready');
    assert.equal(half.status, 503);
    assert.match(half.json.checks.postgres, /^down: /);

    relay = await startTcpRelay(pgPort, env().target);
    await waitReady(sut, httpPort, 30_000);
    const ready = await http(httpPort, '/health/ready');
    assert.deepEqual(ready.json, { status: 'ready', checks: { nats: 'up', postgres: 'up' } });
    assert.equal(sut.child.pid, pid);
    assert.equal(sut.child.exitCode, null);
  });

  test('announces itself on NATS with ready: true once ready', async () => {
    const beat = await waitFor('a ready heartbeat', () => beats.find((b) => b.ready && b.instance === 'conference-under-test'), 15_000);
    assert.equal(beat.service, 'conferenceservices');
    assert.equal(beat.pid, sut.child.pid);
    assert.equal(beat.httpPort, httpPort);
  });

  test('/metrics serves Prometheus text with the HTTP request durations', async () => {
    await http(httpPort, '/health/live');
    const r = await http(httpPort, '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.contentType, /^text\/plain/);
    assert.match(r.text, /^# TYPE tws_http_request_duration_seconds histogram$/m);
    assert.match(r.text, /^tws_http_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} [1-9]\d*$/m);
    assert.match(r.text, /^tws_process_cpu_user_seconds_total /m);
  });

  test('losing NATS makes it not ready; it is ready again when NATS is back', async () => {
    await nats!.stop();
    nats = undefined;
    await waitFor('nats reported down', async () => {
      const r = await http(httpPort, '/health/ready');
      return r.status === 503 && /^down: /.test(r.json.checks.nats) && r.json.checks.postgres === 'up';
    }, 15_000, 100);

    nats = await startLocalNatsServer({ port: natsPort, dataDir: natsDir });
    await waitReady(sut, httpPort, 30_000);
    assert.equal(sut.child.exitCode, null);
  });

  test('SIGTERM: exits 0 within the shutdown timeout, saying so', async () => {
    sut.child.kill('SIGTERM');
    const { code, signal } = await exitWithin(sut, SHUTDOWN_TIMEOUT_S * 1000);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, sut.output().slice(-3000));
    assert.match(sut.output(), /"msg":"shutting down"/);
  });

  test('SIGTERM while NATS is down: still exits 0 within the shutdown timeout', async () => {
    const again = startProcess('conferenceservices', APP, env().vars);
    processes.push(again);
    await waitReady(again, httpPort, 30_000);
    await nats!.stop();
    nats = undefined;
    await waitFor('nats reported down', async () => (await http(httpPort, '/health/ready')).status === 503, 15_000, 100);
    again.child.kill('SIGTERM');
    const { code, signal } = await exitWithin(again, SHUTDOWN_TIMEOUT_S * 1000);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, again.output().slice(-3000));
  });

  test('SIGTERM before NATS or Postgres were ever reached: exits 0', async () => {
    const lonely = startProcess('conferenceservices', APP, { ...env().vars, NATS_URL: `nats://127.0.0.1:${await freePort()}`, DATABASE_URL: `postgres://x@127.0.0.1:${await freePort()}/x` });
    processes.push(lonely);
    await waitFor('/health/live', async () => (await http(httpPort, '/health/live').catch(() => undefined))?.status === 200, 20_000, 100);
    lonely.child.kill('SIGTERM');
    const { code, signal } = await exitWithin(lonely, SHUTDOWN_TIMEOUT_S * 1000);
    assert.deepEqual({ code, signal }, { code: 0, signal: null }, lonely.output().slice(-3000));
  });
});
