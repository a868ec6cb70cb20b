import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { CallCommands, type CallCommand, type CallCommandResult } from '@tws/contracts';
import { freePort, repoRoot, startProcess, startService, waitFor, waitReady, type ServiceProcess } from '@tws/testing';
import { AdminApiUnderTest } from './admin-api-harness';

/** The build these tests run from (`<dist>/test/integration/*.js` → `<dist>`). */
const DIST_ROOT = resolve(__dirname, '../..');
const TTL_S = 6;

/** The PBX simulator as a process (an app: not imported), its CSTA port and control API. */
interface Sim {
  proc: ServiceProcess;
  cstaPort: number;
  http: string;
}

async function startSim(devices: string): Promise<Sim> {
  const script = relative(repoRoot(), join(DIST_ROOT, 'tools/pbx-simulator/src/main.js'));
  const proc = startProcess('pbx-simulator', script, {}, ['--csta-port', '0', '--http-port', '0', '--devices', devices, '--username', 'tws', '--password', 'pbx-secret']);
  const ports = await waitFor('the simulator to listen', () => {
    const line = proc.output().split('\n').find((l) => l.includes('"listening"'));
    return line ? (JSON.parse(line) as { cstaPort: number; httpPort: number }) : undefined;
  });
  return { proc, cstaPort: ports.cstaPort, http: `http://127.0.0.1:${ports.httpPort}` };
}

/** Each device monitored exactly once on the PBX, by one connected client. */
async function monitoredOnce(sim: Sim, devices: string[]): Promise<boolean> {
  const health = (await (await fetch(`${sim.http}/health`)).json()) as { clients: number };
  const list = ((await (await fetch(`${sim.http}/devices`)).json()) as { devices: { number: string; monitors: number }[] }).devices;
  const by = new Map(list.map((d) => [d.number, d.monitors]));
  return health.clients === 1 && devices.every((d) => by.get(d) === 1);
}

/**
 * Several cstaservices instances on one NATS and one database, two PBXs (the simulator,
 * as processes): each CSTA link is driven by exactly one instance (lease in NATS KV), a killed
 * owner's link is taken over within the lease TTL, a stopped one's at once, and commands reach
 * whichever instance drives the device's link. The operations (guide 10.4–10.6) are read through
 * the admin REST API of web-services, tenant-scoped.
 */
describe('cstaservices cluster: link ownership, command routing, operations over REST', () => {
  const api = new AdminApiUnderTest();
  const sims: Record<'a' | 'b', Sim | undefined> = { a: undefined, b: undefined };
  const instances = new Map<string, ServiceProcess>();
  const traceDirs: string[] = [];
  const ids: Record<string, string> = {};
  let foreignToken = '';

  async function startInstance(name: string): Promise<ServiceProcess> {
    const port = await freePort();
    const traceDir = mkdtempSync(join(tmpdir(), `tws-${name}-trace-`));
    traceDirs.push(traceDir);
    const proc = startService(
      'cstaservices',
      {
        DATABASE_URL: api.db.url,
        NATS_URL: api.nats.url,
        HTTP_PORT: String(port),
        HTTP_HOST: '127.0.0.1',
        TWS_SECRET_KEY: api.secretKey,
        TWS_INSTANCE_ID: name,
        TWS_LINK_LEASE_TTL_S: String(TTL_S),
        TWS_CSTA_TRACE_DIR: traceDir,
        // CLUSTER_LOG_LEVEL=info shows the lease decisions in a failure's output.
        LOG_LEVEL: process.env['CLUSTER_LOG_LEVEL'] ?? 'warn',
      },
      DIST_ROOT,
    );
    instances.set(name, proc);
    await waitReady(proc, port);
    return proc;
  }

  const providers = async (domain: 'A' | 'B') => {
    const r = await api.call('GET', `/domains/${ids[`domain${domain}`]}/cti/providers`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body as { linkId: string; owner: string | null; connected: boolean; monitoredDevices: number; state: string; host: string; port: number; capacity: number; domainName?: string }[];
  };
  /** The instance driving the domain's link once it is up with both devices monitored. */
  const upOwner = async (domain: 'A' | 'B') => {
    const [p] = await providers(domain);
    return p && p.connected && p.monitoredDevices === 2 && p.owner ? p.owner : undefined;
  };
  const command = (domain: 'A' | 'B', device: string, cmd: CallCommand) =>
    api.messaging.request(CallCommands, [ids[`domain${domain}`]!, device], cmd, 10_000) as Promise<CallCommandResult>;

  before(async () => {
    await api.start();
    sims.a = await startSim('4001-4002');
    sims.b = await startSim('5001-5002');
    const company = await api.call('POST', '/companies', { name: 'Acme' });
    ids['company'] = company.body.id;
    for (const [domain, sim, numbers] of [['A', sims.a, ['4001', '4002']], ['B', sims.b, ['5001', '5002']]] as const) {
      const d = await api.call('POST', `/companies/${company.body.id}/domains`, { name: `${domain.toLowerCase()}.acme.local` });
      assert.equal(d.status, 201, JSON.stringify(d.body));
      ids[`domain${domain}`] = d.body.id;
      for (const n of numbers) {
        const u = await api.call('POST', `/domains/${d.body.id}/users`, { username: `u${n}`, devices: [{ number: n, protocol: 'CSTA', ccoCount: n.endsWith('1') ? 2 : 0 }] });
        assert.equal(u.status, 201, JSON.stringify(u.body));
      }
      const link = await api.call('POST', `/domains/${d.body.id}/csta-links`, { name: `PBX ${domain}`, host: '127.0.0.1', port: sim.cstaPort, pbxType: 'ECMA-323 XML', username: 'tws', password: 'pbx-secret', capacity: 50 });
      assert.equal(link.status, 201, JSON.stringify(link.body));
      ids[`link${domain}`] = link.body.id;
    }
    // Another company and its administrator, for the tenant checks.
    const other = await api.call('POST', '/companies', { name: 'Other' });
    await api.call('POST', '/admin-users', { username: 'adm-other', password: 'first-pass-o', companyIds: [other.body.id] });
    const login = await fetch(`http://127.0.0.1:${api.port}/api/admin/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'adm-other', password: 'first-pass-o' }) });
    foreignToken = ((await login.json()) as { token: string }).token;
    await fetch(`http://127.0.0.1:${api.port}/api/admin/v1/auth/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${foreignToken}` },
      body: JSON.stringify({ currentPassword: 'first-pass-o', newPassword: 'second-pass-o' }),
    });

    await startInstance('cs-1');
    await startInstance('cs-2');
  });

  after(async () => {
    for (const p of instances.values()) await p.stop();
    await sims.a?.proc.stop();
    await sims.b?.proc.stop();
    await api.stop();
    for (const d of traceDirs) rmSync(d, { recursive: true, force: true });
  });

  test('two instances, two links: each link is driven by exactly one instance, one link each', async () => {
    const owners = await waitFor(
      'both links up, on different instances',
      async () => {
        const [a, b] = [await upOwner('A'), await upOwner('B')];
        return a && b && a !== b ? { a, b } : undefined;
      },
      30_000,
      200,
    );
    assert.deepEqual([owners.a, owners.b].sort(), ['cs-1', 'cs-2']);
    await waitFor('each PBX has one client and one monitor per device', async () => (await monitoredOnce(sims.a!, ['4001', '4002'])) && (await monitoredOnce(sims.b!, ['5001', '5002'])), 10_000);
    // Commands reach the owner whichever link: a few in a row, all answered.
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(await command('A', '4001', { command: 'snapshotDevice' }), { calls: [] });
      assert.deepEqual(await command('B', '5002', { command: 'snapshotDevice' }), { calls: [] });
    }
  });

  test('provider and device states over REST (guide 10.4, 10.5)', async () => {
    const [p] = await providers('A');
    assert.deepEqual(
      { host: p!.host, port: p!.port, connected: p!.connected, current: p!.monitoredDevices, count: p!.capacity, domain: p!.domainName, state: p!.state },
      { host: '127.0.0.1', port: sims.a!.cstaPort, connected: true, current: 2, count: 50, domain: 'a.acme.local', state: 'up' },
    );
    assert.ok(['cs-1', 'cs-2'].includes(p!.owner!));

    const all = await api.call('GET', `/domains/${ids['domainA']}/cti/devices`);
    assert.equal(all.status, 200);
    assert.deepEqual(
      all.body.devices.map((d: any) => [d.device, d.state, d.type, d.provider, d.ccos, d.site, d.voicemail, d.owner === p!.owner]),
      [
        ['4001', 'connected', 'cti', '127.0.0.1', 2, null, null, true],
        ['4002', 'connected', 'cti', '127.0.0.1', 0, null, null, true],
      ],
    );
    const ranged = await api.call('GET', `/domains/${ids['domainA']}/cti/devices?first=4002&last=4999&limit=5`);
    assert.deepEqual(ranged.body.devices.map((d: any) => d.device), ['4002']);
    const limited = await api.call('GET', `/domains/${ids['domainA']}/cti/devices?limit=1`);
    assert.deepEqual([limited.body.devices.length, limited.body.truncated], [1, true]);
    // Domain B's devices are not domain A's.
    const b = await api.call('GET', `/domains/${ids['domainB']}/cti/devices`);
    assert.deepEqual(b.body.devices.map((d: any) => d.device), ['5001', '5002']);
  });

  test('bad input is a 400 naming the field', async () => {
    for (const [method, path, body] of [
      ['GET', `/domains/${ids['domainA']}/cti/devices?limit=0`, undefined],
      ['GET', `/domains/${ids['domainA']}/cti/devices?colour=red`, undefined],
      ['POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'start' }],
      ['POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'go', device: '4001' }],
      ['POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'start', device: '40 01' }],
      ['GET', `/domains/${ids['domainA']}/cti/pdu-trace/files/cs-1/..%2F..%2Fetc%2Fpasswd`, undefined],
    ] as const) {
      const r = await api.call(method, path, body);
      assert.equal(r.status, 400, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'bad_request');
    }
  });

  test('PDU trace of one device through REST: start, the owner writes it, list and download the file, stop; audited', async () => {
    const started = await api.call('POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'start', device: '4001' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.deepEqual(started.body.tracing, ['4001']);
    assert.deepEqual(started.body.instances.map((i: any) => i.instance).sort(), ['cs-1', 'cs-2'], 'every instance applied it');

    const call = await command('A', '4001', { command: 'makeCall', destination: '4002' });
    await command('A', '4001', { command: 'snapshotDevice' });
    await command('B', '5001', { command: 'snapshotDevice' }); // another domain: not in this trace
    const owner = (await upOwner('A'))!;
    const file = await waitFor('the trace file on the owner', async () => {
      const r = await api.call('GET', `/domains/${ids['domainA']}/cti/pdu-trace/files`);
      return r.body.find((f: any) => f.instance === owner && f.size > 0);
    });
    assert.equal(file.name, `cstaservices-pdu-${ids['domainA']}.log`);

    const dl = await fetch(`http://127.0.0.1:${api.port}/api/admin/v1/domains/${ids['domainA']}/cti/pdu-trace/files/${owner}/${file.name}`, { headers: { authorization: `Bearer ${api.token}` } });
    assert.equal(dl.status, 200);
    assert.match(dl.headers.get('content-disposition') ?? '', /^attachment; filename="cs-\d-cstaservices-pdu-/);
    const text = await dl.text();
    const lines = text.trim().split('\n');
    assert.ok(lines.length >= 2, text);
    assert.ok(lines.some((l) => / OUT \d{4} 4001 .*MakeCall/.test(l)), 'the MakeCall request is traced');
    assert.ok(lines.every((l) => / 4001 /.test(l)), 'only 4001 is traced');
    assert.ok(!text.includes('5001') && !text.includes('pbx-secret'), 'nothing of the other domain, no password');
    await command('A', '4001', { command: 'clearConnection', callRef: call.callRef! });

    const stopped = await api.call('POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'stop', device: '*' });
    assert.deepEqual(stopped.body.tracing, []);
    const status = await api.call('GET', `/domains/${ids['domainA']}/cti/pdu-trace`);
    assert.deepEqual(status.body.tracing, []);
    assert.ok(status.body.instances.some((i: any) => i.files.some((f: any) => f.name === file.name)), 'the file stays for download');

    const missing = await fetch(`http://127.0.0.1:${api.port}/api/admin/v1/domains/${ids['domainA']}/cti/pdu-trace/files/${owner}/cstaservices-pdu.log.7`, { headers: { authorization: `Bearer ${api.token}` } });
    assert.equal(missing.status, 404);
    const audit = await api.call('GET', '/audit-log?limit=50');
    const traces = audit.body.filter((e: any) => e.entity === 'pdu-trace');
    assert.deepEqual(traces.map((e: any) => e.after.action).sort(), ['start', 'stop']);
  });

  test("another company's administrator gets 404 on every operation of these domains", async () => {
    const asForeign = async (method: string, path: string, body?: unknown) => {
      const r = await fetch(`http://127.0.0.1:${api.port}/api/admin/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${foreignToken}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, text: await r.text() };
    };
    for (const [method, path, body] of [
      ['GET', `/domains/${ids['domainA']}/cti/providers`],
      ['GET', `/domains/${ids['domainA']}/cti/devices`],
      ['GET', `/domains/${ids['domainA']}/cti/pdu-trace`],
      ['POST', `/domains/${ids['domainA']}/cti/pdu-trace`, { action: 'start', device: '*' }],
      ['GET', `/domains/${ids['domainA']}/cti/pdu-trace/files`],
      ['GET', `/domains/${ids['domainA']}/cti/pdu-trace/files/cs-1/cstaservices-pdu-${ids['domainA']}.log`],
    ] as const) {
      const r = await asForeign(method, path, body);
      assert.equal(r.status, 404, `${method} ${path} → ${r.status} ${r.text}`);
      assert.ok(!r.text.includes('4001') && !r.text.includes('Acme'));
    }
    const status = await api.call('GET', `/domains/${ids['domainA']}/cti/pdu-trace`);
    assert.deepEqual(status.body.tracing, [], 'the foreign start did nothing');
  });

  test('SIGKILL of an owner: the other instance takes its link over within the lease TTL; monitors return; commands work through it', async (t) => {
    const ownerA = (await upOwner('A'))!;
    const survivor = ownerA === 'cs-1' ? 'cs-2' : 'cs-1';
    const killedAt = Date.now();
    instances.get(ownerA)!.child.kill('SIGKILL');
    await instances.get(ownerA)!.exited;
    instances.delete(ownerA);

    const taken = await waitFor('link A driven by the survivor', async () => ((await upOwner('A')) === survivor ? Date.now() : undefined), (TTL_S + 15) * 1000, 200);
    const took = (taken - killedAt) / 1000;
    t.diagnostic(`SIGKILL: taken over after ${took} s (TTL ${TTL_S} s)`);
    assert.ok(took >= TTL_S * 0.5, `not before the lease could expire (${took} s)`);
    assert.ok(took <= TTL_S + 8, `within the TTL, a renewal and a reconnection (${took} s)`);
    assert.equal(await upOwner('B'), survivor, 'the survivor drives both links now');
    await waitFor('monitors back on PBX A, once', () => monitoredOnce(sims.a!, ['4001', '4002']), 10_000);

    const call = await command('A', '4001', { command: 'makeCall', destination: '4002' });
    assert.ok(call.callRef, 'makeCall through the survivor');
    await command('A', '4001', { command: 'clearConnection', callRef: call.callRef });
  });

  test('SIGTERM of an owner: its links are released at once and taken over well before the TTL', async (t) => {
    await startInstance('cs-3');
    const split = await waitFor(
      'the new instance gets one link back',
      async () => {
        const [a, b] = [await upOwner('A'), await upOwner('B')];
        return a && b && a !== b && [a, b].includes('cs-3') ? { a, b } : undefined;
      },
      30_000,
      200,
    );
    const stopping = split.a;
    const other = split.b;
    const proc = instances.get(stopping)!;
    const stoppedAt = Date.now();
    // Watch the takeover while the process stops (its exit may take longer than the handover).
    const taken = waitFor('link A on the other instance', async () => ((await upOwner('A')) === other ? Date.now() : undefined), TTL_S * 1000, 100);
    const code = await proc.stop();
    const exitedAt = Date.now();
    assert.equal(code, 0, 'graceful exit');
    const at = await taken.catch((e) => {
      throw new Error(`${(e as Error).message}\n--- ${stopping} ---\n${proc.output().slice(-3000)}\n--- ${other} ---\n${instances.get(other)!.output().slice(-3000)}`);
    });
    t.diagnostic(`SIGTERM: taken over after ${(at - stoppedAt) / 1000} s, process exited after ${(exitedAt - stoppedAt) / 1000} s`);
    assert.ok((at - stoppedAt) / 1000 < TTL_S * 0.75, `taken over in ${(at - stoppedAt) / 1000} s, well before the ${TTL_S} s TTL`);
    await waitFor('monitors back on PBX A, once', () => monitoredOnce(sims.a!, ['4001', '4002']), 10_000);
    assert.deepEqual(await command('A', '4002', { command: 'snapshotDevice' }), { calls: [] });
  });

  test('a PDU trace outlives the instances: one started later applies it, and so does the new owner after a handover', async () => {
    const path = `/domains/${ids['domainB']}/cti/pdu-trace`;
    const started = await api.call('POST', path, { action: 'start', device: '5001' });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.deepEqual(started.body.tracing, ['5001']);
    const tracingOf = async (instance: string) => {
      const r = await api.call('GET', path);
      return (r.body.instances as { instance: string; tracing: string[] }[]).find((i) => i.instance === instance)?.tracing;
    };
    const fileSize = async (instance: string) => {
      const r = await api.call('GET', `${path}/files`);
      return (r.body as { instance: string; name: string; size: number }[]).find((f) => f.instance === instance && f.name === `cstaservices-pdu-${ids['domainB']}.log`)?.size ?? 0;
    };

    // Started after the trace: it reads the settings from the KV bucket before it answers.
    await startInstance('cs-4');
    assert.deepEqual(await waitFor('cs-4 to answer', () => tracingOf('cs-4'), 10_000), ['5001']);

    // The owner of link B stops: the instance taking the link over traces 5001.
    const ownerB = (await waitFor('link B up', () => upOwner('B'), 30_000, 200))!;
    const proc = instances.get(ownerB)!;
    assert.equal(await proc.stop(), 0);
    instances.delete(ownerB);
    const newOwner = await waitFor('link B on another instance', async () => {
      const o = await upOwner('B');
      return o && o !== ownerB ? o : undefined;
    }, 30_000, 200);
    assert.deepEqual(await tracingOf(newOwner), ['5001']);
    const before = await fileSize(newOwner);
    await command('B', '5001', { command: 'snapshotDevice' });
    await waitFor('the new owner writes 5001’s messages', async () => (await fileSize(newOwner)) > before, 10_000);

    const stopped = await api.call('POST', path, { action: 'stop', device: '*' });
    assert.deepEqual(stopped.body.tracing, []);
  });
});
