import { randomBytes } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { CallCommands, type CallCommand, type CallCommandResult, type TelephonyEvent } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { createLogger } from '@tws/logging';
import { Messaging, type LocalNatsServer } from '@tws/messaging';
import {
  createTestDatabase,
  freePort,
  repoRoot,
  startProcess,
  startService,
  startTestNats,
  waitFor,
  waitReady,
  type ServiceProcess,
  type TestDatabase,
} from '@tws/testing';

/** The build these tests run from (`<dist>/test/integration/*.js` → `<dist>`). */
export const DIST_ROOT = resolve(__dirname, '../..');

export interface CstaSetup {
  /** Internal devices of the simulated PBX (`--devices`, ranges allowed). */
  simDevices: string;
  /** Extra simulator flags (session style, heartbeat, session duration…). */
  simArgs?: string[];
  /** Devices configured in the suite with protocol CSTA (one user each). */
  devices: string[];
  pbxType?: string;
  capacity?: number;
  /** Services besides cstaservices (e.g. eventservices for the call log). */
  alsoStart?: string[];
  /** Extra environment of cstaservices. */
  env?: Record<string, string>;
}

/**
 * cstaservices as a real process against the PBX simulator as a real process, on real Postgres
 * and NATS: the configuration is written straight into the database (company, domain, users
 * with CSTA devices, the CSTA link with its sealed password), call commands go over NATS, and
 * every event published on the telephony stream is collected in order.
 */
export class CstaHarness {
  db!: TestDatabase;
  nats!: LocalNatsServer;
  pg!: Client;
  messaging!: Messaging;
  readonly processes: ServiceProcess[] = [];
  readonly ports: Record<string, number> = {};
  readonly secretKey = randomBytes(32).toString('base64');
  readonly events: TelephonyEvent[] = [];
  sim!: { proc: ServiceProcess; cstaPort: number; http: string; args: string[] };
  domainId = '';
  linkId = '';
  async start(setup: CstaSetup): Promise<void> {
    this.db = await createTestDatabase();
    this.nats = await startTestNats();
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
    this.messaging = await Messaging.connect({ servers: this.nats.url, name: 'csta-test', logger: createLogger('test', 'silent') });
    const sub = this.messaging.nc.subscribe('tws.evt.>');
    void (async () => {
      for await (const m of sub) this.events.push(JSON.parse(new TextDecoder().decode(m.data)) as TelephonyEvent);
    })();
    await this.startSimulator(['--devices', setup.simDevices, '--username', 'tws', '--password', 'pbx-secret', ...(setup.simArgs ?? [])]);
    await this.seed(setup);
    for (const name of ['cstaservices', ...(setup.alsoStart ?? [])]) await this.startService(name, name === 'cstaservices' ? setup.env : undefined);
  }

  /** The simulator as a process; `cstaPort` reuses a port (a PBX restart). */
  async startSimulator(args: string[], cstaPort = 0) {
    const script = relative(repoRoot(), join(DIST_ROOT, 'tools/pbx-simulator/src/main.js'));
    const proc = startProcess('pbx-simulator', script, {}, ['--csta-port', String(cstaPort), '--http-port', '0', ...args]);
    this.processes.push(proc);
    const ports = await waitFor('the simulator to listen', () => {
      const line = proc.output().split('\n').find((l) => l.includes('"listening"'));
      return line ? (JSON.parse(line) as { cstaPort: number; httpPort: number }) : undefined;
    });
    this.sim = { proc, cstaPort: ports.cstaPort, http: `http://127.0.0.1:${ports.httpPort}`, args };
    return this.sim;
  }

  async startService(name: string, env: Record<string, string> = {}) {
    this.ports[name] ??= await freePort();
    const proc = startService(
      name,
      {
        DATABASE_URL: this.db.url,
        NATS_URL: this.nats.url,
        HTTP_PORT: String(this.ports[name]),
        HTTP_HOST: '127.0.0.1',
        TWS_SECRET_KEY: this.secretKey,
        LOG_LEVEL: 'warn',
        ...env,
      },
      DIST_ROOT,
    );
    this.processes.push(proc);
    await waitReady(proc, this.ports[name]!);
    return proc;
  }

  private async seed(setup: CstaSetup) {
    const company = await this.pg.query(`INSERT INTO company (name) VALUES ('Acme') RETURNING id`);
    const domain = await this.pg.query(`INSERT INTO domain (company_id, name, numbering_length) VALUES ($1, 'acme.local', 4) RETURNING id`, [company.rows[0].id]);
    this.domainId = domain.rows[0].id;
    for (const number of setup.devices) {
      const user = await this.pg.query(`INSERT INTO tws_user (domain_id, username) VALUES ($1, $2) RETURNING id`, [this.domainId, `u${number}`]);
      await this.pg.query(`INSERT INTO device (user_id, domain_id, number, protocol) VALUES ($1, $2, $3, 'CSTA')`, [user.rows[0].id, this.domainId, number]);
    }
    const link = await this.pg.query(
      `INSERT INTO csta_link (domain_id, name, host, port, pbx_type, username, password_sealed, capacity)
       VALUES ($1, 'Simulator', '127.0.0.1', $2, $3, 'tws', $4, $5) RETURNING id`,
      [this.domainId, this.sim.cstaPort, setup.pbxType ?? 'ECMA-323 XML', new SecretBox(this.secretKey).seal('pbx-secret'), setup.capacity ?? 500],
    );
    this.linkId = link.rows[0].id;
  }

  /** A call command over NATS, as the toolkit sends it. */
  command(device: string, cmd: CallCommand, timeoutMs = 10_000): Promise<CallCommandResult> {
    return this.messaging.request(CallCommands, [this.domainId, device], cmd, timeoutMs) as Promise<CallCommandResult>;
  }

  async simPost(path: string, body: unknown = {}): Promise<any> {
    const r = await fetch(`${this.sim.http}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const json = await r.json();
    if (r.status >= 300) throw new Error(`simulator ${path}: ${r.status} ${JSON.stringify(json)}`);
    return json;
  }

  async simGet(path: string): Promise<any> {
    return (await fetch(`${this.sim.http}${path}`)).json();
  }

  /** Monitors the simulator holds for `devices` (all must be 1). */
  async allMonitored(devices: string[]): Promise<boolean> {
    const { devices: list } = await this.simGet('/devices');
    const by = new Map<string, number>(list.map((d: { number: string; monitors: number }) => [d.number, d.monitors]));
    return devices.every((d) => by.get(d) === 1);
  }

  /** Waits for an event matching `match` published after index `from`; returns it. */
  async event(what: string, match: (e: TelephonyEvent) => boolean, from = 0, timeoutMs = 15_000): Promise<TelephonyEvent> {
    return waitFor(what, () => this.events.slice(from).find(match), timeoutMs, 20);
  }

  async stop() {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.messaging?.drain().catch(() => undefined);
    await this.pg?.end().catch(() => undefined);
    await this.nats?.stop();
    await this.db?.drop();
  }
}
