import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Logger } from '@tws/logging';

export const DEMO = {
  company: 'Demo Company',
  domain: 'demo.local',
  /** TWS passwords (guide 6.4) are public, like the rest of the demo: never run --demo on a real installation. */
  users: [
    { username: 'alice', firstName: 'Alice', lastName: 'Martin', device: '4001', password: 'demo-alice' },
    { username: 'bob', firstName: 'Bob', lastName: 'Durand', device: '4002', password: 'demo-bob' },
    { username: 'carol', firstName: 'Carol', lastName: 'Bernard', device: '4003', password: 'demo-carol' },
  ],
  /**
   * A phone queue (hunt group) of the simulator whose members are alice's and bob's devices; a call
   * waits up to 30 s for one of them, then fails (no overflow). The demo declares it as a phone
   * queue, so cstaservices monitors it; part of the simulated network calls dial it.
   */
  queue: { name: 'Demo support', number: '4900', members: ['4001', '4002'], maxWaitMs: 30_000 },
  pbxUser: 'demo',
  pbxPassword: 'demo-pbx-secret',
};

/** How to use the toolkit as a demo user: sign in, then call with the access token (printed at start, and in the README). */
export function demoToolkitExample(toolkitUrl: string): string[] {
  const alice = DEMO.users[0]!;
  return [
    `  ${`Sign in as ${alice.username}:`.padEnd(24)}TOKEN=$(curl -s ${toolkitUrl}/toolkit/v1/auth/login -H 'content-type: application/json' -d '{"domain":"${DEMO.domain}","username":"${alice.username}","password":"${alice.password}"}' | sed -E 's/.*"accessToken":"([^"]+)".*/\\1/')`,
    `  Watch a call log grow:  curl -H "Authorization: Bearer $TOKEN" ${toolkitUrl}/toolkit/v1/call-logs`,
    `  Place a call:           curl -X POST ${toolkitUrl}/toolkit/v1/calls -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"destination":"+33155171889"}'`,
  ];
}

export interface DemoHandle {
  simulatorHttp: string;
  /** Password of the default administrator `tws` (set by the demo on a fresh installation). */
  adminPassword: string;
  stop(): Promise<void>;
}

/**
 * Demo mode: starts the PBX simulator with a queue and a traffic generator, then configures a
 * demo company, domain, users with devices, the phone queue and a CSTA link to the simulator
 * through the admin API, exactly as an admin would. Idempotent: what exists already is reused.
 */
export async function startDemo(opts: {
  distRoot: string;
  logDir: string;
  varDir: string;
  webServicesUrl: string;
  cstaPort: number;
  httpPort: number;
  logger: Logger;
}): Promise<DemoHandle> {
  const { logger } = opts;
  const sim = spawn(
    process.execPath,
    [
      join(opts.distRoot, 'tools/pbx-simulator/src/main.js'),
      '--csta-port', String(opts.cstaPort),
      '--http-port', String(opts.httpPort),
      '--devices', DEMO.users.map((u) => u.device).join(','),
      '--queue', `${DEMO.queue.number}=${DEMO.queue.members.join(',')}:max-wait-ms=${DEMO.queue.maxWaitMs}`,
      '--username', DEMO.pbxUser,
      '--password', DEMO.pbxPassword,
      '--traffic',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TWS_PARENT_PID: String(process.pid) } },
  );
  const log = createWriteStream(join(opts.logDir, 'pbx-simulator.log'), { flags: 'a' });
  sim.stdout?.pipe(log);
  sim.stderr?.pipe(log);
  const exited = new Promise<void>((resolve) => sim.once('exit', () => resolve()));
  await waitListening(sim);
  logger.info({ cstaPort: opts.cstaPort, httpPort: opts.httpPort }, 'PBX simulator started (demo traffic on)');
  const adminPassword = await seed(opts.webServicesUrl, opts.cstaPort, opts.varDir);
  logger.info({ domain: DEMO.domain }, 'demo company, domain, users, phone queue and CSTA link configured');
  return {
    simulatorHttp: `http://127.0.0.1:${opts.httpPort}`,
    adminPassword,
    stop: async () => {
      if (sim.exitCode === null) {
        sim.kill('SIGTERM');
        await exited;
      }
    },
  };
}

function waitListening(sim: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error('PBX simulator did not start within 15 s (see var/log/pbx-simulator.log)')), 15_000);
    sim.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    sim.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`PBX simulator exited with code ${code} (port taken? set TWS_DEMO_CSTA_PORT / TWS_DEMO_SIM_HTTP_PORT)`));
    });
  });
}

async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Signs in as the default administrator. On a fresh installation its password must be changed
 * first: the demo sets a generated one, kept in var/demo-admin-password and printed.
 */
async function signIn(base: string, varDir: string): Promise<{ token: string; password: string }> {
  const file = join(varDir, 'demo-admin-password');
  const candidates = [process.env['TWS_DEMO_ADMIN_PASSWORD'], existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined, 'tws'].filter(
    (p): p is string => !!p,
  );
  for (const password of candidates) {
    const r = await fetch(`${base}/api/admin/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'tws', password }),
    });
    if (r.status === 401) continue;
    if (!r.ok) throw new Error(`demo sign-in refused: ${r.status} ${await r.text()}`);
    const session = (await r.json()) as { token: string; mustChangePassword: boolean };
    if (!session.mustChangePassword) return { token: session.token, password };
    const chosen = randomBytes(9).toString('base64url');
    await api(base, 'POST', '/api/admin/v1/auth/password', { currentPassword: password, newPassword: chosen }, session.token);
    writeFileSync(file, chosen + '\n', { mode: 0o600 });
    return { token: session.token, password: chosen };
  }
  throw new Error('demo mode cannot sign in as "tws": set TWS_DEMO_ADMIN_PASSWORD to its password');
}

async function seed(base: string, cstaPort: number, varDir: string): Promise<string> {
  type Row = { id: string; name: string };
  const { token, password } = await signIn(base, varDir);
  const get = <T>(path: string) => api<T>(base, 'GET', path, undefined, token);
  const post = <T>(path: string, body: unknown) => api<T>(base, 'POST', path, body, token);
  const companies = await get<Row[]>('/api/admin/v1/companies');
  const company = companies.find((c) => c.name === DEMO.company) ?? (await post<Row>('/api/admin/v1/companies', { name: DEMO.company }));
  const domains = await get<Row[]>(`/api/admin/v1/companies/${company.id}/domains`);
  const domain =
    domains.find((d) => d.name === DEMO.domain) ??
    (await post<Row>(`/api/admin/v1/companies/${company.id}/domains`, { name: DEMO.domain, numberingLength: 4 }));
  // The simulator, like many PBXs, presents external numbers with the outside-line prefix 0:
  // the demo domain's dialing plan removes it from incoming numbers (guide chapter 5).
  const plan = await get<{ settings: Record<string, unknown>; rules: { id: string }[] }>(`/api/admin/v1/domains/${domain.id}/dialing-plan`);
  if (plan.settings['remove'] !== '0') {
    await api(base, 'PUT', `/api/admin/v1/domains/${domain.id}/dialing-plan`, { settings: { ...plan.settings, remove: '0' }, rules: plan.rules.map(({ id: _id, ...r }) => r) }, token);
  }
  const users = await get<{ items: { id: string; username: string; passwordSet: boolean }[] }>(`/api/admin/v1/domains/${domain.id}/users?limit=500`);
  for (const u of DEMO.users) {
    const existing = users.items.find((x) => x.username === u.username);
    if (existing) {
      // Demo users of an installation seeded before they had passwords get theirs now.
      if (!existing.passwordSet) await api(base, 'PATCH', `/api/admin/v1/domains/${domain.id}/users/${existing.id}`, { password: u.password }, token);
      continue;
    }
    await post(`/api/admin/v1/domains/${domain.id}/users`, {
      username: u.username,
      firstName: u.firstName,
      lastName: u.lastName,
      password: u.password,
      devices: [{ number: u.device, protocol: 'CSTA' }],
    });
  }
  const queues = await get<{ number: string }[]>(`/api/admin/v1/domains/${domain.id}/phone-queues`);
  if (!queues.some((q) => q.number === DEMO.queue.number)) {
    await post(`/api/admin/v1/domains/${domain.id}/phone-queues`, { name: DEMO.queue.name, number: DEMO.queue.number, protocol: 'CSTA' });
  }
  const links = await get<{ host: string; port: number }[]>(`/api/admin/v1/domains/${domain.id}/csta-links`);
  if (!links.some((l) => l.host === '127.0.0.1' && l.port === cstaPort)) {
    await post(`/api/admin/v1/domains/${domain.id}/csta-links`, {
      name: 'PBX simulator',
      host: '127.0.0.1',
      port: cstaPort,
      pbxType: 'ECMA-323 XML',
      username: DEMO.pbxUser,
      password: DEMO.pbxPassword,
    });
  }
  return password;
}
