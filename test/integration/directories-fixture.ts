import assert from 'node:assert/strict';
import type { Client } from 'pg';
import type { Messaging } from '@tws/messaging';
import { waitFor, type ServiceProcess, type TestDatabase } from '@tws/testing';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

export type { Res };

/**
 * A real web-services process on real Postgres and NATS (AdminApiUnderTest), signed in as the
 * default administrator (password changed), with the helpers the directories tests share. Its
 * `call` takes the whole path (`/api/admin/v1/...` or `/api/v1/...`).
 */
export class DirectoriesFixture {
  readonly api = new AdminApiUnderTest();
  get db(): TestDatabase {
    return this.api.db;
  }
  get ws(): ServiceProcess {
    return this.api.ws;
  }
  get pg(): Client {
    return this.api.pg;
  }
  get m(): Messaging {
    return this.api.messaging;
  }
  get root(): string {
    return this.api.token;
  }

  async start(env: Record<string, string> = {}): Promise<void> {
    await this.api.start(env);
  }

  stop(): Promise<void> {
    return this.api.stop();
  }

  call = (method: string, path: string, body?: unknown, token = this.root): Promise<Res> => this.api.raw(method, path, body, token);

  /** The body of a call that must answer `status`; on a 500 the service's log says why. */
  ok = async (p: Promise<Res>, status = 200): Promise<any> => {
    const r = await p;
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${this.ws.output().slice(-4000)}` : ''}`);
    return r.body;
  };

  signIn(username: string, password: string, newPassword: string): Promise<string> {
    return this.api.signIn(username, password, newPassword);
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
