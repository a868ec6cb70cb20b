import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DirectoryLookup, DirectorySearch, EffectiveRightsQuery, type DirectorySearchResult, type EffectiveRights } from '@tws/contracts';
import { RemoteError } from '@tws/messaging';
import { waitFor } from '@tws/testing';
import { DirectoriesFixture } from './directories-fixture';

/**
 * Directories of TWS itself (guide 8.1, 9.1.1) through the admin API of a real web-services:
 * TWS users synchronized from the users of the domain, public TWS contacts and the private
 * contacts of users, priorities, sharing with another domain, merge by e-mail, drafts, deletion
 * with its authorizations, tenant isolation of every route, and the NATS contracts.
 */
describe('directories: TWS users, TWS contacts, priorities, sharing, merge, isolation', () => {
  const f = new DirectoriesFixture();
  const id: Record<string, string> = {};
  const dirs = (d = 'paris') => f.dirs(id[d]!);
  const contacts = (dir: string, d = 'paris') => `${dirs(d)}/${id[dir]}/contacts`;

  before(async () => {
    await f.start();
    ({ companyId: id['company']!, domainId: id['paris']! } = await f.company('Dir Corp'));
    id['nice'] = (await f.ok(f.call('POST', `/api/admin/v1/companies/${id['company']}/domains`, { name: 'nice.dir.test' }), 201)).id;
    id['alice'] = await f.user(id['paris']!, 'alice', { firstName: 'Alice', lastName: 'Martin', email: 'alice@corp.fr', gsm: '06 10 20 30 40', devices: [{ number: '1001', protocol: 'CSTA' }] });
    id['bob'] = await f.user(id['paris']!, 'bob', { firstName: 'Bob', lastName: 'Durand', devices: [{ number: '1002', protocol: 'SIP' }] });
    id['carl'] = await f.user(id['paris']!, 'carl', { firstName: 'Carl', lastName: 'Off', enabled: false, devices: [{ number: '1003', protocol: 'SIP' }] });
    id['erin'] = await f.user(id['nice']!, 'erin', { devices: [{ number: '2001', protocol: 'SIP' }] });
    id['all'] = (await f.ok(f.call('POST', `/api/admin/v1/domains/${id['paris']}/groups`, { name: 'All' }), 201)).id;
    await f.ok(f.call('POST', `/api/admin/v1/domains/${id['paris']}/groups/${id['all']}/members`, { userIds: [id['alice'], id['bob']] }));
    ({ companyId: id['companyB']!, domainId: id['b']! } = await f.company('Other Corp'));
    await f.ok(f.call('POST', '/api/admin/v1/admin-users', { username: 'adm-b', password: 'first-pass-b', companyIds: [id['companyB']] }), 201);
  });
  after(() => f.stop());

  test('each server type takes only what makes sense for it', async () => {
    const refused = async (body: object) => {
      const r = await f.call('POST', dirs(), body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      return r.body.details.map((d: { path: string }) => d.path);
    };
    assert.deepEqual(await refused({ name: 'x', serverType: 'tws-contacts', connector: { host: 'h' }, fields: { lastName: 'sn' }, sync: { mode: 'daily' } }), ['connector', 'fields', 'sync.mode']);
    assert.deepEqual(await refused({ name: 'x', serverType: 'tws-users', type: 'private', password: 'p', fields: { lastName: 'surname' } }), ['type', 'password', 'fields.lastName']);
    assert.deepEqual(await refused({ name: 'x', serverType: 'ldap', sync: { mode: 'frequent' } }), ['sync.every', 'sync.unit']);
    assert.deepEqual(await refused({ name: '', serverType: 'exchange' }), ['name', 'serverType']);
    assert.equal((await f.pg.query('SELECT count(*) AS n FROM directory')).rows[0].n, '0');
  });

  test('a TWS users directory synchronizes the enabled users of its domain', async () => {
    const dir = await f.ok(f.call('POST', dirs(), { name: 'TWS users', serverType: 'tws-users', priority: 2, merge: true }), 201);
    id['users'] = dir.id;
    assert.deepEqual(dir.fields, { id: 'id', lastName: 'lastname', firstName: 'firstname', professionalPhone: 'number', gsmPhone: 'gsm', mail1: 'email' }, 'the default mapping');
    const run = await f.sync(id['paris']!, dir.id);
    assert.equal(run.status, 'succeeded', JSON.stringify(run));
    assert.deepEqual([run.read, run.created], [2, 2], 'carl is disabled; erin is in Nice');
    const list = await f.ok(f.call('GET', contacts('users')));
    assert.deepEqual(list.items.map((c: { lastName: string; externalId: string }) => [c.lastName, c.externalId]), [['Durand', id['bob']], ['Martin', id['alice']]]);
    assert.deepEqual(list.items[1].phones.map((p: { kind: string; canonical: string }) => [p.kind, p.canonical]), [['professional', '1001'], ['gsm', '+33610203040']]);
    assert.equal((await f.call('POST', contacts('users'), { lastName: 'X' })).status, 409, 'synchronized contacts are changed at their source');
  });

  test('TWS contacts: the administrator writes public ones; numbers are normalized; partial updates keep the rest', async () => {
    const dir = await f.ok(f.call('POST', dirs(), { name: 'Public contacts', serverType: 'tws-contacts', priority: 1, merge: true }), 201);
    id['public'] = dir.id;
    await f.grant(id['company']!, id['users']!, id['paris']!, [{ type: 'group', id: id['all']! }]);
    await f.grant(id['company']!, dir.id, id['paris']!, [{ type: 'group', id: id['all']! }]);
    const dupont = await f.ok(
      f.call('POST', contacts('public'), { lastName: 'Dupont', firstName: 'Jean', company: 'Garage', phones: { professional: { number: '01 55 17 18 89' }, gsm: { number: '06 01 02 03 04', redList: true } }, privateFields: [{ index: 4, label: 'Contract', value: 'C-42' }] }),
      201,
    );
    id['dupont'] = dupont.id;
    assert.deepEqual(dupont.phones.map((p: { canonical: string; redList: boolean }) => [p.canonical, p.redList]), [['+33155171889', false], ['+33601020304', true]]);
    // Merge partner of alice's TWS user card: same e-mail, other fields.
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Martin', company: 'Corp HQ', mail1: 'Alice@Corp.fr', url: 'https://corp.example/alice', phones: { personal: { number: '01 40 00 00 01' } }, vip: 'CEO' }), 201);
    const bad = await f.call('POST', contacts('public'), { lastName: 'X', phones: { gsm: { number: 'none' } }, mail1: 'not-mail' });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.details.map((d: { path: string }) => d.path), ['mail1']);
    const noDigit = await f.call('POST', contacts('public'), { lastName: 'X', phones: { gsm: { number: 'none' } } });
    assert.equal(noDigit.status, 400);
    assert.equal(noDigit.body.details[0].path, 'phones.gsm.number');
    assert.equal((await f.call('POST', contacts('public'), {})).status, 400, 'an empty contact');
    assert.equal((await f.call('POST', contacts('public'), { lastName: 'X', ownerUserId: id['alice'] })).status, 400, 'no owner in a public directory');

    const updated = await f.ok(f.call('PATCH', `${contacts('public')}/${dupont.id}`, { company: 'Garage Dupont' }));
    assert.equal(updated.company, 'Garage Dupont');
    assert.equal(updated.phones.length, 2);
    assert.deepEqual(updated.privateFields, [{ index: 4, label: 'Contract', value: 'C-42' }]);
    const audit = await f.ok(f.call('GET', '/api/admin/v1/audit-log?limit=20'));
    assert.ok(audit.some((e: { entity: string; action: string; entityId: string }) => e.entity === 'contact' && e.action === 'update' && e.entityId === dupont.id));
  });

  test('private TWS contacts belong to one user: only its owner sees them, even with the right to the directory', async () => {
    const dir = await f.ok(f.call('POST', dirs(), { name: '[TwsPrivate]', serverType: 'tws-contacts', type: 'private', priority: 3 }), 201);
    id['private'] = dir.id;
    await f.grant(id['company']!, dir.id, id['paris']!, [{ type: 'group', id: id['all']! }]);
    assert.equal((await f.call('POST', contacts('private'), { lastName: 'Mom' })).status, 400, 'whose contact is it?');
    assert.equal((await f.call('POST', contacts('private'), { lastName: 'Mom', ownerUserId: id['erin'] })).status, 400, 'a user of the domain');
    const mom = await f.ok(f.call('POST', contacts('private'), { lastName: 'Mom', ownerUserId: id['alice'], phones: { personal: { number: '06 99 88 77 66' } } }), 201);
    assert.equal(mom.ownerUserId, id['alice']);
    assert.equal((await f.lookup(id['paris']!, id['alice']!, '0699887766', '&origin=directory')).displayName, 'Mom');
    assert.equal((await f.lookup(id['paris']!, id['bob']!, '0699887766', '&origin=directory')).match, null);
    assert.equal((await f.search(id['paris']!, id['alice']!, 'mom')).items.length, 1);
    assert.equal((await f.search(id['paris']!, id['bob']!, 'mom')).items.length, 0);
    const owned = await f.ok(f.call('GET', `${contacts('private')}?ownerUserId=${id['alice']}`));
    assert.equal(owned.total, 1);
    const flip = await f.call('PATCH', `${dirs()}/${dir.id}`, { type: 'public' });
    assert.equal(flip.status, 409, 'private contacts cannot become public ones');
    assert.match(flip.body.message, /holds 1 private contacts/);
  });

  test('reverse lookup: the lowest priority wins; a directory shared from another domain counts, but not for extensions', async () => {
    const nice = await f.ok(f.call('POST', dirs('nice'), { name: 'Nice public', serverType: 'tws-contacts', priority: 0 }), 201);
    id['nicePublic'] = nice.id;
    await f.ok(f.call('POST', contacts('nicePublic', 'nice'), { lastName: 'Riviera', company: 'Nice garage', phones: { professional: { number: '+33 1 55 17 18 89' } } }), 201);
    await f.ok(f.call('POST', contacts('nicePublic', 'nice'), { lastName: 'Reception', phones: { standard: { number: '1001' } } }), 201);
    // Guide 7.4.2: the group All of Paris may see the public directory of Nice.
    await f.grant(id['company']!, nice.id, id['nice']!, [{ type: 'group', id: id['all']! }]);

    const shared = await f.lookup(id['paris']!, id['alice']!, '01 55 17 18 89', '&origin=directory');
    assert.deepEqual([shared.displayName, shared.match.directory.name], ['Riviera', 'Nice public'], 'priority 0 beats 1');
    await f.ok(f.call('PATCH', `${dirs('nice')}/${nice.id}`, { priority: 9 }));
    const own = await f.lookup(id['paris']!, id['alice']!, '01 55 17 18 89', '&origin=directory');
    assert.deepEqual([own.displayName, own.match.directory.name], ['Jean Dupont', 'Public contacts']);
    assert.deepEqual(own.match.phones, [
      { kind: 'professional', number: '01 55 17 18 89', canonical: '+33155171889', redList: false },
      { kind: 'gsm', number: null, canonical: null, redList: true },
    ]);
    // 1001 in Nice's directory is an extension of Nice: in Paris, 1001 is alice.
    const ext = await f.lookup(id['paris']!, id['bob']!, '1001');
    assert.deepEqual([ext.match.source, ext.match.directory.name, ext.displayName], ['directory', 'TWS users', 'Alice Martin']);
    const search = await f.search(id['paris']!, id['alice']!, 'garage');
    assert.deepEqual(search.items.map((c: { lastName: string; directory: { name: string } }) => [c.lastName, c.directory.name]), [['Dupont', 'Public contacts'], ['Riviera', 'Nice public']], 'by directory priority');

    // Relevance inside a directory: last names starting with the first word, then the other matches, by name.
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Zola', firstName: 'Marc' }), 201);
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Marchand', firstName: 'Paul' }), 201);
    const ranked = await f.search(id['paris']!, id['alice']!, 'mar');
    assert.deepEqual(
      ranked.items.map((c: { lastName: string; directory: { name: string } }) => [c.lastName, c.directory.name]),
      [['Marchand', 'Public contacts'], ['Martin', 'Public contacts'], ['Zola', 'Public contacts']],
      'Martin of TWS users has the e-mail of Martin of Public contacts: one profile (merge)',
    );
    assert.deepEqual(ranked.items[1].mergedFrom.map((m: { directoryId: string }) => m.directoryId), [id['users']]);
    const second = await f.search(id['paris']!, id['alice']!, 'mar', '&offset=1&limit=1');
    assert.deepEqual([second.items.map((c: { lastName: string }) => c.lastName), second.hasMore], [['Martin'], true], 'pages cut across tiers and directories');
  });

  test('merge: contacts of merge-enabled directories with the same e-mail make one card', async () => {
    const r = await f.lookup(id['paris']!, id['bob']!, '1001');
    assert.equal(r.match.directory.name, 'TWS users');
    assert.deepEqual([r.match.company, r.match.url, r.match.vip], ['Corp HQ', 'https://corp.example/alice', 'CEO']);
    assert.deepEqual(r.match.phones.map((p: { kind: string }) => p.kind), ['professional', 'gsm', 'personal']);
    assert.equal(r.match.mergedFrom.length, 1);
    assert.equal(r.match.mergedFrom[0].directoryId, id['public']);
    await f.ok(f.call('PATCH', `${dirs()}/${id['public']}`, { merge: false }));
    const alone = await f.lookup(id['paris']!, id['bob']!, '1001');
    assert.deepEqual([alone.match.company, alone.match.mergedFrom], ['', []]);
    await f.ok(f.call('PATCH', `${dirs()}/${id['public']}`, { merge: true }));
  });

  test('an extension no directory holds resolves to its TWS user; an unknown number falls back to itself', async () => {
    await f.ok(f.call('PATCH', `${dirs()}/${id['users']}`, { type: 'draft' }));
    assert.equal((await f.call('POST', `${dirs()}/${id['users']}/sync`)).status, 409, 'a draft does not synchronize');
    const r = await f.lookup(id['paris']!, id['alice']!, '1002');
    assert.deepEqual([r.match.source, r.match.userId, r.displayName], ['tws-user', id['bob'], 'Bob Durand'], 'a draft is not read: the user itself answers');
    const notNice = await f.lookup(id['paris']!, id['bob']!, '1001');
    assert.deepEqual([notNice.match.source, notNice.displayName], ['tws-user', 'Alice Martin'], "Nice's 1001 (Reception) is an extension of Nice, not of Paris");
    assert.equal((await f.search(id['paris']!, id['bob']!, '1001')).items.length, 0, 'nor found by a search from Paris');
    const unknown = await f.lookup(id['paris']!, id['alice']!, '+44 20 7946 0018');
    assert.deepEqual([unknown.match, unknown.canonical, unknown.displayName], [null, '+442079460018', '+44 20 7946 0018']);
    const junk = await f.lookup(id['paris']!, id['alice']!, 'anonymous');
    assert.deepEqual([junk.match, junk.canonical, junk.displayName], [null, null, 'anonymous']);
    await f.ok(f.call('PATCH', `${dirs()}/${id['users']}`, { type: 'public' }));
  });

  test('NATS: tws.dir.search and tws.dir.lookup answer for a user; bad requests and unknown users say so', async () => {
    const found = (await f.m.request(DirectorySearch, [], { userId: id['alice']!, query: 'dupont jean' })) as DirectorySearchResult;
    assert.deepEqual(found.items.map((c) => c.displayName), ['Jean Dupont']);
    await assert.rejects(f.m.request(DirectorySearch, [], { userId: randomUUID(), query: 'dupont' }), (e: RemoteError) => e.code === 'not_found');
    await assert.rejects(f.m.request(DirectoryLookup, [], { userId: id['alice']!, number: '' }), (e: Error) => /number/.test(e.message));
    const raw = await f.m.nc.request('tws.dir.search', new TextEncoder().encode(JSON.stringify({ userId: id['alice'], query: 'x' })));
    const reply = JSON.parse(new TextDecoder().decode(raw.data));
    assert.deepEqual([reply.ok, reply.error.code], [false, 'bad_request']);
  });

  test('deleting a directory takes its contacts and the authorizations that grant it', async () => {
    const before = await f.contactCount(id['public']!);
    assert.ok(before > 0);
    const rights = async () => ((await f.m.request(EffectiveRightsQuery, [], { userId: id['alice']!, objectType: 'directory' })) as EffectiveRights).rights.directory ?? [];
    assert.ok((await rights()).includes(id['public']!));
    await f.ok(f.call('DELETE', `${dirs()}/${id['public']}`), 204);
    assert.equal(await f.contactCount(id['public']!), 0);
    assert.equal((await f.pg.query(`SELECT count(*) AS n FROM "authorization" WHERE object_ref = $1`, [id['public']])).rows[0].n, '0');
    await waitFor('the rights cache to forget it', async () => !(await rights()).includes(id['public']!));
    assert.equal((await f.call('GET', `${dirs()}/${id['public']}`)).status, 404);
    const audit = await f.ok(f.call('GET', '/api/admin/v1/audit-log?limit=5'));
    const entry = audit.find((e: { entity: string; action: string }) => e.entity === 'directory' && e.action === 'delete');
    assert.equal(entry.before.authorizations.length, 1);
  });

  test("an administrator of another company gets 404 on every directory route, and nothing is written", async () => {
    const token = await f.signIn('adm-b', 'first-pass-b', 'second-pass-b');
    const doc = (await f.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const fill = (path: string) =>
      path
        .replace('{domainId}', id['paris']!)
        .replace('{directoryId}', id['users']!)
        .replace('{userId}', id['alice']!)
        .replace('{contactId}', randomUUID())
        .replace(/\{\w+\}/g, () => randomUUID());
    const counts = async () => (await f.pg.query('SELECT (SELECT count(*) FROM directory) + (SELECT count(*) FROM contact) + (SELECT count(*) FROM directory_sync_run) AS n')).rows[0].n;
    const before = await counts();
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!/directories|directory-/.test(path)) continue;
      for (const method of Object.keys(methods)) {
        const query = path.endsWith('directory-search') ? '?query=alice' : path.endsWith('directory-lookup') ? '?number=1001' : '';
        const r = await f.call(method.toUpperCase(), fill(path) + query, ['post', 'put', 'patch'].includes(method) ? { name: 'intruder', serverType: 'tws-contacts', lastName: 'intruder' } : undefined, token);
        assert.equal(r.status, 404, `${method.toUpperCase()} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(!JSON.stringify(r.body).includes('Dir Corp'));
        walked++;
      }
    }
    assert.equal(walked, 16, 'every directory route');
    assert.equal(await counts(), before, 'nothing was written');
    // Its own company works.
    assert.equal((await f.call('POST', f.dirs(id['b']!), { name: 'Mine', serverType: 'tws-contacts' }, token)).status, 201);
  });
});
