import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Attribute, Change, Client as LdapClient } from 'ldapts';
import { DirectoryLookup, type DirectoryLookupResult } from '@tws/contracts';
import { freePort, startTestSlapd, waitFor, type TestSlapd } from '@tws/testing';
import { DirectoriesFixture } from './directories-fixture';

/**
 * LDAP directories against a real OpenLDAP slapd, size-limited like Active Directory: the
 * synchronization pages past the limit, keeps accents, tolerates missing attributes, applies
 * red-list flags and field options, upserts by ID and deletes what vanished; a failing source
 * (wrong password, unreachable, stopped in the middle, cancelled, malformed entries) leaves the
 * previous contacts as they were. Then search and reverse lookup through the dialing plan, and
 * the scheduler.
 */
describe('LDAP directories: synchronization, failures, search and reverse lookup', () => {
  const f = new DirectoriesFixture();
  let ldap: TestSlapd;
  let big: TestSlapd;
  const id: Record<string, string> = {};
  const READER = 'reader-secret';
  const PEOPLE = 120;

  const person = (suffix: string, uid: string, attrs: Record<string, string | string[]>) =>
    [`dn: uid=${uid},ou=people,${suffix}`, 'objectClass: inetOrgPerson', `uid: ${uid}`, `cn: ${uid}`, ...Object.entries(attrs).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => (/^[\x20-\x7e]*$/.test(x) ? `${k}: ${x}` : `${k}:: ${Buffer.from(x).toString('base64')}`)))].join('\n') + '\n';
  const seed = (server: TestSlapd, entries: string[]) =>
    server.add([`dn: ou=people,${server.suffix}\nobjectClass: organizationalUnit\nou: people\n`, `dn: cn=reader,${server.suffix}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: ${READER}\n`, ...entries].join('\n'));
  /** An LDAP change made as the root DN (the directory's own administrator). */
  const change = async (server: TestSlapd, fn: (c: LdapClient) => Promise<void>) => {
    const c = new LdapClient({ url: server.url });
    await c.bind(server.rootDn, server.rootPassword);
    try {
      await fn(c);
    } finally {
      await c.unbind();
    }
  };
  const replace = (type: string, ...values: string[]) => new Change({ operation: 'replace', modification: new Attribute({ type, values }) });
  const connector = (server: TestSlapd, extra: object = {}) => ({ host: '127.0.0.1', port: server.port, bindDn: `cn=reader,${server.suffix}`, baseDn: `ou=people,${server.suffix}`, filter: '(objectClass=inetOrgPerson)', ...extra });
  const national = (i: number) => {
    const n = String(1000 + i);
    return `01 55 17 ${n.slice(0, 2)} ${n.slice(2)}`;
  };
  const contactsOf = async (directoryId: string, search = '') => f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${directoryId}/contacts?limit=500${search ? `&search=${encodeURIComponent(search)}` : ''}`));

  before(async () => {
    // The server caps every search at 50 entries, as AD caps at 1,000: only paging reads past it.
    [ldap, big] = await Promise.all([startTestSlapd({ sizeLimit: 50 }), startTestSlapd({ sizeLimit: 50 })]);
    const people = Array.from({ length: PEOPLE }, (_, i) => person(ldap.suffix, `p${i}`, { sn: `Person${i}`, givenName: 'Test', telephoneNumber: national(i), mail: `p${i}@example.com` }));
    seed(ldap, [
      ...people,
      // Accents, a red-list flag (LR hides the professional and GSM numbers), a VIP title, an invisible department.
      person(ldap.suffix, 'hdene', { sn: 'Déné', givenName: 'hÉLÈNE', telephoneNumber: '+33 (0)1 44 55 66 77', mobile: '06 11 22 33 44', employeeType: 'LR', mail: 'Helene.Dene@example.com', title: 'Board member', departmentNumber: 'Secret lab', o: 'Acme', street: '1 rue de la Paix, Paris' }),
      person(ldap.suffix, 'jmuller', { sn: 'Müller', givenName: 'Jürgen', telephoneNumber: '+49 40 1234567', o: 'Hamburg GmbH', employeeType: 'no' }),
      // Missing attributes: a last name and nothing else.
      person(ldap.suffix, 'minimal', { sn: 'Onlyname' }),
      // Not a number: shown, not found by reverse lookup.
      person(ldap.suffix, 'nonum', { sn: 'Nonumber', telephoneNumber: 'n/a' }),
      person(ldap.suffix, 'longdesc', { sn: 'Longdesc', description: 'short note', telephoneNumber: '01 55 17 99 99' }),
    ]);
    seed(
      big,
      Array.from({ length: 6000 }, (_, i) => person(big.suffix, `b${i}`, { sn: `Big${i}`, telephoneNumber: `+33 2 40 ${String(100000 + i).slice(0, 2)} ${String(100000 + i).slice(2, 4)} ${String(100000 + i).slice(4)}` })),
    );
    await f.start({ DIRECTORY_SYNC_TICK_MS: '200' });
    ({ companyId: id['company']!, domainId: id['domain']! } = await f.company('Ldap Corp'));
    id['alice'] = await f.user(id['domain']!, 'alice', { firstName: 'Alice', lastName: 'Martin', devices: [{ number: '4711', protocol: 'CSTA' }] });
    id['bob'] = await f.user(id['domain']!, 'bob');
  });
  after(async () => {
    await f.stop();
    await Promise.all([ldap?.stop(), big?.stop()]);
  });

  test('an LDAP directory is refused with every reason at once, then created with its password sealed', async () => {
    const bad = await f.call('POST', f.dirs(id['domain']!), {
      name: 'People',
      serverType: 'ldap',
      type: 'private',
      connector: { host: 'not a host', baseDn: 'people', filter: '(objectClass=inetOrgPerson' },
      fields: { lastName: 'sn|z', professionalPhone: 'telephoneNumber|p : 9 : ^x$' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.body.details.map((d: { path: string }) => d.path),
      ['type', 'connector.host', 'connector.baseDn', 'connector.filter', 'fields.lastName', 'fields.professionalPhone'],
    );
    assert.match(bad.body.message, /unknown option "z"/);
    assert.match(bad.body.message, /must contain \{0\}/);
    assert.equal((await f.pg.query('SELECT count(*) AS n FROM directory')).rows[0].n, '0', 'nothing was written');

    const dir = await f.ok(
      f.call('POST', f.dirs(id['domain']!), {
        name: 'People',
        serverType: 'ldap',
        priority: 5,
        connector: connector(ldap, { pageSize: 20 }),
        password: READER,
        fields: {
          lastName: 'sn',
          firstName: 'givenName|m',
          company: 'o',
          professionalPhone: 'telephoneNumber',
          professionalRedList: 'employeeType',
          gsmPhone: 'mobile',
          gsmRedList: 'employeeType',
          mail1: 'mail',
          private: [
            { index: 0, label: 'Notes', field: 'description' },
            { index: 1, label: '[VIP]', field: 'title' },
            { index: 2, label: 'Department', field: 'departmentNumber|i' },
            { index: 3, label: 'Address', field: 'street|a' },
          ],
        },
      }),
      201,
    );
    id['people'] = dir.id;
    assert.equal(dir.passwordSet, true);
    assert.equal(dir.connector.port, ldap.port);
    assert.ok(!JSON.stringify(dir).includes(READER), 'the password is never returned');
    const stored = (await f.pg.query('SELECT password_sealed FROM directory WHERE id = $1', [dir.id])).rows[0].password_sealed;
    assert.ok(stored.startsWith('v1:') && !stored.includes(READER), 'sealed at rest');
    assert.equal((await f.call('POST', f.dirs(id['domain']!), { name: 'PEOPLE', serverType: 'tws-contacts' })).status, 409, 'names are unique in the domain');
    await f.grant(id['company']!, dir.id, id['domain']!, [{ type: 'user', id: id['alice']! }]);
  });

  test('the synchronization pages past the server size limit and reports what it ignored', async () => {
    const run = await f.sync(id['domain']!, id['people']!);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.equal(run.read, PEOPLE + 5, 'every entry, though the server stops unpaged searches at 50');
    assert.deepEqual([run.created, run.updated, run.deleted, run.ignored], [PEOPLE + 5, 0, 0, 0]);
    assert.equal(run.trigger, 'manual');
    assert.equal(run.requestedBy, 'tws');
    assert.equal(run.warnings.length, 1);
    assert.match(run.warnings[0].reason, /^values of phone fields that are not phone numbers/);
    assert.deepEqual([run.warnings[0].count, run.warnings[0].examples], [1, [`uid=nonum,ou=people,${ldap.suffix}: professional "n/a"`]]);
    assert.equal(await f.contactCount(id['people']!), PEOPLE + 5);

    const helene = (await contactsOf(id['people']!, 'dene')).items[0];
    assert.deepEqual([helene.lastName, helene.firstName, helene.company], ['Déné', 'Hélène', 'Acme'], 'accents kept, option m applied');
    assert.match(helene.externalId, /^[0-9a-f-]{36}$/, 'no ID mapped: the entry UUID of the server is the stable id');
    assert.deepEqual(
      helene.phones.map((p: { kind: string; canonical: string; redList: boolean }) => [p.kind, p.canonical, p.redList]),
      [
        ['professional', '+33144556677', true],
        ['gsm', '+33611223344', true],
      ],
      'numbers in canonical form; LR puts them on the red list (the administrator still sees them)',
    );
    assert.equal(helene.vip, 'Board member');
    assert.deepEqual(helene.invisibleFields, ['private2']);
    const minimal = (await contactsOf(id['people']!, 'onlyname')).items[0];
    assert.deepEqual([minimal.lastName, minimal.firstName, minimal.phones, minimal.mail1], ['Onlyname', '', [], null], 'missing attributes are simply empty');
    const listed = await f.ok(f.call('GET', f.dirs(id['domain']!)));
    assert.equal(listed[0].contactCount, PEOPLE + 5);
    assert.equal(listed[0].lastRun.status, 'succeeded');
    assert.ok(listed[0].lastSyncedAt);
  });

  test('reverse lookup finds the same contact whatever the format, and what the PBX presents', async () => {
    for (const number of ['01 55 17 10 07', '+33 1 55 17 10 07', '0033155171007', '+33 (0)1 55 17 10 07', '+330155171007']) {
      const r = await f.lookup(id['domain']!, id['alice']!, number, '&origin=directory');
      assert.equal(r.canonical, '+33155171007', number);
      assert.equal(r.match?.lastName, 'Person7', number);
      assert.equal(r.displayName, 'Test Person7');
      assert.equal(r.matchedKind, 'professional');
    }
    // The PBX presents external numbers with its outside-line prefix: remove "0" in the dialing plan.
    const plan = await f.ok(f.call('GET', `/api/admin/v1/domains/${id['domain']}/dialing-plan`));
    await f.ok(f.call('PUT', `/api/admin/v1/domains/${id['domain']}/dialing-plan`, { settings: { ...plan.settings, remove: '0' }, rules: plan.rules.map(({ id: _i, ...r }: { id: string }) => r) }));
    const fromPbx = await waitFor('the new dialing plan to apply', async () => {
      const r = await f.lookup(id['domain']!, id['alice']!, '00155171007');
      return r.match ? r : undefined;
    });
    assert.equal(fromPbx.match.lastName, 'Person7');
    // Over NATS, as eventservices asks on every call.
    const nats = (await f.m.request(DirectoryLookup, [], { userId: id['alice']!, number: '00155171007' })) as DirectoryLookupResult;
    assert.equal(nats.match?.contactId, fromPbx.match.contactId);
    assert.equal(nats.match?.directory?.name, 'People');
  });

  test('red list: the number is hidden everywhere a user sees it, but reverse lookup still names the caller', async () => {
    const r = await f.lookup(id['domain']!, id['alice']!, '01 44 55 66 77', '&origin=directory');
    assert.equal(r.displayName, 'Hélène Déné');
    assert.deepEqual(r.match.phones, [
      { kind: 'professional', number: null, canonical: null, redList: true },
      { kind: 'gsm', number: null, canonical: null, redList: true },
    ]);
    assert.equal(r.match.vip, 'Board member');
    const address = { index: 3, label: 'Address', value: '1 rue de la Paix, Paris', mapUrl: 'https://www.openstreetmap.org/search?query=1%20rue%20de%20la%20Paix%2C%20Paris' };
    assert.deepEqual(r.match.privateFields, [address], 'the invisible department is not in the Caller view; the address links to MapServiceURL');
    const alerter = await f.lookup(id['domain']!, id['alice']!, '01 44 55 66 77', '&origin=directory&view=alerter');
    assert.deepEqual(alerter.match.privateFields, [{ index: 2, label: 'Department', value: 'Secret lab' }, address], 'option i: kept for the Alerter');

    const byName = await f.search(id['domain']!, id['alice']!, 'HELENE');
    assert.equal(byName.items.length, 1);
    assert.equal(byName.items[0].phones[0].number, null);
    assert.equal((await f.search(id['domain']!, id['alice']!, '01 44 55 66 77')).items.length, 0, 'a red-listed number is not searchable');
    assert.equal((await f.search(id['domain']!, id['alice']!, '+49 40 1234567')).items[0].lastName, 'Müller', 'employeeType "no": shown');
  });

  test('search: name, company and e-mail prefixes without accents, numbers in any format, paging', async () => {
    assert.deepEqual((await f.search(id['domain']!, id['alice']!, 'mul jur')).items.map((c: { lastName: string }) => c.lastName), ['Müller']);
    assert.deepEqual((await f.search(id['domain']!, id['alice']!, 'hamburg')).items.map((c: { lastName: string }) => c.lastName), ['Müller']);
    assert.deepEqual((await f.search(id['domain']!, id['alice']!, 'p42@example')).items.map((c: { lastName: string }) => c.lastName), ['Person42']);
    assert.deepEqual((await f.search(id['domain']!, id['alice']!, '01 55 17 10 42')).items.map((c: { lastName: string }) => c.lastName), ['Person42']);
    const prefix = await f.search(id['domain']!, id['alice']!, '01 55 17 11', '&limit=50');
    assert.equal(prefix.items.length, 20, 'a number cut short is a prefix: 1100–1119');
    const page1 = await f.search(id['domain']!, id['alice']!, 'person', '&limit=50');
    const page3 = await f.search(id['domain']!, id['alice']!, 'person', '&limit=50&offset=100');
    assert.equal(page1.items.length, 50);
    assert.equal(page1.hasMore, true);
    assert.equal(page3.items.length, PEOPLE - 100);
    assert.equal(page3.hasMore, false);
    assert.equal((await f.call('GET', `/api/admin/v1/domains/${id['domain']}/users/${id['alice']}/directory-search?query=x`)).status, 400, 'at least 2 characters');
  });

  test('a user without the right to the directory sees nothing and gets the fallback', async () => {
    const r = await f.lookup(id['domain']!, id['bob']!, '01 55 17 10 07', '&origin=directory');
    assert.deepEqual([r.match, r.displayName, r.canonical], [null, '01 55 17 10 07', '+33155171007']);
    assert.equal((await f.search(id['domain']!, id['bob']!, 'person')).items.length, 0);
    const ext = await f.lookup(id['domain']!, id['bob']!, '4711');
    assert.deepEqual([ext.match.source, ext.match.userId, ext.displayName], ['tws-user', id['alice'], 'Alice Martin'], 'an internal extension resolves to its user');
  });

  test('the next synchronization upserts by ID, deletes what vanished, writes nothing unchanged; a malformed entry keeps its previous version', async () => {
    await change(ldap, async (c) => {
      await c.modify(`uid=p1,ou=people,${ldap.suffix}`, [replace('sn', 'Renamed')]);
      await c.del(`uid=p2,ou=people,${ldap.suffix}`);
      await c.add(`uid=newbie,ou=people,${ldap.suffix}`, { objectClass: 'inetOrgPerson', uid: 'newbie', cn: 'newbie', sn: 'Newbie' });
      // Too long to store: the entry is refused, and its contact stays as it was (not deleted).
      await c.modify(`uid=longdesc,ou=people,${ldap.suffix}`, [replace('description', 'x'.repeat(2000)), replace('telephoneNumber', '01 55 17 88 88')]);
    });
    const run = await f.sync(id['domain']!, id['people']!);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created, run.updated, run.deleted, run.ignored], [PEOPLE + 5, 1, 1, 1, 1]);
    assert.equal(run.unchanged, PEOPLE + 5 - 1 - 1 - 1);
    assert.equal(run.ignoredReasons[0].reason, 'malformed entry: field "description" is longer than 1024 characters');
    assert.equal(await f.contactCount(id['people']!), PEOPLE + 5);
    assert.equal((await contactsOf(id['people']!, 'renamed')).total, 1);
    assert.equal((await f.lookup(id['domain']!, id['alice']!, '01 55 17 10 02', '&origin=directory')).match, null, 'p2 is gone');
    const longdesc = (await contactsOf(id['people']!, 'longdesc')).items[0];
    assert.deepEqual([longdesc.phones[0].number, longdesc.privateFields[0].value], ['01 55 17 99 99', 'short note'], 'the previous version, untouched');
  });

  test('a wrong password or an unreachable server fails the run, says why, and changes nothing', async () => {
    const before = await f.contactCount(id['people']!);
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${id['people']}`, { password: 'wrong' }));
    const denied = await f.sync(id['domain']!, id['people']!);
    assert.equal(denied.status, 'failed');
    assert.match(denied.error, /refused the bind of "cn=reader,dc=tws,dc=test" \(invalid credentials\): check the user and password — nothing was changed/);
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${id['people']}`, { password: READER, connector: { port: await freePort() } }));
    const down = await f.sync(id['domain']!, id['people']!);
    assert.equal(down.status, 'failed');
    assert.match(down.error, /is unreachable \(ECONNREFUSED\): check the host, the port and TLS/);
    assert.equal(await f.contactCount(id['people']!), before);
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${id['people']}`, { connector: { port: ldap.port } }));
    // A filter that matches nothing looks like a broken source, not an emptied one.
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${id['people']}`, { connector: { filter: '(uid=nobody)' } }));
    const empty = await f.sync(id['domain']!, id['people']!);
    assert.equal(empty.status, 'failed');
    assert.match(empty.error, /the source returned no entries; the \d+ contacts of the directory were kept/);
    assert.equal(await f.contactCount(id['people']!), before);
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${id['people']}`, { connector: { filter: '(objectClass=inetOrgPerson)' } }));
    const history = await f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${id['people']}/sync-runs`));
    assert.deepEqual(history.map((r: { status: string }) => r.status).slice(0, 5), ['failed', 'failed', 'failed', 'succeeded', 'succeeded'], 'reports are kept, newest first');
  });

  test('one synchronization at a time; cancelling one keeps the previous contacts; so does a server that stops in the middle', async () => {
    const dir = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'Big', serverType: 'ldap', priority: 50, connector: connector(big, { pageSize: 5 }), password: READER }), 201);
    id['big'] = dir.id;
    const first = await f.sync(id['domain']!, dir.id);
    assert.equal(first.status, 'succeeded', JSON.stringify(first));
    assert.equal(first.created, 6000);
    await change(big, (c) => c.modify(`uid=b7,ou=people,${big.suffix}`, [replace('sn', 'Changed')]));

    // A second start while one runs: 409 naming the running one; deleting the directory: 409.
    const run = await f.ok(f.call('POST', `${f.dirs(id['domain']!)}/${dir.id}/sync`), 202);
    const again = await f.call('POST', `${f.dirs(id['domain']!)}/${dir.id}/sync`);
    assert.equal(again.status, 409);
    assert.deepEqual(again.body.details, [{ runId: run.id }]);
    assert.equal((await f.call('DELETE', `${f.dirs(id['domain']!)}/${dir.id}`)).status, 409);
    await waitFor('progress to show', async () => (await f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${dir.id}/sync-runs/${run.id}`))).read > 0);
    await f.ok(f.call('POST', `${f.dirs(id['domain']!)}/${dir.id}/sync/cancel`), 202);
    const cancelled = await f.runEnd(id['domain']!, dir.id, run.id);
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.error, /cancelled after \d+ entries — nothing was changed/);
    assert.equal((await f.call('POST', `${f.dirs(id['domain']!)}/${dir.id}/sync/cancel`)).status, 409, 'nothing to cancel any more');
    assert.equal(await f.contactCount(dir.id), 6000);
    assert.equal((await contactsOf(dir.id, 'changed')).total, 0, 'the change read before cancelling was rolled back');

    // The server dies in the middle of the read.
    const doomed = await f.ok(f.call('POST', `${f.dirs(id['domain']!)}/${dir.id}/sync`), 202);
    await waitFor('the read to be under way', async () => (await f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${dir.id}/sync-runs/${doomed.id}`))).read >= 100, 30_000, 10);
    await big.stop();
    const failed = await f.runEnd(id['domain']!, dir.id, doomed.id);
    assert.equal(failed.status, 'failed', JSON.stringify(failed));
    assert.ok(failed.read >= 100 && failed.read < 6000, `stopped in the middle: ${failed.read} entries read`);
    assert.match(failed.error, /stopped answering after \d+ entries|is unreachable|failed during the search/);
    assert.match(failed.error, /nothing was changed: the contacts from before the synchronization are kept/);
    assert.equal(await f.contactCount(dir.id), 6000);
    assert.equal((await f.pg.query(`SELECT count(*) AS n FROM contact WHERE directory_id = $1 AND last_name = 'Big7'`, [dir.id])).rows[0].n, '1', 'the previous version of b7 is still there');
    assert.equal((await contactsOf(dir.id, 'changed')).total, 0);
  });

  test('the scheduler runs high-frequency and daily directories by themselves', async () => {
    const hf = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'Frequent', serverType: 'ldap', connector: connector(ldap), password: READER, sync: { mode: 'frequent', every: 10, unit: 'minutes' } }), 201);
    assert.deepEqual(hf.sync, { mode: 'frequent', every: 10, unit: 'minutes' });
    const ran = await waitFor('a scheduled run', async () => (await f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${hf.id}/sync-runs`)))[0], 20_000);
    assert.equal(ran.trigger, 'frequent');
    assert.equal((await f.runEnd(id['domain']!, hf.id, ran.id)).status, 'succeeded');

    const badTime = await f.call('PUT', '/api/admin/v1/parameters/timeSynchronizationDirectories', { value: '25:00' });
    assert.equal(badTime.status, 400, 'HH:MM is validated');
    await f.ok(f.call('PUT', '/api/admin/v1/parameters/timeSynchronizationDirectories', { value: '00:00' }));
    const daily = await f.ok(f.call('POST', f.dirs(id['domain']!), { name: 'Daily', serverType: 'ldap', connector: connector(ldap), password: READER, sync: { mode: 'daily' } }), 201);
    const dailyRun = await waitFor('the daily run (never ran, past 00:00: caught up)', async () => (await f.ok(f.call('GET', `${f.dirs(id['domain']!)}/${daily.id}/sync-runs`)))[0], 20_000);
    assert.equal(dailyRun.trigger, 'daily');
    assert.equal((await f.runEnd(id['domain']!, daily.id, dailyRun.id)).status, 'succeeded');

    const invalid = await f.call('PATCH', `${f.dirs(id['domain']!)}/${hf.id}`, { sync: { mode: 'frequent', every: 30, unit: 'hours' } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.body.details[0].path, 'sync.every');
    await f.ok(f.call('PATCH', `${f.dirs(id['domain']!)}/${hf.id}`, { sync: { mode: 'manual' } }));
  });
});
