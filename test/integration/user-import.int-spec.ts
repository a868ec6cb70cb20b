import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { freePort, startTestSlapd, waitFor, type TestSlapd } from '@tws/testing';
import { AdminApiUnderTest } from './admin-api-harness';

/**
 * User import (guide 7.2) through the admin API of a real web-services, from a real OpenLDAP
 * slapd capped at 5 entries per unpaged search: the four synchronization types on one evolving
 * source, users without a number and numbers already used ignored with the reason, the number
 * customized with the domain's dialing plan, add-in-group, a preview that changes nothing, a
 * refused bind that changes nothing, one run at a time, bad input and tenant isolation.
 */
describe('user import from LDAP', () => {
  const api = new AdminApiUnderTest();
  const call = (method: string, path: string, body?: unknown, token?: string) => api.call(method, path, body, token);
  let ldap: TestSlapd;
  let pg: Client;
  let domainId = '';
  let companyId = '';
  let groupId = '';
  let importId = '';
  const READER = 'reader-secret';
  const imports = () => `/domains/${domainId}/user-imports`;

  const entry = (uid: string, attrs: Record<string, string>) =>
    [
      `dn: uid=${uid},ou=people,${ldap.suffix}`,
      'objectClass: inetOrgPerson',
      `uid: ${uid}`,
      `cn: ${uid}`,
      ...Object.entries(attrs).map(([k, v]) => (/^[\x20-\x7e]*$/.test(v) ? `${k}: ${v}` : `${k}:: ${Buffer.from(v).toString('base64')}`)),
    ].join('\n') + '\n';
  const asRoot = async (fn: (c: LdapClient) => Promise<void>) => {
    const c = new LdapClient({ url: ldap.url });
    await c.bind(ldap.rootDn, ldap.rootPassword);
    try {
      await fn(c);
    } finally {
      await c.unbind();
    }
  };
  const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
    const r = await p;
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${api.ws.output().slice(-3000)}` : ''}`);
    return r.body;
  };
  /** Runs the import and waits for its report. */
  const run = async (body: object = {}) => {
    const started = await ok(call('POST', `${imports()}/${importId}/run`, body), 202);
    assert.equal(started.status, 'running');
    return waitFor(
      'the import run to end',
      async () => {
        const r = await ok(call('GET', `${imports()}/${importId}/runs/${started.id}`));
        return r.status === 'running' ? undefined : r;
      },
      30_000,
      50,
    );
  };
  const counts = (r: any) => ({ created: r.created, updated: r.updated, disabled: r.disabled, deleted: r.deleted, ignored: r.ignored });
  /** The domain's users: login → enabled, number(s), group membership. */
  const users = async () => {
    const rows = await pg.query(
      `SELECT u.username, u.enabled, u.last_name, u.culture, string_agg(d.number || '/' || d.protocol, ',' ORDER BY d.number) AS devices,
              EXISTS (SELECT 1 FROM group_member m WHERE m.user_id = u.id AND m.group_id = $2) AS in_group
         FROM tws_user u LEFT JOIN device d ON d.user_id = u.id WHERE u.domain_id = $1 GROUP BY u.id ORDER BY u.username`,
      [domainId, groupId],
    );
    return Object.fromEntries(rows.rows.map((r) => [r.username, { enabled: r.enabled, lastName: r.last_name, culture: r.culture, devices: r.devices, inGroup: r.in_group }]));
  };
  const snapshot = async () => (await pg.query(`SELECT u.*, (SELECT json_agg(d ORDER BY d.id) FROM device d WHERE d.user_id = u.id) AS devices FROM tws_user u ORDER BY u.id`)).rows;

  before(async () => {
    ldap = await startTestSlapd({ sizeLimit: 5 });
    ldap.add(
      [
        `dn: ou=people,${ldap.suffix}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: cn=reader,${ldap.suffix}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${READER}\n`,
        entry('alice', { sn: 'Martin', givenName: 'Alice', mail: 'alice@example.com', telephoneNumber: '+33 1 55 17 18 89', preferredLanguage: 'fr_FR' }),
        entry('bob', { sn: 'Durand', givenName: 'Bob', telephoneNumber: '+33 1 55 17 18 90' }),
        entry('carol', { sn: 'Petit', givenName: 'Carol', telephoneNumber: '01 55 17 18 91' }),
        entry('hdene', { sn: 'Déné', givenName: 'Hélène', telephoneNumber: '+33 1 55 17 18 92' }),
        entry('nonum', { sn: 'Sans', givenName: 'Numéro' }),
        entry('taken', { sn: 'Taken', telephoneNumber: '+33 1 55 17 18 95' }),
      ].join('\n'),
    );
    await api.start({ USER_IMPORT_TICK_MS: '200' });
    pg = api.pg;
    companyId = (await ok(call('POST', '/companies', { name: 'Import Corp' }), 201)).id;
    domainId = (await ok(call('POST', `/companies/${companyId}/domains`, { name: 'import.test', numberingLength: 4 }), 201)).id;
    // A user created by hand: the import never touches it; its number is taken.
    await ok(call('POST', `/domains/${domainId}/users`, { username: 'zed', lastName: 'Manual', devices: [{ number: '1895', protocol: 'CSTA' }] }), 201);
    groupId = (await ok(call('POST', `/domains/${domainId}/groups`, { name: 'Imported' }), 201)).id;
    // The DDI range 01 55 17 18 xx reaches the 4-digit extensions 18xx.
    const plan = await ok(call('GET', `/domains/${domainId}/dialing-plan`));
    await ok(
      call('PUT', `/domains/${domainId}/dialing-plan`, {
        settings: plan.settings,
        rules: [
          ...plan.rules.map(({ id: _id, ...r }: { id: string }) => r),
          { priority: 5, name: 'DDI to extension', pattern: '[\\+3315517(\\d{4})$]', value: '$1' },
          { priority: 6, name: 'DDI to extension (national)', pattern: '[015517(\\d{4})$]', value: '$1' },
        ],
      }),
    );
  });
  after(async () => {
    await api.stop();
    await ldap?.stop();
  });

  test('bad definitions are refused with every reason at once', async () => {
    const bad = await call('POST', imports(), {
      description: 'People',
      connector: { host: 'not a host', baseDn: 'people' },
      fields: { username: 'uid', number: '' },
      groupId: '00000000-0000-4000-8000-000000000000',
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path), ['connector.host', 'connector.baseDn', 'fields.number', 'groupId']);
    assert.equal((await call('POST', imports(), { description: 'x', syncType: 'everything', connector: {} })).status, 400);
    assert.equal((await call('POST', imports(), { description: 'x', connector: { host: '127.0.0.1', baseDn: 'dc=x', bindDn: 'cn=reader,dc=x' } })).status, 400, 'a bind user needs a password');
    assert.equal(Number((await pg.query('SELECT count(*) AS n FROM user_import')).rows[0].n), 0);
  });

  test('an import is created with the LDAP defaults and its password sealed, write-only', async () => {
    const created = await ok(
      call('POST', imports(), {
        description: 'OpenLDAP people',
        sourceType: 'ldap',
        syncType: 'insert-update',
        connector: { host: '127.0.0.1', port: ldap.port, bindDn: `cn=reader,${ldap.suffix}`, baseDn: `ou=people,${ldap.suffix}`, filter: '(objectClass=inetOrgPerson)', pageSize: 2 },
        password: READER,
        fields: { username: 'uid', lastName: 'sn', firstName: 'givenName', email: 'mail', number: 'telephoneNumber', culture: 'preferredLanguage' },
        device: { protocol: 'SIP', video: true },
        groupId,
        customizeNumber: true,
      }),
      201,
    );
    importId = created.id;
    assert.equal(created.passwordSet, true);
    assert.ok(!JSON.stringify(created).includes(READER));
    assert.deepEqual([created.device.protocol, created.device.video, created.culture, created.customizeNumber], ['SIP', true, 'auto', true]);
    const stored = (await pg.query('SELECT password_sealed FROM user_import WHERE id = $1', [importId])).rows[0].password_sealed;
    assert.ok(stored.startsWith('v1:') && !stored.includes(READER), 'sealed at rest');
    assert.equal((await call('POST', imports(), { description: 'OPENLDAP PEOPLE', connector: { host: '127.0.0.1', baseDn: 'dc=x' } })).status, 409, 'descriptions are unique in the domain');
    const ad = await ok(call('POST', imports(), { description: 'AD', sourceType: 'active-directory', connector: { host: 'dc1.example.com', baseDn: 'dc=example,dc=com' } }), 201);
    assert.equal(ad.fields.username, 'samaccountname', 'Active Directory standard fields are pre-filled');
    await ok(call('DELETE', `${imports()}/${ad.id}`), 204);
  });

  test('a preview reports what would happen and changes nothing', async () => {
    const before = await snapshot();
    const r = await run({ dryRun: true });
    assert.equal(r.status, 'succeeded', JSON.stringify(r));
    assert.equal(r.dryRun, true);
    assert.deepEqual(counts(r), { created: 4, updated: 0, disabled: 0, deleted: 0, ignored: 2 });
    assert.deepEqual(await snapshot(), before);
  });

  test('Insert and update: users are created with their customized number, device, culture and group; no number → ignored with the reason', async () => {
    const r = await run();
    assert.equal(r.status, 'succeeded', JSON.stringify(r));
    assert.equal(r.read, 6, 'every entry, though the server caps unpaged searches at 5');
    assert.deepEqual(counts(r), { created: 4, updated: 0, disabled: 0, deleted: 0, ignored: 2 });
    assert.deepEqual(
      r.ignoredReasons.map((l: { reason: string; examples: string[] }) => `${l.reason} (${l.examples.join(', ')})`).sort(),
      [`no telephone number (uid=nonum,ou=people,${ldap.suffix})`, `the number 1895 is already used in the domain by the device of the user "zed" (uid=taken,ou=people,${ldap.suffix})`],
    );
    assert.deepEqual(r.details.created.sort(), ['alice', 'bob', 'carol', 'hdene']);
    const u = await users();
    assert.deepEqual(u['alice'], { enabled: true, lastName: 'Martin', culture: 'fr-FR', devices: '1889/SIP', inGroup: true }, '+33 1 55 17 18 89 → 1889 with the dialing plan');
    assert.deepEqual(u['carol'], { enabled: true, lastName: 'Petit', culture: 'en-US', devices: '1891/SIP', inGroup: true });
    assert.equal(u['hdene']!.lastName, 'Déné');
    assert.deepEqual(u['zed'], { enabled: true, lastName: 'Manual', culture: 'en-US', devices: '1895/CSTA', inGroup: false });
    const alice = (await pg.query(`SELECT email, first_name, password_hash FROM tws_user WHERE username = 'alice'`)).rows[0];
    assert.deepEqual(alice, { email: 'alice@example.com', first_name: 'Alice', password_hash: null }, 'no TWS password: the administrator sets it (6.4)');
    await waitFor('the changes announced', () => api.changes.some((c) => c.entity === 'user' && c.change === 'created' && c.domainId === domainId) && api.changes.some((c) => c.entity === 'user-import'));
    const audit = await ok(call('GET', '/audit-log?limit=20'));
    assert.ok(audit.some((e: { entity: string; after: { created?: number } }) => e.entity === 'user-import-run' && e.after.created === 4));

    const again = await run();
    assert.deepEqual(counts(again), { created: 0, updated: 0, disabled: 0, deleted: 0, ignored: 2 }, 'a second run changes nothing');
    assert.equal(again.unchanged, 4);
  });

  test('Update only: existing users are updated, new entries are not created, vanished ones stay', async () => {
    await asRoot(async (c) => {
      await c.modify(`uid=bob,ou=people,${ldap.suffix}`, [new Change({ operation: 'replace', modification: new Attribute({ type: 'sn', values: ['Durand-Leroy'] }) })]);
      await c.del(`uid=carol,ou=people,${ldap.suffix}`);
    });
    ldap.add(entry('dave', { sn: 'Moreau', telephoneNumber: '+33 1 55 17 18 93' }));
    await ok(call('PATCH', `${imports()}/${importId}`, { syncType: 'update' }));
    const r = await run();
    assert.deepEqual(counts(r), { created: 0, updated: 1, disabled: 0, deleted: 0, ignored: 3 });
    assert.ok(r.ignoredReasons.some((l: { reason: string }) => l.reason === 'no TWS user has this ID or the login "dave" (Update only creates no user)'));
    const u = await users();
    assert.equal(u['bob']!.lastName, 'Durand-Leroy');
    assert.equal(u['dave'], undefined);
    assert.equal(u['carol']!.enabled, true);
  });

  test('Insert and update: the new entry is created, the vanished user stays enabled', async () => {
    await ok(call('PATCH', `${imports()}/${importId}`, { syncType: 'insert-update' }));
    const r = await run();
    assert.deepEqual(counts(r), { created: 1, updated: 0, disabled: 0, deleted: 0, ignored: 2 });
    const u = await users();
    assert.deepEqual([u['dave']?.devices, u['carol']!.enabled], ['1893/SIP', true]);
  });

  test('Insert, update and disable: the vanished user is disabled, and enabled again when it comes back', async () => {
    await ok(call('PATCH', `${imports()}/${importId}`, { syncType: 'insert-update-disable' }));
    const r = await run();
    assert.deepEqual(counts(r), { created: 0, updated: 0, disabled: 1, deleted: 0, ignored: 2 });
    assert.deepEqual(r.details.disabled, ['carol']);
    assert.equal((await users())['carol']!.enabled, false);

    // carol is back (a new entry: a new entryUUID, same login); dave leaves.
    ldap.add(entry('carol', { sn: 'Petit', givenName: 'Carol', telephoneNumber: '01 55 17 18 91' }));
    await asRoot((c) => c.del(`uid=dave,ou=people,${ldap.suffix}`));
    const back = await run();
    assert.deepEqual(counts(back), { created: 0, updated: 1, disabled: 1, deleted: 0, ignored: 2 });
    const u = await users();
    assert.deepEqual([u['carol']!.enabled, u['dave']!.enabled], [true, false]);
  });

  test('Full: users of the import that left the source are deleted; users made by hand stay', async () => {
    await ok(call('PATCH', `${imports()}/${importId}`, { syncType: 'full' }));
    // Authorizations about dave (his calendar shared, alice's shared with him) go with him; others stay.
    const idOf = async (login: string): Promise<string> => (await pg.query('SELECT id FROM tws_user WHERE domain_id = $1 AND username = $2', [domainId, login])).rows[0].id;
    const [dave, alice, bob] = [await idOf('dave'), await idOf('alice'), await idOf('bob')];
    const share = (owner: string, withUser: string) => ok(call('POST', `/companies/${companyId}/authorizations`, { objectType: 'calendar', objectRef: owner, subjects: [{ type: 'user', id: withUser }] }), 201);
    await share(dave, alice);
    await share(alice, dave);
    await share(alice, bob);
    const r = await run();
    assert.deepEqual(counts(r), { created: 0, updated: 0, disabled: 0, deleted: 1, ignored: 2 });
    assert.deepEqual(r.details.deleted, ['dave']);
    assert.deepEqual(Object.keys(await users()), ['alice', 'bob', 'carol', 'hdene', 'zed']);
    const shares = await pg.query(`SELECT object_ref, subject_id FROM "authorization" WHERE object_type = 'calendar' AND company_id = $1`, [companyId]);
    assert.deepEqual(shares.rows.map((a) => [a.object_ref, a.subject_id]), [[alice, bob]], "the authorizations about dave are gone, alice's share with bob stays");
    const list = await ok(call('GET', imports()));
    assert.deepEqual([list[0].memberCount, list[0].lastRun.id], [4, r.id]);
    assert.equal((await ok(call('GET', `${imports()}/${importId}/runs`))).length, 8);
  });

  test('a refused bind or an unreachable server fails the run with the reason, and no user changes', async () => {
    await asRoot((c) => c.del(`uid=bob,ou=people,${ldap.suffix}`));
    await ok(call('PATCH', `${imports()}/${importId}`, { password: 'wrong-password' }));
    const before = await snapshot();
    const r = await run();
    assert.equal(r.status, 'failed');
    assert.match(r.error, /invalid credentials/);
    assert.match(r.error, /nothing was changed/);
    assert.deepEqual(await snapshot(), before, 'bob was not deleted');

    await ok(call('PATCH', `${imports()}/${importId}`, { password: READER, connector: { port: await freePort() } }));
    const down = await run();
    assert.equal(down.status, 'failed');
    assert.match(down.error, /unreachable.*nothing was changed/);
    assert.deepEqual(await snapshot(), before);
    await ok(call('PATCH', `${imports()}/${importId}`, { password: 'wrong-password', connector: { port: ldap.port } }));
  });

  test('one run at a time per domain: a second start is refused while one holds the lock', async () => {
    await ok(call('PATCH', `${imports()}/${importId}`, { password: READER }));
    const holder = new Client({ connectionString: api.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('tws.user-import'), hashtext($1::text))`, [domainId]);
      const busy = await call('POST', `${imports()}/${importId}/run`, {});
      assert.equal(busy.status, 409);
      assert.match(busy.body.message, /already running/);
      assert.equal((await call('DELETE', `${imports()}/${importId}`)).status, 409, 'not deleted while a run holds the domain');
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    const r = await run();
    assert.deepEqual(counts(r), { created: 0, updated: 0, disabled: 0, deleted: 1, ignored: 2 }, 'bob is deleted now');
  });

  test('bad run input is 400; another company\'s administrator sees nothing (404)', async () => {
    assert.equal((await call('POST', `${imports()}/${importId}/run`, { dryRun: 'yes' })).status, 400);
    assert.equal((await call('PATCH', `${imports()}/${importId}`, { culture: 'french' })).status, 400);
    assert.equal((await call('PATCH', `${imports()}/${importId}`, { device: { protocol: 'CSTA', sipProxy: 'proxy.example.com' } })).status, 400);
    assert.equal((await call('GET', `${imports()}/not-a-uuid`)).status, 400);
    const other = (await ok(call('POST', '/companies', { name: 'Other Corp' }), 201)).id;
    await ok(call('POST', '/admin-users', { username: 'other-admin', password: 'first-pass-o', companyIds: [other] }), 201);
    const token = await api.signIn('other-admin', 'first-pass-o', 'second-pass-o');
    for (const [method, path, body] of [
      ['GET', imports()],
      ['POST', imports(), { description: 'intruder', connector: { host: '127.0.0.1', baseDn: 'dc=x' } }],
      ['GET', `${imports()}/${importId}`],
      ['PATCH', `${imports()}/${importId}`, { syncType: 'full' }],
      ['POST', `${imports()}/${importId}/run`, {}],
      ['GET', `${imports()}/${importId}/runs`],
      ['DELETE', `${imports()}/${importId}`],
    ] as [string, string, object?][]) {
      const r = await call(method, path, body, token);
      assert.equal(r.status, 404, `${method} ${path} → ${r.status}`);
    }
    assert.equal(Number((await pg.query(`SELECT count(*) AS n FROM user_import WHERE description = 'intruder'`)).rows[0].n), 0);
  });

  test('a daily import runs by itself once a day, at the directories\' synchronization time; users of another import are not taken over', async () => {
    await ok(call('PUT', '/parameters/timeSynchronizationDirectories', { value: '00:00' }));
    const nightly = await ok(
      call('POST', imports(), {
        description: 'Nightly',
        syncType: 'update',
        schedule: 'daily',
        connector: { host: '127.0.0.1', port: ldap.port, bindDn: `cn=reader,${ldap.suffix}`, baseDn: `ou=people,${ldap.suffix}`, filter: '(objectClass=inetOrgPerson)' },
        password: READER,
      }),
      201,
    );
    assert.equal(nightly.schedule, 'daily');
    const runs = await waitFor('the daily run', async () => {
      const list = await ok(call('GET', `${imports()}/${nightly.id}/runs`));
      return list.length && list[0].status !== 'running' ? list : undefined;
    }, 20_000, 100);
    assert.equal(runs[0].status, 'succeeded', JSON.stringify(runs[0]));
    assert.equal(runs[0].requestedBy, null);
    assert.deepEqual(counts(runs[0]), { created: 0, updated: 0, disabled: 0, deleted: 0, ignored: 5 });
    assert.ok(runs[0].ignoredReasons.some((l: { reason: string }) => l.reason === 'the user "alice" belongs to the import "OpenLDAP people"'), JSON.stringify(runs[0].ignoredReasons));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal((await ok(call('GET', `${imports()}/${nightly.id}/runs`))).length, 1, 'once a day');
  });

  test('add-in-group respects the licences the group consumes: beyond them the run fails and nothing changes', async () => {
    await pg.query(`INSERT INTO licence_application (application_code, available) VALUES ('caller', 3)`);
    await ok(call('POST', `/companies/${companyId}/authorizations`, { objectType: 'application', objectRef: 'caller', subjects: [{ type: 'group', id: groupId }] }), 201);
    ldap.add(entry('frank', { sn: 'Frank', telephoneNumber: '+33 1 55 17 18 96' }));
    const before = await snapshot();
    const r = await run();
    assert.equal(r.status, 'failed');
    assert.match(r.error, /TWS Caller: this would use 4 licences and 3 are available/);
    assert.deepEqual(await snapshot(), before, 'frank was not created');
    await pg.query(`UPDATE licence_application SET available = 10 WHERE application_code = 'caller'`);
    const again = await run();
    assert.deepEqual(counts(again), { created: 1, updated: 0, disabled: 0, deleted: 0, ignored: 2 });
    assert.deepEqual((await users())['frank'], { enabled: true, lastName: 'Frank', culture: 'en-US', devices: '1896/SIP', inGroup: true });
  });
});
