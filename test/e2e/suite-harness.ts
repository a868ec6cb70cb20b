import { randomBytes } from 'node:crypto';
import {
  createTestDatabase,
  freePort,
  startProcess,
  startService,
  startTestNats,
  waitFor,
  waitReady,
  type ServiceProcess,
  type TestDatabase,
} from '@tws/testing';
import type { LocalNatsServer } from '@tws/messaging';

/** Real processes of the suite on real Postgres and NATS, on free ports, for end-to-end tests. */
export class SuiteHarness {
  db!: TestDatabase;
  nats!: LocalNatsServer;
  readonly processes: ServiceProcess[] = [];
  readonly ports: Record<string, number> = {};
  readonly secretKey = randomBytes(32).toString('base64');
  simulator?: { proc: ServiceProcess; cstaPort: number; http: string };

  async startInfra() {
    this.db = await createTestDatabase();
    this.nats = await startTestNats();
  }

  async startServices(names: string[]) {
    for (const name of names) this.ports[name] = await freePort();
    const procs = names.map((name) =>
      startService(name, {
        DATABASE_URL: this.db.url,
        NATS_URL: this.nats.url,
        HTTP_PORT: String(this.ports[name]),
        HTTP_HOST: '127.0.0.1',
        TWS_SECRET_KEY: this.secretKey,
        LOG_LEVEL: 'warn',
      }),
    );
    this.processes.push(...procs);
    await Promise.all(procs.map((p) => waitReady(p, this.ports[p.name]!)));
  }

  /** The PBX simulator as a process; resolves with the ports it reports on stdout. */
  async startSimulator(args: string[], cstaPort = 0) {
    const proc = startProcess('pbx-simulator', 'dist/tools/pbx-simulator/src/main.js', {}, ['--csta-port', String(cstaPort), '--http-port', '0', ...args]);
    this.processes.push(proc);
    const ports = await waitFor('the simulator to listen', () => {
      const line = proc.output().split('\n').find((l) => l.includes('"listening"'));
      return line ? (JSON.parse(line) as { cstaPort: number; httpPort: number }) : undefined;
    });
    this.simulator = { proc, cstaPort: ports.cstaPort, http: `http://127.0.0.1:${ports.httpPort}` };
    return this.simulator;
  }

  /**
   * Signs in as the default administrator of a fresh installation, changes its password as the
   * API demands, and keeps the token for `admin()` calls.
   */
  async signInAdmin(): Promise<string> {
    const login = await http('POST', this.url('web-services', '/api/admin/v1/auth/login'), { username: 'tws', password: 'tws' });
    if (login.status !== 200) throw new Error(`admin sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
    const token = login.body.token as string;
    if (login.body.mustChangePassword) {
      const changed = await http('POST', this.url('web-services', '/api/admin/v1/auth/password'), { currentPassword: 'tws', newPassword: 'e2e-admin-pass' }, token);
      if (changed.status !== 200) throw new Error(`password change failed: ${changed.status} ${JSON.stringify(changed.body)}`);
    }
    this.adminToken = token;
    return token;
  }
  adminToken = '';

  /** Signs a user in at web-services (POST /api/v1/auth/login) and returns its access token. */
  async signInUser(domain: string, username: string, password?: string): Promise<string> {
    const r = await http('POST', this.url('web-services', '/api/v1/auth/login'), { domain, username, ...(password ? { password } : {}) });
    if (r.status !== 200) throw new Error(`user sign-in failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken as string;
  }

  /** A call to the admin API of web-services with the administrator's token. */
  admin<T = any>(method: string, path: string, body?: unknown) {
    return http<T>(method, this.url('web-services', path), body, this.adminToken);
  }

  url(service: string, path: string) {
    return `http://127.0.0.1:${this.ports[service]}${path}`;
  }

  async stop() {
    await Promise.all(this.processes.map((p) => p.stop()));
    await this.nats?.stop();
    await this.db?.drop();
  }
}

/** JSON HTTP call that returns status and body, for assertions on both. */
export async function http<T = any>(method: string, url: string, body?: unknown, token?: string): Promise<{ status: number; body: T }> {
  const r = await fetch(url, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}
