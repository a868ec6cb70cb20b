import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startService, startTestNats, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';

/** The build this file belongs to (the repository's dist/ or a private one). */
const DIST_ROOT = resolve(__dirname, '../..');

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
  readonly changes: ConfigChanged[] = [];
  /** TWS_SECRET_KEY of the process, to open what it sealed. */
  readonly secretKey = randomBytes(32).toString('base64');

  async start(env: Record<string, string> = {}): Promise<this> {
    this.db = await createTestDatabase();
    this.nats = await startTestNats();
    this.port = await freePort();
    this.ws = startService('web-services', {
      DATABASE_URL: this.db.url,
      NATS_URL: this.nats.url,
      HTTP_PORT: String(this.port),
      TWS_SECRET_KEY: this.secretKey,
      LOG_LEVEL: 'warn',
      ...env,
    }, DIST_ROOT);
    await waitReady(this.ws, this.port);
    this.messaging = await Messaging.connect({ servers: this.nats.url, name: 'test', logger: createLogger('test', 'silent') });
    this.messaging.subscribe(ConfigChanges, ConfigChanges.pattern, (c) => void this.changes.push(c));
    this.token = (await this.call('POST', '/auth/login', { username: 'tws', password: 'tws' })).body.token;
    await this.call('POST', '/auth/password', { currentPassword: 'tws', newPassword: 'S3cure-admin' });
    return this;
  }

  /** `/api/admin/v1<path>` with the administrator's token (or `token`); status and parsed body. */
  async call(method: string, path: string, body?: unknown, token = this.token): Promise<{ status: number; body: any }> {
    const r = await fetch(`http://127.0.0.1:${this.port}/api/admin/v1${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Signs another administrator in for the first time, changing the password as demanded; the token. */
  async signIn(username: string, password: string, newPassword: string): Promise<string> {
    const s = await this.call('POST', '/auth/login', { username, password }, '');
    if (s.status !== 200) throw new Error(`sign-in of ${username} refused: ${s.status} ${JSON.stringify(s.body)}`);
    const changed = await this.call('POST', '/auth/password', { currentPassword: password, newPassword }, s.body.token);
    if (changed.status !== 200) throw new Error(`password change of ${username} refused: ${changed.status} ${JSON.stringify(changed.body)}`);
    return s.body.token as string;
  }

  async stop(): Promise<void> {
    await this.messaging?.drain();
    await this.ws?.stop();
    await this.nats?.stop();
    await this.db?.drop();
  }
}
