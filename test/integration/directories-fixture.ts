import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { createLogger } from '@tws/logging';
import { Messaging, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startService, startTestNats, waitFor, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';

export type Res = { status: number; body: any };

/**
 * A real web-services process on real Postgres and NATS, signed in as the default administrator
 * (password changed), with the helpers the directories tests share.
 */
export class DirectoriesFixture {
  db!: TestDatabase;
  nats!: LocalNatsServer;
  ws!: ServiceProcess;
  port = 0;
  pg!: Client;
  m!: Messaging;
  root = '';

  async start(env: Record<string, string> = {}): Promise<void> {
    this.db = await createTestDatabase();
    this.nats = await startTestNats();
    this.pg = new Client({ connectionString: this.db.url });
    await this.pg.connect();
    this.port = await freePort();
    this.ws = startService(
      'web-services',
      { DATABASE_URL: this.db.url, NATS_URL: this.nats.url, HTTP_PORT: String(this.port), TWS_SECRET_KEY: randomBytes(32).toString('base64'), LOG_LEVEL: 'warn', ...env },
      resolve(__dirname, '../..'),
    );
    await waitReady(this.ws, this.port);
    this.m = await Messaging.connect({ servers: this.nats.url, name: 'directories-test', logger: createLogger('web-services', 'silent') });
    this.root = await this.signIn('tws', 'tws', 'S3cure-admin');
  }

  async stop(): Promise<void> {
    await this.m?.drain();
    await this.ws?.stop();
    await this.pg?.end();
    await this.nats?.stop();
    await this.db?.drop();
  }

  call = async (method: string, path: string, body?: unknown, token = this.root): Promise<Res> => {
    const r = await fetch(`http://127.0.0.1:${this.port}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };

  /** The body of a call that must answer `status`; on a 500 the service's log says why. */
  ok = async (p: Promise<Res>, status = 200): Promise<any> => {
    const r = await p;
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${this.ws.output().slice(-4000)}` : ''}`);
    return r.body;
  };

  async signIn(username: string, password: string, newPassword: string): Promise<string> {
    const s = await this.call('POST', '/api/admin/v1/auth/login', { username, password });
    assert.equal(s.status, 200, JSON.stringify(s.body));
    await this.ok(this.call('POST', '/api/admin/v1/auth/password', { currentPassword: password, newPassword }, s.body.token));
    return s.body.token as string;
  }

  /** A company with a domain (French dialing plan, 4-digit extensions). */
  async company(name: string): Promise<{ companyId: string; domainId: string }> {
    const companyId = (await this.ok(this.call('POST', '/api/admin/v1/companies', { name }), 201)).id;
    const domainId = (await this.ok(this.call('POST', `/api/admin/v1/companies/${companyId}/domains`, { name: `${name.toLowerCase().replace(/\W+/g, '-')}.dir.test` }), 201)).id;
    return { companyId, domainId };
  }

  async user(domainId: string, username: string, extra: object = {}): Promise<string> {
    return (await this.ok(this.call('POST', `/api/admin/v1/domains/${domainId}/users`, { username, ...extra }), 201)).id;
  }

  /** Lets users / groups see a directory (guide 7.4.2). */
  async grant(companyId: string, directoryId: string, directoryDomainId: string, subjects: { type: 'user' | 'group'; id: string }[]): Promise<void> {
    await this.ok(this.call('POST', `/api/admin/v1/companies/${companyId}/authorizations`, { objectType: 'directory', objectRef: directoryId, objectDomainId: directoryDomainId, subjects }), 201);
  }

  dirs = (domainId: string) => `/api/admin/v1/domains/${domainId}/directories`;

  /** Starts a synchronization and waits for its end; returns the run's report. */
  async sync(domainId: string, directoryId: string): Promise<any> {
    const run = await this.ok(this.call('POST', `${this.dirs(domainId)}/${directoryId}/sync`), 202);
    return this.runEnd(domainId, directoryId, run.id);
  }

  async runEnd(domainId: string, directoryId: string, runId: string, timeoutMs = 60_000): Promise<any> {
    return waitFor(
      `synchronization ${runId} to end`,
      async () => {
        const r = await this.ok(this.call('GET', `${this.dirs(domainId)}/${directoryId}/sync-runs/${runId}`));
        return r.status === 'running' ? undefined : r;
      },
      timeoutMs,
      50,
    );
  }

  async contactCount(directoryId: string): Promise<number> {
    return Number((await this.pg.query('SELECT count(*) AS n FROM contact WHERE directory_id = $1', [directoryId])).rows[0].n);
  }

  search = (domainId: string, userId: string, query: string, extra = '') =>
    this.ok(this.call('GET', `/api/admin/v1/domains/${domainId}/users/${userId}/directory-search?query=${encodeURIComponent(query)}${extra}`));

  lookup = (domainId: string, userId: string, number: string, extra = '') =>
    this.ok(this.call('GET', `/api/admin/v1/domains/${domainId}/users/${userId}/directory-lookup?number=${encodeURIComponent(number)}${extra}`));
}
