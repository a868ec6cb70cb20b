import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { CtiDeviceStates, CtiProviderStates, LINK_EVENT_DEVICE, type TelephonyEvent } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { createLogger } from '@tws/logging';
import { Messaging } from '@tws/messaging';
import { createTestDatabase, freePort, repoRoot, startTestNats, waitFor } from '@tws/testing';
import { CstaHarness } from './csta-harness';

const SCENARIOS = join(repoRoot(), 'test/fixtures/sipp');
const CALLER = '+33155171889';

/** sipp (Debian `sip-tester`) playing a desk phone over TCP; killed by its PID. */
class Sipp {
  readonly proc: ChildProcess;
  private out = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    private readonly dir: string,
    serverPort: number,
    scenario: string,
    keys: Record<string, string>,
    extra: string[] = [],
  ) {
    const args = [
      `127.0.0.1:${serverPort}`,
      '-t', 't1',
      '-sf', join(SCENARIOS, scenario),
      ...Object.entries(keys).flatMap(([k, v]) => ['-key', k, v]),
      '-m', '1',
      '-timeout', '60s',
      '-i', '127.0.0.1',
      '-nostdin',
      '-trace_err', '-error_file', join(dir, `${name}-errors.log`),
      '-trace_msg', '-message_file', join(dir, `${name}-messages.log`),
      ...extra,
    ];
    this.proc = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout!.on('data', (d) => (this.out += String(d)).slice(-20_000));
    this.proc.stderr!.on('data', (d) => (this.out += String(d)).slice(-20_000));
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
  }

  /** What sipp logged: its errors and the SIP messages it saw (for assertion messages). */
  logs(): string {
    const read = (f: string) => (existsSync(join(this.dir, f)) ? readFileSync(join(this.dir, f), 'utf8').slice(-6000) : '');
    return `--- ${this.name} errors\n${read(`${this.name}-errors.log`)}\n--- ${this.name} messages\n${read(`${this.name}-messages.log`)}\n--- output\n${this.out.slice(-2000)}`;
  }

  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null && this.proc.pid) process.kill(this.proc.pid, 'SIGKILL');
    await this.exited;
  }
}

/**
 * Desk-phone server mode (guide 11.2) end to end: the real cstaservices process on real Postgres
 * and NATS, a "snom DEVICE" CSTA link listening on its port, and sipp as the snom phone over
 * TCP: it registers 66-4001, answers the uaCSTA INVITE, MonitorStart and SnapshotDevice in INFO,
 * reports a call in INFO and answers the MakeCall sent over NATS.
 */
describe('cstaservices desk-phone server mode (uaCSTA over SIP/TCP) with sipp as the phone', () => {
  const h = new CstaHarness();
  const logs = mkdtempSync(join(tmpdir(), 'tws-sipp-'));
  const sipps: Sipp[] = [];
  let linkPort = 0;

  const phone = (name: string, scenario: string, keys: Record<string, string>, extra: string[] = []) => {
    const s = new Sipp(name, logs, linkPort, scenario, keys, extra);
    sipps.push(s);
    return s;
  };
  const desk4001 = (name: string) =>
    phone(name, 'uacsta-phone.xml', { identity: '66-4001', expires: '300', account: '4001', caller: CALLER }, ['-oocsf', join(SCENARIOS, 'uacsta-phone-ooc.xml')]);
  const next = (what: string, match: (e: TelephonyEvent) => boolean, from: number, s?: Sipp, timeoutMs = 20_000) =>
    h.event(what, match, from, timeoutMs).catch((e: Error) => {
      throw new Error(`${e.message}\n${s?.logs() ?? ''}\n${h.processes.map((p) => p.output().slice(-3000)).join('\n')}`);
    });

  before(async () => {
    assert.equal(spawnSync('sipp', ['-v']).error, undefined, 'sipp is needed: apt-get install sip-tester (the tws script installs it)');
    h.db = await createTestDatabase();
    h.nats = await startTestNats();
    h.pg = new Client({ connectionString: h.db.url });
    await h.pg.connect();
    h.messaging = await Messaging.connect({ servers: h.nats.url, name: 'uacsta-test', logger: createLogger('test', 'silent') });
    const sub = h.messaging.nc.subscribe('tws.evt.>');
    void (async () => {
      for await (const m of sub) h.events.push(JSON.parse(new TextDecoder().decode(m.data)) as TelephonyEvent);
    })();

    const company = await h.pg.query(`INSERT INTO company (name) VALUES ('Acme') RETURNING id`);
    const domain = await h.pg.query(`INSERT INTO domain (company_id, name, numbering_length) VALUES ($1, 'acme.local', 4) RETURNING id`, [company.rows[0].id]);
    h.domainId = domain.rows[0].id;
    for (const number of ['4001', '4002']) {
      const user = await h.pg.query(`INSERT INTO tws_user (domain_id, username) VALUES ($1, $2) RETURNING id`, [h.domainId, `u${number}`]);
      await h.pg.query(`INSERT INTO device (user_id, domain_id, number, protocol) VALUES ($1, $2, $3, 'CSTA')`, [user.rows[0].id, h.domainId, number]);
    }
    linkPort = await freePort();
    // Guide 11.2.2: Ip left as it is, Port 6010 (here a free port), PBX type "snom DEVICE".
    const link = await h.pg.query(
      `INSERT INTO csta_link (domain_id, name, host, port, pbx_type, username, password_sealed, capacity)
       VALUES ($1, 'snom phones', '127.0.0.1', $2, 'snom DEVICE', NULL, $3, 500) RETURNING id`,
      [h.domainId, linkPort, new SecretBox(h.secretKey).seal('unused')],
    );
    h.linkId = link.rows[0].id;
    await h.startService('cstaservices', { LOG_LEVEL: 'info' });
    // Generous: the lease is taken, then the port opened, on a machine that may be busy with other tests.
    await next('the server listening (linkState up of the link)', (e) => e.kind === 'linkState' && e.device === LINK_EVENT_DEVICE && e.linkUp === true, 0, undefined, 60_000);
  });

  after(async () => {
    await Promise.all(sipps.map((s) => s.kill()));
    await h.stop();
    if (process.env.TWS_KEEP_SIPP_LOGS) console.log(`sipp logs kept in ${logs}: ${readdirSync(logs).join(', ')}`);
    else rmSync(logs, { recursive: true, force: true });
  });

  test('the phone registers 66-4001, the dialog opens, its events are published and MakeCall reaches it', async () => {
    const from = h.events.length;
    const sipp = desk4001('phone');
    const up = await next('linkState up of 4001', (e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp === true, from, sipp);
    assert.equal(up.monitoredDevices, 1);

    const delivered = await next('delivered at 4001', (e) => e.device === '4001' && e.kind === 'delivered', from, sipp);
    assert.equal(delivered.localState, 'alerting');
    assert.equal(delivered.callingNumber, CALLER);
    assert.match(delivered.callRef!, new RegExp(`^${h.linkId}:4001\\|12\\.`));
    const established = await next('established at 4001', (e) => e.device === '4001' && e.kind === 'established', from, sipp);
    assert.equal(established.callRef, delivered.callRef, 'one call, one reference');
    assert.equal(established.localState, 'connected');

    const { callRef } = await h.command('4001', { command: 'makeCall', destination: '4002' });
    assert.match(callRef!, new RegExp(`^${h.linkId}:4001\\|13\\.`));

    const { providers } = (await h.messaging.request(CtiProviderStates, [], {})) as { providers: any[] };
    assert.deepEqual(
      { port: providers[0].port, connected: providers[0].connected, current: providers[0].monitoredDevices, pbxType: providers[0].pbxType },
      { port: linkPort, connected: true, current: 1, pbxType: 'snom DEVICE' },
    );
    const { devices } = (await h.messaging.request(CtiDeviceStates, [], {})) as { devices: any[] };
    assert.deepEqual(devices.map((d) => [d.device, d.state, d.type]), [
      ['4001', 'connected', 'sipcti'],
      ['4002', 'disconnected', 'sipcti'],
    ]);
    assert.match(devices[1].reason, /not registered \(CTI identity 66-4002\)/);
  });

  test('an unknown CTI identity is refused with 404 and nothing is opened', async () => {
    const from = h.events.length;
    const sipp = phone('unknown', 'uacsta-register-refused.xml', { identity: '66-9999', expires: '300' });
    assert.equal(await sipp.exited, 0, `sipp saw the 404\n${sipp.logs()}`);
    const log = h.processes[0]!.output();
    assert.match(log, /phone registration refused/);
    assert.match(log, /no CSTA device 9999 on this link/);
    assert.equal(h.events.slice(from).filter((e) => e.device === '9999').length, 0);
  });

  test('the phone goes away: 4001 disconnected, commands refused; it comes back: dialog reopened, monitored again', async () => {
    const from = h.events.length;
    await sipps.find((s) => s.name === 'phone')!.kill();
    const down = await next('linkState down of 4001', (e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp === false, from);
    assert.match(down.reason!, /TCP connection closed/);
    const { devices } = (await h.messaging.request(CtiDeviceStates, [], { first: '4001', last: '4001' })) as { devices: any[] };
    assert.equal(devices[0].state, 'disconnected');
    await assert.rejects(h.command('4001', { command: 'makeCall', destination: '4002' }), (e: Error & { code?: string }) => e.code === 'unavailable');

    // The phone restarts: registers again; the call it had ended meanwhile (empty snapshot).
    const back = h.events.length;
    const sipp = desk4001('phone-again');
    await next('linkState up of 4001 again', (e) => e.kind === 'linkState' && e.device === '4001' && e.linkUp === true, back, sipp);
    const cleared = await next('the call of 4001 closed by the resync', (e) => e.device === '4001' && e.kind === 'callCleared', back, sipp);
    assert.equal(cleared.cause, 'resynchronized');
    await waitFor('4001 connected again', async () => {
      const r = (await h.messaging.request(CtiDeviceStates, [], { first: '4001', last: '4001' })) as { devices: any[] };
      return r.devices[0]?.state === 'connected';
    });
  });
});
