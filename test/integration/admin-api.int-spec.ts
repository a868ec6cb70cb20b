import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import type { Client } from 'pg';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

/**
 * The admin API of web-services as a real process: sign-in with the default administrator,
 * forced password change, throttling without user enumeration, tenant isolation walked over the
 * whole route table, audit log with masked secrets.
 */
describe('admin API: administrators, sign-in and tenant isolation', () => {
  // Not signed in by the harness: the first sign-in with tws/tws is what this test checks.
  const api = new AdminApiUnderTest();
  let pg: Client;
  let root = '';
  const ids: Record<string, string> = {};

  const call = (method: string, path: string, body?: unknown, token = ''): Promise<Res> => api.raw(method, path, body, token);
  const login = (username: string, password: string) => call('POST', '/api/admin/v1/auth/login', { username, password });

  before(async () => {
    await api.start({}, { signIn: false });
    pg = api.pg;
  });
  after(() => api.stop());

  test('without a session every admin route answers 401 saying how to sign in', async () => {
    const r = await call('GET', '/api/admin/v1/companies');
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'unauthenticated');
    assert.match(r.body.message, /auth\/login/);
    assert.equal((await call('GET', '/api/admin/v1/companies', undefined, 'twsa_forged')).status, 401);
  });

  test('first sign-in with tws/tws: the password must be changed before anything else', async () => {
    const first = await login('tws', 'tws');
    assert.equal(first.status, 200);
    assert.equal(first.body.mustChangePassword, true);
    assert.equal(first.body.bootMode, true, 'boot mode: no company and domain yet');
    const other = await login('tws', 'tws'); // a second session, revoked by the change below
    const blocked = await call('GET', '/api/admin/v1/companies', undefined, first.body.token);
    assert.equal(blocked.status, 403);
    assert.equal(blocked.body.error, 'password_change_required');
    assert.equal((await call('GET', '/api/admin/v1/auth/me', undefined, first.body.token)).body.mustChangePassword, true);
    const weak = await call('POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'tws' }, first.body.token);
    assert.equal(weak.status, 400);
    const short = await call('POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'abc' }, first.body.token);
    assert.equal(short.status, 400);
    assert.equal(short.body.details[0].path, 'newPassword');
    const changed = await call('POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'S3cure-admin' }, first.body.token);
    assert.equal(changed.status, 200);
    assert.equal((await call('GET', '/api/admin/v1/companies', undefined, first.body.token)).status, 200, 'this session goes on');
    assert.equal((await call('GET', '/api/admin/v1/companies', undefined, other.body.token)).status, 401, 'the other session is revoked');
    assert.equal((await login('tws', 'tws')).status, 401, 'the default password no longer works');
    root = first.body.token;
  });

  test('wrong password and unknown user look the same, and repeated failures lock the name', async () => {
    const wrong = await login('tws', 'nope');
    const unknown = await login('nobody', 'nope');
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown, wrong);
    for (let i = 0; i < 5; i++) await login('ghost', 'nope');
    const locked = await login('ghost', 'nope');
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error, 'too_many_attempts');
    // The lock is per name: the real administrator can still sign in.
    assert.equal((await login('tws', 'S3cure-admin')).status, 200);
  });

  test('a super user sets up two companies and an administrator limited to the first', async () => {
    for (const c of ['A', 'B']) {
      const company = await call('POST', '/api/admin/v1/companies', { name: `Company ${c}` }, root);
      assert.equal(company.status, 201);
      ids[`company${c}`] = company.body.id;
      const domain = await call('POST', `/api/admin/v1/companies/${company.body.id}/domains`, { name: `${c.toLowerCase()}.local` }, root);
      ids[`domain${c}`] = domain.body.id;
      const user = await call('POST', `/api/admin/v1/domains/${domain.body.id}/users`, { username: 'alice', devices: [{ number: '4001', protocol: 'CSTA' }] }, root);
      ids[`user${c}`] = user.body.id;
      const link = await call('POST', `/api/admin/v1/domains/${domain.body.id}/csta-links`, { name: 'pbx', host: '192.0.2.10', pbxType: 'Alcatel 4400', password: `pbx-secret-${c}` }, root);
      assert.equal(link.status, 201);
      assert.equal(link.body.port, 2555, 'the default port of the PBX type');
      assert.equal(link.body.passwordSet, true);
      assert.ok(!JSON.stringify(link.body).includes('pbx-secret'));
      ids[`link${c}`] = link.body.id;
    }
    const stored = await pg.query('SELECT password_sealed FROM csta_link');
    assert.ok(stored.rows.every((r) => r.password_sealed.startsWith('v1:') && !r.password_sealed.includes('pbx-secret')), 'sealed at rest');
    assert.equal((await call('GET', '/api/admin/v1/auth/me', undefined, root)).body.bootMode, false, 'boot mode ends with the first domain');
    const admA = await call('POST', '/api/admin/v1/admin-users', { username: 'adm-a', password: 'first-pass-a', companyIds: [ids['companyA']] }, root);
    assert.equal(admA.status, 201);
    assert.equal(admA.body.mustChangePassword, true);
    assert.equal(admA.body.password, undefined);
    const dup = await call('POST', '/api/admin/v1/admin-users', { username: 'ADM-A', password: 'first-pass-a' }, root);
    assert.equal(dup.status, 409);
  });

  test("the limited administrator gets 404 for every object of the other company, on every route", async () => {
    const s = await login('adm-a', 'first-pass-a');
    await call('POST', '/api/admin/v1/auth/password', { currentPassword: 'first-pass-a', newPassword: 'second-pass-a' }, s.body.token);
    const token = s.body.token as string;

    const companies = await call('GET', '/api/admin/v1/companies', undefined, token);
    assert.deepEqual(companies.body.map((c: { name: string }) => c.name), ['Company A']);

    // Walk the whole admin route table from the OpenAPI document, with company B's ids.
    const doc = (await call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const bodies: Record<string, unknown> = {
      domains: { name: 'intruder.local' },
      users: { username: 'intruder' },
      'csta-links': { name: 'x', host: '192.0.2.99', pbxType: 'Alcatel 4400' },
    };
    // Known ids of company B; any other path parameter gets a random uuid: the tenant check on
    // the company or domain in the URL must answer 404 before anything looks at the rest.
    const fill = (path: string) =>
      path
        .replace('{companyId}', ids['companyB']!)
        .replace('{domainId}', ids['domainB']!)
        .replace('{userId}', ids['userB']!)
        .replace('{linkId}', ids['linkB']!)
        .replace(/\{\w+\}/g, () => crypto.randomUUID());
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!/\{(companyId|domainId)\}/.test(path)) continue;
      for (const method of Object.keys(methods)) {
        const last = path.split('/').filter((p) => !p.startsWith('{')).pop()!;
        const r = await call(method.toUpperCase(), fill(path), ['post', 'put', 'patch'].includes(method) ? (bodies[last] ?? {}) : undefined, token);
        assert.equal(r.status, 404, `${method.toUpperCase()} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(!JSON.stringify(r.body).includes('Company B'));
        walked++;
      }
    }
    assert.ok(walked >= 9, `walked ${walked} routes`); // every tenant-scoped route of the API today
    const intruders = await pg.query(`SELECT (SELECT count(*) FROM domain WHERE name = 'intruder.local') + (SELECT count(*) FROM tws_user WHERE username = 'intruder') AS n`);
    assert.equal(Number(intruders.rows[0].n), 0, 'nothing was written in company B');

    // Its own company works; global menus are for super users.
    assert.equal((await call('GET', `/api/admin/v1/domains/${ids['domainA']}/users`, undefined, token)).status, 200);
    assert.equal((await call('POST', '/api/admin/v1/companies', { name: 'Mine' }, token)).status, 403);
    assert.equal((await call('GET', '/api/admin/v1/admin-users', undefined, token)).status, 403);
  });

  test('the audit log says who changed what, masks secrets, and is scoped like the rest', async () => {
    const all = await call('GET', '/api/admin/v1/audit-log?limit=200', undefined, root);
    const linkCreation = all.body.find((e: { entity: string; action: string; companyId: string }) => e.entity === 'csta-link' && e.companyId === ids['companyA']);
    assert.equal(linkCreation.adminUsername, 'tws');
    assert.equal(linkCreation.after.password, '***');
    assert.ok(!JSON.stringify(all.body).includes('pbx-secret') && !JSON.stringify(all.body).includes('first-pass-a'));
    const s = await login('adm-a', 'second-pass-a');
    const scoped = await call('GET', '/api/admin/v1/audit-log?limit=200', undefined, s.body.token);
    assert.ok(scoped.body.length > 0);
    assert.ok(scoped.body.every((e: { companyId: string }) => e.companyId === ids['companyA']));
  });

  test('the last super user cannot be demoted or delete itself', async () => {
    const me = (await call('GET', '/api/admin/v1/auth/me', undefined, root)).body;
    assert.equal((await call('PATCH', `/api/admin/v1/admin-users/${me.id}`, { superUser: false }, root)).status, 409);
    assert.equal((await call('DELETE', `/api/admin/v1/admin-users/${me.id}`, undefined, root)).status, 409);
  });
});
