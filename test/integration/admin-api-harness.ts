import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startService, startTestNats, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';

export type Res = { status: number; body: any };

/**
 * A real web-services process on its own database and NATS, signed in as the default
 * administrator (password changed as the API demands), watching the configuration changes it
 * announces. For admin API integration tests.
 */
export class AdminApiUnderTest {
  db!: TestDatabase;
  nats!: LocalNatsServer;
  ws!: ServiceProcess;
  port = 0;
  token = '';
  messaging!: Messaging;
  /** A connection to the test database, for what the API does not show. */
  pg!: Client;
  readonly changes: ConfigChanged[] = [];
  /** TWS_SECRET_KEY of the process, to open what it sealed. */
  readonly secretKey = randomBytes(32).toString('base64');
  /** Further instances started by startAnother, stopped by stop. */
  private readonly others: ServiceProcess[] = [];

  /**
   * Starts web-services with `env` added to its environment. Unless `signIn` is false, signs in
   * as tws/tws and changes the password (to S3cure-admin); `token` is that session.
   */
  async start(env: Record<string, string> = {}, { signIn = true }: { signIn?: boolean } = {}): Promise<this> {
    this.db = await createTestDatabase();
    this.nats = await startTestNats();
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
    this.port = await freePort();
    this.ws = startService('web-services', { ...this.baseEnv(this.port), ...env });
    await waitReady(this.ws, this.port);
    this.messaging = await Messaging.connect({ servers: this.nats.url, name: 'test', logger: createLogger('test', 'silent') });
    this.messaging.subscribe(ConfigChanges, ConfigChanges.pattern, (c) => void this.changes.push(c));
    await this.messaging.nc.flush();
    if (signIn) this.token = await this.signIn('tws', 'tws', 'S3cure-admin');
    return this;
  }

  /**
   * Another web-services on the same database and NATS (same TWS_SECRET_KEY, not the extra env
   * given to start: pass what it needs in `env`). Waits until it is ready unless `ready` is false
   * (for a process expected to stop at start). Stopped by stop.
   */
  async startAnother(env: Record<string, string> = {}, { ready = true }: { ready?: boolean } = {}): Promise<{ port: number; process: ServiceProcess }> {
    const port = await freePort();
    const process = startService('web-services', { ...this.baseEnv(port), ...env });
    this.others.push(process);
    if (ready) await waitReady(process, port);
    return { port, process };
  }

  /** `<path>` as is (no prefix) at `port`, with `token` if any; status and parsed body. */
  async raw(method: string, path: string, body?: unknown, token = this.token, port = this.port): Promise<Res> {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  }

  /** `/api/admin/v1<path>` with the administrator's token (or `token`; '' for none); status and parsed body. */
  call(method: string, path: string, body?: unknown, token = this.token, port = this.port): Promise<Res> {
    return this.raw(method, `/api/admin/v1${path}`, body, token, port);
  }

  /** Signs an administrator in for the first time, changing the password as demanded; the token. */
  async signIn(username: string, password: string, newPassword: string): Promise<string> {
    const s = await this.call('POST', '/auth/login', { username, password }, '');
    if (s.status !== 200) throw new Error(`sign-in of ${username} refused: ${s.status} ${JSON.stringify(s.body)}`);
    const changed = await this.call('POST', '/auth/password', { currentPassword: password, newPassword }, s.body.token);
    if (changed.status !== 200) throw new Error(`password change of ${username} refused: ${changed.status} ${JSON.stringify(changed.body)}`);
    return s.body.token as string;
  }

  async stop(): Promise<void> {
    await this.messaging?.drain();
    await Promise.all([this.ws?.stop(), ...this.others.map((p) => p.stop())]);
    await this.pg?.end();
    await this.nats?.stop();
    await this.db?.drop();
  }

  private baseEnv(port: number): Record<string, string> {
    return { DATABASE_URL: this.db.url, NATS_URL: this.nats.url, HTTP_PORT: String(port), TWS_SECRET_KEY: this.secretKey, LOG_LEVEL: 'warn' };
  }
}
