import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { CtiProviderStates, SERVICE_NAMES, ServiceControl, type ServiceState } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, RemoteError } from '@tws/messaging';
import { freePort, OWN_DIST_ROOT, repoRoot, startProcess, waitFor, type ServiceProcess } from '@tws/testing';

/**
 * What `./tws start --demo` does on a fresh machine, as a real process: no DATABASE_URL or
 * NATS_URL, so it starts an embedded Postgres and a nats-server under its var folder, migrates,
 * starts the eleven services, seeds the demo and the simulator's traffic; then it is driven over
 * NATS like the admin's "TWS Services" page does, and stopped with Ctrl-C (SIGINT).
 */
describe('supervisor: the suite on one host, in demo mode', () => {
  let varDir: string;
  let sup: ServiceProcess;
  let messaging: Messaging;
  const ports: Record<string, number> = {};
  let natsPort: number;
  let simHttpPort: number;

  before(async () => {
    varDir = mkdtempSync(join(tmpdir(), 'tws-sup-'));
    chmodSync(varDir, 0o755);
    for (const name of SERVICE_NAMES) ports[name] = await freePort();
    natsPort = await freePort();
    simHttpPort = await freePort();
    // The build this spec was compiled into (dist/, or a developer's own output folder).
    const distRoot = relative(repoRoot(), OWN_DIST_ROOT);
    sup = startProcess(
      'supervisor',
      join(distRoot, 'apps/supervisor/src/main.js'),
      {
        TWS_VAR_DIR: varDir,
        TWS_EMBEDDED_PG_PORT: String(await freePort()),
        TWS_EMBEDDED_NATS_PORT: String(natsPort),
        TWS_DEMO_CSTA_PORT: String(await freePort()),
        TWS_DEMO_SIM_HTTP_PORT: String(simHttpPort),
        TWS_PORTS: SERVICE_NAMES.filter((n) => n !== 'supervisor').map((n) => `${n}=${ports[n]}`).join(','),
        HTTP_PORT: String(ports['supervisor']),
        SIM_TRAFFIC_INTERVAL_MS: '400',
        LOG_LEVEL: 'warn',
      },
      ['--demo'],
    );
    await waitFor('the supervisor to print its URLs', () => sup.output().includes('TWS Suite is running.'), 150_000, 200).catch((e) => {
      throw new Error(`${(e as Error).message}\n${sup.output().slice(-4000)}`);
    });
    messaging = await Messaging.connect({ servers: `nats://127.0.0.1:${natsPort}`, name: 'test', logger: createLogger('test', 'silent') });
  });

  after(async () => {
    await messaging?.drain();
    await sup?.stop();
    rmSync(varDir, { recursive: true, force: true });
  });

  const status = async () => (await messaging.request(ServiceControl, ['all', 'status'], {})) as ServiceState[];

  test('every service is running and the URLs are printed', async () => {
    const out = sup.output();
    assert.match(out, new RegExp(`http://localhost:${ports['web-services']}/api/docs`));
    assert.match(out, new RegExp(`http://localhost:${ports['toolkit-web-services']}/toolkit/soap\\?wsdl`));
    assert.match(out, new RegExp(`http://localhost:${ports['admin-app']}/`));
    const states = await status();
    assert.deepEqual(states.map((s) => s.service).sort(), SERVICE_NAMES.filter((n) => n !== 'supervisor').sort());
    for (const s of states) assert.equal(s.state, 'running', `${s.service}: ${s.state} ${s.lastError ?? ''}`);
    for (const name of SERVICE_NAMES) {
      const r = await fetch(`http://127.0.0.1:${ports[name]}/health/ready`);
      assert.equal(r.status, 200, `${name} ready`);
    }
  });

  test('demo mode: the demo users sign in to the toolkit, and their call logs grow', async () => {
    const toolkit = `http://127.0.0.1:${ports['toolkit-web-services']}/toolkit/v1`;
    assert.match(sup.output(), /Sign in as alice: +TOKEN=\$\(curl -s http:\/\/localhost:\d+\/toolkit\/v1\/auth\/login .*"password":"demo-alice"/, 'the printed example signs in');
    const tokens: string[] = [];
    for (const user of ['alice', 'bob', 'carol']) {
      const r = await fetch(`${toolkit}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain: 'demo.local', username: user, password: `demo-${user}` }),
      });
      assert.equal(r.status, 200, `${user} signs in with the demo password the README gives`);
      tokens.push(((await r.json()) as { accessToken: string }).accessToken);
    }
    const count = async () => {
      let n = 0;
      for (const token of tokens) {
        const r = await fetch(`${toolkit}/call-logs`, { headers: { authorization: `Bearer ${token}` } });
        n += ((await r.json()) as { items: unknown[] }).items.length;
      }
      return n;
    };
    const first = await waitFor('a first call in the demo call logs', async () => ((await count()) > 0 ? count() : undefined), 60_000, 250);
    await waitFor('more calls', async () => (await count()) > first, 60_000, 250);
  });

  test('demo mode: the phone queue is configured through the admin API and monitored on the simulator', async () => {
    const admin = `http://127.0.0.1:${ports['web-services']}/api/admin/v1`;
    const password = readFileSync(join(varDir, 'demo-admin-password'), 'utf8').trim();
    const login = await fetch(`${admin}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'tws', password }) });
    assert.equal(login.status, 200, 'the demo admin password kept in the var folder signs in');
    const token = ((await login.json()) as { token: string }).token;
    const get = async <T>(path: string): Promise<T> => {
      const r = await fetch(`${admin}${path}`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(r.status, 200, `GET ${path}`);
      return (await r.json()) as T;
    };
    const company = (await get<{ id: string; name: string }[]>('/companies')).find((c) => c.name === 'Demo Company')!;
    const domain = (await get<{ id: string; name: string }[]>(`/companies/${company.id}/domains`)).find((d) => d.name === 'demo.local')!;
    const queues = await get<{ name: string; number: string; protocol: string }[]>(`/domains/${domain.id}/phone-queues`);
    assert.deepEqual(
      queues.map((q) => ({ name: q.name, number: q.number, protocol: q.protocol })),
      [{ name: 'Demo support', number: '4900', protocol: 'CSTA' }],
    );

    const simQueue = (await (await fetch(`http://127.0.0.1:${simHttpPort}/queues/4900`)).json()) as { members: string[]; maxWaitMs?: number; overflow?: string };
    assert.deepEqual({ members: simQueue.members, maxWaitMs: simQueue.maxWaitMs, overflow: simQueue.overflow }, { members: ['4001', '4002'], maxWaitMs: 30_000, overflow: undefined });
    await waitFor('cstaservices monitoring the queue', async () => {
      const { devices } = await get<{ devices: { device: string; state: string }[] }>(`/domains/${domain.id}/cti/devices?first=4900&last=4900`);
      const monitors = ((await (await fetch(`http://127.0.0.1:${simHttpPort}/queues/4900`)).json()) as { monitors: number }).monitors;
      return devices.some((d) => d.device === '4900' && d.state === 'connected') && monitors >= 1;
    }, 60_000, 250);
  });

  test('the admin page lists the service states from NATS KV', async () => {
    const r = await fetch(`http://127.0.0.1:${ports['admin-app']}/bff/services`);
    const states = (await r.json()) as ServiceState[];
    assert.equal(states.length, SERVICE_NAMES.length - 1);
    assert.ok(states.every((s) => s.state === 'running'));
    const page = await (await fetch(`http://127.0.0.1:${ports['admin-app']}/`)).text();
    assert.match(page, /TWS Services/);
  });

  test('restart over NATS gives a new process, which comes back running', async () => {
    const before = (await status()).find((s) => s.service === 'scriptservices')!;
    const [after] = (await messaging.request(ServiceControl, ['scriptservices', 'restart'], {})) as ServiceState[];
    assert.notEqual(after!.pid, before.pid);
    await waitFor('scriptservices running again', async () => (await status()).find((s) => s.service === 'scriptservices')?.state === 'running', 30_000, 200);
  });

  test('a service killed hard is restarted by the supervisor', async () => {
    const victim = (await status()).find((s) => s.service === 'mediaservices')!;
    process.kill(victim.pid!, 'SIGKILL');
    const back = await waitFor('mediaservices restarted and running', async () => {
      const s = (await status()).find((x) => x.service === 'mediaservices')!;
      return s.state === 'running' && s.pid !== victim.pid ? s : undefined;
    }, 30_000, 200);
    assert.equal(back.restarts, 1);
  });

  test('cstaservices killed hard comes back under the same instance id and drives the demo link again', async () => {
    // A stable TWS_INSTANCE_ID per service: the restarted process is the owner of its link leases.
    const owner = `${hostname()}-cstaservices`;
    const providers = async () => ((await messaging.request(CtiProviderStates, [], {})) as { providers: { owner?: string; connected: boolean }[] }).providers;
    await waitFor('the demo link up', async () => (await providers()).some((p) => p.connected && p.owner === owner), 30_000, 200);
    const victim = (await status()).find((s) => s.service === 'cstaservices')!;
    process.kill(victim.pid!, 'SIGKILL');
    await waitFor('cstaservices restarted', async () => {
      const s = (await status()).find((x) => x.service === 'cstaservices')!;
      return s.state === 'running' && s.pid !== victim.pid;
    }, 30_000, 200);
    const back = await waitFor('the demo link up again, driven by the restarted process', async () => {
      const p = await providers().catch(() => []);
      return p.find((x) => x.connected);
    }, 60_000, 200);
    assert.equal(back.owner, owner);
  });

  test('control requests that make no sense are refused clearly', async () => {
    await assert.rejects(messaging.request(ServiceControl, ['nosuchservice', 'restart'], {}), (e: unknown) => e instanceof RemoteError && e.code === 'not_found');
    await assert.rejects(messaging.request(ServiceControl, ['supervisor', 'stop'], {}), (e: unknown) => e instanceof RemoteError && /itself/.test(e.message));
  });

  test('Ctrl-C stops everything cleanly', async () => {
    const pids = (await status()).map((s) => s.pid!).filter(Boolean);
    await messaging.drain();
    sup.child.kill('SIGINT');
    assert.equal(await sup.exited, 0);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), `service process ${pid} is gone`);
  });
});
