import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'pg';
import { waitFor } from '@tws/testing';
import { AdminApiUnderTest } from './admin-api-harness';

/** Users and devices through the admin API of a real web-services: every field, secrets, updates, deletes. */
describe('admin API: users and devices', () => {
  const api = new AdminApiUnderTest();
  const call = (method: string, path: string, body?: unknown) => api.call(method, path, body);
  const changes = api.changes;
  let pg: Client;
  let domainId = '';
  let companyId = '';

  before(async () => {
    await api.start();
    pg = api.pg;
    companyId = (await call('POST', '/companies', { name: 'Acme' })).body.id;
    domainId = (await call('POST', `/companies/${companyId}/domains`, { name: 'paris.acme', numberingLength: 4 })).body.id;
  });
  after(() => api.stop());

  test('a user with every field and two devices; secrets are write-only, hashed or encrypted at rest', async () => {
    const r = await call('POST', `/domains/${domainId}/users`, {
      username: 'alice',
      firstName: 'Alice',
      lastName: 'Éluard',
      email: 'alice@acme.test',
      gsm: '+33 6 12 34 56 78',
      ip: '192.0.2.21',
      password: 'alice-pass',
      culture: 'fr-FR',
      voicemailPassword: '4321',
      privateFields: { '0': 'Sales', '9': 'Building B' },
      devices: [
        { number: '4001', protocol: 'CSTA', password: 'dev-secret', video: true, ccoCount: 2 },
        { number: '4101', protocol: 'SIP', softphone: true, oneNumber: true, sipUsername: 'alice', sipPassword: 'sip-secret', sipProxy: 'pbx.acme.test', sipProxyPort: 5061, stun: 'stun.acme.test:3478', realm: 'acme', expireInterval: 600, dtmfMethod: 'RFC2833', g729: true, tls: true },
      ],
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const text = JSON.stringify(r.body);
    for (const secret of ['alice-pass', '4321', 'dev-secret', 'sip-secret']) assert.ok(!text.includes(secret), `${secret} is not returned`);
    assert.equal(r.body.passwordSet, true);
    assert.equal(r.body.voicemailPasswordSet, true);
    assert.deepEqual(r.body.privateFields, { '0': 'Sales', '9': 'Building B' });
    const sip = r.body.devices.find((d: { number: string }) => d.number === '4101');
    assert.equal(sip.sipPasswordSet, true);
    assert.equal(sip.sipProxyPort, 5061);
    assert.equal(sip.dtmfMethod, 'RFC2833');
    const row = (await pg.query('SELECT password_hash, voicemail_password_sealed FROM tws_user WHERE username = $1', ['alice'])).rows[0];
    assert.match(row.password_hash, /^scrypt\$/);
    assert.match(row.voicemail_password_sealed, /^v1:/);
    const devs = (await pg.query('SELECT password_sealed, sip_password_sealed FROM device ORDER BY number')).rows;
    assert.match(devs[0].password_sealed, /^v1:/);
    assert.match(devs[1].sip_password_sealed, /^v1:/);
    const audit = JSON.stringify((await call('GET', '/audit-log?limit=5')).body);
    assert.ok(!audit.includes('dev-secret') && !audit.includes('sip-secret'));
  });

  test('bad fields are refused with a 400 naming each one, and nothing is written', async () => {
    const r = await call('POST', `/domains/${domainId}/users`, {
      username: 'bob smith',
      culture: 'french',
      privateFields: { '12': 'x' },
      devices: [{ number: '40a1', protocol: 'CSTA' }, { number: '4002', protocol: 'H323' }, { number: '4003', protocol: 'SIP', sipProxyPort: 70000 }],
    });
    assert.equal(r.status, 400);
    const paths = r.body.details.map((d: { path: string }) => d.path);
    for (const p of ['username', 'culture', 'devices.0.number', 'devices.1.protocol', 'devices.2.sipProxyPort']) assert.ok(paths.some((x: string) => x.startsWith(p)), `${p} named in ${paths}`);
    assert.ok(paths.some((x: string) => x.startsWith('privateFields')));
    assert.equal((await pg.query(`SELECT count(*)::int AS n FROM tws_user`)).rows[0].n, 1);
  });

  test('usernames and device numbers are unique in the domain (409)', async () => {
    assert.equal((await call('POST', `/domains/${domainId}/users`, { username: 'ALICE' })).status, 409);
    const r = await call('POST', `/domains/${domainId}/users`, { username: 'bob', devices: [{ number: '4001', protocol: 'CSTA' }] });
    assert.equal(r.status, 409);
    assert.match(r.body.message, /4001/);
    const bob = await call('POST', `/domains/${domainId}/users`, { username: 'bob', devices: [{ number: '4002', protocol: 'CSTA' }] });
    assert.equal(bob.status, 201);
    const dev = bob.body.devices[0];
    assert.equal((await call('PATCH', `/domains/${domainId}/users/${bob.body.id}/devices/${dev.id}`, { number: '4001' })).status, 409);
  });

  test('updates: fields change, secrets are replaced or cleared, devices are added, changed and removed', async () => {
    const alice = (await call('GET', `/domains/${domainId}/users?search=alice`)).body.items[0];
    const hashBefore = (await pg.query('SELECT password_hash FROM tws_user WHERE id = $1', [alice.id])).rows[0].password_hash;
    const r = await call('PATCH', `/domains/${domainId}/users/${alice.id}`, { lastName: 'Martin', voicemailPassword: null, password: 'new-alice-pass', enabled: false });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.lastName, 'Martin');
    assert.equal(r.body.voicemailPasswordSet, false);
    assert.equal(r.body.enabled, false);
    assert.notEqual((await pg.query('SELECT password_hash FROM tws_user WHERE id = $1', [alice.id])).rows[0].password_hash, hashBefore);
    const added = await call('POST', `/domains/${domainId}/users/${alice.id}/devices`, { number: '4201', protocol: 'VTI-XML' });
    assert.equal(added.status, 201);
    const changed = await call('PATCH', `/domains/${domainId}/users/${alice.id}/devices/${added.body.id}`, { ccoCount: 3, ip: '192.0.2.50' });
    assert.equal(changed.body.ccoCount, 3);
    assert.equal((await call('DELETE', `/domains/${domainId}/users/${alice.id}/devices/${added.body.id}`)).status, 204);
    assert.equal((await call('GET', `/domains/${domainId}/users/${alice.id}`)).body.devices.length, 2);
    await waitFor('the user change announced on NATS', () => changes.some((c) => c.entity === 'user' && c.id === alice.id && c.change === 'updated'));
  });

  test('search and paging', async () => {
    for (let i = 0; i < 25; i++) await call('POST', `/domains/${domainId}/users`, { username: `user${String(i).padStart(2, '0')}`, devices: [{ number: String(5000 + i), protocol: 'SIP' }] });
    const page = await call('GET', `/domains/${domainId}/users?offset=10&limit=10`);
    assert.equal(page.body.total, 27);
    assert.equal(page.body.items.length, 10);
    const byNumber = await call('GET', `/domains/${domainId}/users?search=5017`);
    assert.deepEqual(byNumber.body.items.map((u: { username: string }) => u.username), ['user17']);
    assert.equal((await call('GET', `/domains/${domainId}/users?limit=9999`)).status, 400);
  });

  test('deleting: a user goes with its devices, memberships and authorizations; a domain with users or a company with domains is refused', async () => {
    const bob = (await call('GET', `/domains/${domainId}/users?search=bob`)).body.items[0];
    const group = (await pg.query(`INSERT INTO tws_group (domain_id, name) VALUES ($1, 'Sales') RETURNING id`, [domainId])).rows[0].id;
    await pg.query('INSERT INTO group_member (group_id, user_id) VALUES ($1, $2)', [group, bob.id]);
    await pg.query(
      `INSERT INTO "authorization" (company_id, object_type, object_ref, subject_type, subject_id, subject_domain_id)
       VALUES ($1, 'application', 'caller', 'user', $2, $3), ($1, 'call-log', $2::text, 'group', $4, $3)`,
      [companyId, bob.id, domainId, group],
    );
    assert.equal((await call('DELETE', `/domains/${domainId}/users/${bob.id}`)).status, 204);
    const left = (await pg.query(
      `SELECT (SELECT count(*) FROM device WHERE user_id = $1) + (SELECT count(*) FROM group_member WHERE user_id = $1)
            + (SELECT count(*) FROM "authorization" WHERE subject_id = $1 OR object_ref = $1::text) AS n`,
      [bob.id],
    )).rows[0].n;
    assert.equal(Number(left), 0, 'no orphan rows');
    const domain = await call('DELETE', `/domains/${domainId}`);
    assert.equal(domain.status, 409);
    assert.match(domain.body.message, /user\(s\)/);
    assert.equal((await call('DELETE', `/companies/${companyId}`)).status, 409);
    const empty = (await call('POST', `/companies/${companyId}/domains`, { name: 'empty.acme' })).body.id;
    assert.equal((await call('PATCH', `/domains/${empty}`, { numberingLength: 5 })).body.numberingLength, 5);
    assert.equal((await call('DELETE', `/domains/${empty}`)).status, 204);
    assert.equal((await call('GET', `/domains/${empty}`)).status, 404);
  });
});
