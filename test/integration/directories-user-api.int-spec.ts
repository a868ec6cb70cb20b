import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { DirectoriesFixture, type Res } from './directories-fixture';

/**
 * The user API of directories (guide 7.4.2, 8.2.2, 9.1.1) on a real web-services, signed in as
 * users with `POST /api/v1/auth/login`: search and reverse lookup see only the directories the
 * user is authorized to, the user is always the one of the token, merged profiles in search
 * results with correct paging, and each user's private contacts, isolated from the others'.
 */
describe('directories: user API (search, reverse lookup, private contacts)', () => {
  const f = new DirectoriesFixture();
  const id: Record<string, string> = {};
  const token: Record<string, string> = {};
  const DOMAIN = 'user-api.dir.test';
  const dirs = () => f.dirs(id['domain']!);
  const contacts = (dir: string) => `${dirs()}/${id[dir]}/contacts`;
  /** `/api/v1/directory<path>` as a user (no token: `who` = ''). */
  const as = (who: string, method: string, path: string, body?: unknown): Promise<Res> => f.call(method, `/api/v1/directory${path}`, body, who ? token[who] : '');
  const okAs = async (who: string, method: string, path: string, body?: unknown, status = 200) => f.ok(as(who, method, path, body), status);
  const search = (who: string, query: string, extra = '') => okAs(who, 'GET', `/search?query=${encodeURIComponent(query)}${extra}`);
  const lookup = (who: string, number: string, extra = '') => okAs(who, 'GET', `/lookup?number=${encodeURIComponent(number)}${extra}`);
  const names = (r: { items: { lastName: string }[] }) => r.items.map((c) => c.lastName);

  before(async () => {
    await f.start();
    ({ companyId: id['company']!, domainId: id['domain']! } = await f.company('User Api'));
    id['alice'] = await f.user(id['domain']!, 'alice', { password: 'alice-pass-1', firstName: 'Alice', lastName: 'Martin', email: 'alice@corp.fr', devices: [{ number: '1001', protocol: 'SIP' }] });
    id['bob'] = await f.user(id['domain']!, 'bob', { password: 'bob-pass-1', firstName: 'Bob', lastName: 'Durand', email: 'bob@corp.fr', devices: [{ number: '1002', protocol: 'SIP' }] });
    id['carl'] = await f.user(id['domain']!, 'carl', { password: 'carl-pass-1', firstName: 'Carl', lastName: 'Alone' });
    id['all'] = (await f.ok(f.call('POST', `/api/admin/v1/domains/${id['domain']}/groups`, { name: 'All' }), 201)).id;
    await f.ok(f.call('POST', `/api/admin/v1/domains/${id['domain']}/groups/${id['all']}/members`, { userIds: [id['alice'], id['bob']] }));

    // TWS users (merge) and public contacts (merge) for All; a secret directory for bob only; [TwsPrivate] for All.
    id['users'] = (await f.ok(f.call('POST', dirs(), { name: 'TWS users', serverType: 'tws-users', priority: 0, merge: true }), 201)).id;
    assert.equal((await f.sync(id['domain']!, id['users']!)).status, 'succeeded');
    id['public'] = (await f.ok(f.call('POST', dirs(), { name: 'Public', serverType: 'tws-contacts', priority: 1, merge: true }), 201)).id;
    id['secret'] = (await f.ok(f.call('POST', dirs(), { name: 'Secret', serverType: 'tws-contacts', priority: 2 }), 201)).id;
    id['private'] = (await f.ok(f.call('POST', dirs(), { name: '[TwsPrivate]', serverType: 'tws-contacts', type: 'private', priority: 3 }), 201)).id;
    for (const d of ['users', 'public', 'private']) await f.grant(id['company']!, id[d]!, id['domain']!, [{ type: 'group', id: id['all']! }]);
    await f.grant(id['company']!, id['secret']!, id['domain']!, [{ type: 'user', id: id['bob']! }]);

    await f.ok(f.call('POST', contacts('public'), { lastName: 'Martin', company: 'Corp HQ', mail1: 'Alice@Corp.fr', url: 'https://corp.example/alice', phones: { personal: { number: '01 40 00 00 01' } } }), 201);
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Durand', mail1: 'bob@corp.fr', url: 'https://corp.example/bob' }), 201);
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Dupont', firstName: 'Jean', phones: { professional: { number: '01 55 17 18 89' } } }), 201);
    await f.ok(f.call('POST', contacts('public'), { lastName: 'Duval', mail1: 'duval@example.fr', phones: { professional: { number: '01 55 17 18 90' } } }), 201);
    await f.ok(f.call('POST', contacts('secret'), { lastName: 'Zorro', phones: { professional: { number: '01 23 45 67 89' } } }), 201);

    for (const [u, password] of [['alice', 'alice-pass-1'], ['bob', 'bob-pass-1'], ['carl', 'carl-pass-1']] as const) {
      const r = await f.call('POST', '/api/v1/auth/login', { domain: DOMAIN, username: u, password }, '');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      token[u] = r.body.accessToken;
    }
  });
  after(() => f.stop());

  test('no token, or a token that is not a user access token: 401 on every route', async () => {
    const doc = (await f.call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { summary?: string; security?: unknown[] }>> };
    const documented = Object.entries(doc.paths).filter(([path]) => path.startsWith('/api/v1/directory'));
    assert.deepEqual(documented.map(([path, methods]) => `${path} ${Object.keys(methods).sort().join(',')}`).sort(), [
      '/api/v1/directory/lookup get',
      '/api/v1/directory/private-contacts get,post',
      '/api/v1/directory/private-contacts/{contactId} delete,get,patch',
      '/api/v1/directory/search get',
    ]);
    for (const [path, methods] of documented) for (const [m, op] of Object.entries(methods)) assert.ok(op.summary && op.security?.length, `${m} ${path} documented, with its bearer token`);
    for (const [method, path] of [
      ['GET', '/search?query=martin'],
      ['GET', '/lookup?number=1001'],
      ['GET', '/private-contacts'],
      ['POST', '/private-contacts'],
      ['GET', `/private-contacts/${randomUUID()}`],
      ['PATCH', `/private-contacts/${randomUUID()}`],
      ['DELETE', `/private-contacts/${randomUUID()}`],
    ]) {
      const none = await as('', method!, path!, method === 'POST' || method === 'PATCH' ? { lastName: 'X' } : undefined);
      assert.equal(none.status, 401, `${method} ${path}: ${JSON.stringify(none.body)}`);
      assert.equal(none.body.error, 'unauthenticated');
      const admin = await f.call(method!, `/api/v1/directory${path}`, undefined, f.root);
      assert.equal(admin.status, 401, `${method} ${path} with an admin token`);
    }
  });

  test('search and lookup see only the directories the user is authorized to; the user is the token’s', async () => {
    assert.deepEqual(names(await search('alice', 'zorro')), []);
    assert.deepEqual(names(await search('bob', 'zorro')), ['Zorro']);
    assert.equal((await lookup('alice', '0123456789')).match, null);
    assert.deepEqual((await lookup('alice', '0123456789')).displayName, '0123456789', 'the fallback: the number as given');
    assert.equal((await lookup('bob', '+33 1 23 45 67 89')).displayName, 'Zorro');
    assert.deepEqual(names(await search('carl', 'dupont')), [], 'carl has no directory');
    assert.equal((await lookup('carl', '0155171889')).match, null);
    // Another user cannot be named: the query is strict.
    const other = await as('alice', 'GET', `/search?query=zorro&userId=${id['bob']}`);
    assert.equal(other.status, 400);
    assert.match(other.body.message, /userId/);
    // Extensions of the domain resolve to their user; numbers in any format.
    const ext = await lookup('bob', '1001');
    assert.equal(ext.match.directory.name, 'TWS users');
    assert.equal(ext.displayName, 'Alice Martin');
    assert.deepEqual(names(await search('alice', '01 55 17 18')), ['Dupont', 'Duval'], 'a number prefix, exact matches then by number');
    assert.deepEqual(names(await search('alice', '+33155171890')), ['Duval']);
  });

  test('bad input: 400 with a clear message', async () => {
    const short = await as('alice', 'GET', '/search?query=a');
    assert.equal(short.status, 400);
    assert.match(short.body.message, /query: at least 2 characters/);
    for (const path of ['/search', '/search?query=martin&limit=1000', '/search?query=martin&offset=-1', '/lookup', '/lookup?number=1001&view=everything']) {
      const r = await as('alice', 'GET', path);
      assert.equal(r.status, 400, `${path}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'bad_request');
    }
    const punct = await as('alice', 'GET', `/search?query=${encodeURIComponent('?!')}`);
    assert.equal(punct.status, 400);
    assert.match(punct.body.message, /nothing to search for/);
  });

  test('merged profiles in search: contacts with the same Mail 1 in merge-enabled directories are one result; pages count profiles', async () => {
    const du = await search('alice', 'du');
    // Without merge: Durand (TWS users), Dupont, Durand (Public, same e-mail as bob), Duval.
    assert.deepEqual(
      du.items.map((c: { lastName: string; directory: { name: string } }) => [c.lastName, c.directory.name]),
      [['Durand', 'TWS users'], ['Dupont', 'Public'], ['Duval', 'Public']],
    );
    assert.equal(du.items[0].url, 'https://corp.example/bob', 'completed by the Public contact');
    assert.equal(du.items[0].mergedFrom.length, 1);
    assert.equal(du.items[0].mergedFrom[0].directoryId, id['public']);
    assert.equal(du.hasMore, false);
    const pages = [];
    for (let offset = 0; offset < 4; offset++) pages.push(await search('alice', 'du', `&offset=${offset}&limit=1`));
    assert.deepEqual(
      pages.map((p) => [names(p), p.hasMore]),
      [[['Durand'], true], [['Dupont'], true], [['Duval'], false], [[], false]],
      'no page repeats or skips a profile',
    );
    // A profile whose partner did not match the query is still completed by it.
    const hq = await search('alice', 'corp hq');
    assert.deepEqual(hq.items.map((c: { directory: { name: string } }) => c.directory.name), ['Public']);
    assert.deepEqual(hq.items[0].mergedFrom.map((m: { directoryId: string }) => m.directoryId), [id['users']]);
    assert.equal(hq.items[0].firstName, 'Alice', 'the first name comes from the TWS user');
    // Merge off for Public: two results again.
    await f.ok(f.call('PATCH', `${dirs()}/${id['public']}`, { merge: false }));
    assert.deepEqual(names(await search('alice', 'durand')), ['Durand', 'Durand']);
    await f.ok(f.call('PATCH', `${dirs()}/${id['public']}`, { merge: true }));
  });

  test('private contacts: a user writes its own, normalized, red-listed numbers hidden; only it sees them', async () => {
    const mom = await okAs('alice', 'POST', '/private-contacts', { lastName: 'Mom', phones: { personal: { number: '06 99 88 77 66' }, gsm: { number: '06 11 11 11 11', redList: true } } }, 201);
    assert.equal(mom.ownerUserId, id['alice']);
    assert.equal(mom.directoryId, id['private']);
    assert.deepEqual(mom.phones.map((p: { kind: string; canonical: string; redList: boolean }) => [p.kind, p.canonical, p.redList]), [['gsm', '+33611111111', true], ['personal', '+33699887766', false]]);
    const list = await okAs('alice', 'GET', '/private-contacts');
    assert.deepEqual([list.total, list.items[0].id, list.directories], [1, mom.id, [{ id: id['private'], name: '[TwsPrivate]' }]]);

    // Search and lookup: alice's own, nobody else's; the red-listed number is hidden and not searchable.
    const found = await search('alice', 'mom');
    assert.deepEqual(found.items[0].phones, [
      { kind: 'gsm', number: null, canonical: null, redList: true },
      { kind: 'personal', number: '06 99 88 77 66', canonical: '+33699887766', redList: false },
    ]);
    assert.deepEqual(names(await search('alice', '06 11 11 11 11')), []);
    assert.equal((await lookup('alice', '0611111111', '&origin=directory')).displayName, 'Mom', 'reverse lookup still names a red-listed number');
    assert.equal((await lookup('alice', '0699887766', '&origin=directory')).displayName, 'Mom');
    assert.deepEqual(names(await search('bob', 'mom')), []);
    assert.equal((await lookup('bob', '0699887766', '&origin=directory')).match, null);

    // Another user's contact does not exist for bob.
    assert.equal((await okAs('bob', 'GET', '/private-contacts')).total, 0);
    for (const [method, body] of [['GET'], ['PATCH', { lastName: 'Hacked' }], ['DELETE']] as const) {
      const r = await as('bob', method, `/private-contacts/${mom.id}`, body);
      assert.equal(r.status, 404, `${method}: ${JSON.stringify(r.body)}`);
    }
    // Nor a public contact, even for the administrator's public directory.
    const publicId = (await f.ok(f.call('GET', `${contacts('public')}?search=dupont`))).items[0].id;
    assert.equal((await as('alice', 'DELETE', `/private-contacts/${publicId}`)).status, 404);

    // Partial update keeps the rest; delete.
    const updated = await okAs('alice', 'PATCH', `/private-contacts/${mom.id}`, { firstName: 'Maman', mail1: 'maman@example.fr' });
    assert.deepEqual([updated.lastName, updated.firstName, updated.mail1, updated.phones.length], ['Mom', 'Maman', 'maman@example.fr', 2]);
    assert.equal((await okAs('alice', 'GET', `/private-contacts/${mom.id}`)).firstName, 'Maman');
    assert.equal((await okAs('alice', 'GET', '/private-contacts?search=mam')).total, 1);
    await okAs('alice', 'DELETE', `/private-contacts/${mom.id}`, undefined, 204);
    assert.equal((await as('alice', 'GET', `/private-contacts/${mom.id}`)).status, 404);
    assert.deepEqual(names(await search('alice', 'mom')), []);
  });

  test('private contacts: bad input is 400 naming the field; no private directory granted is 403', async () => {
    const refused = async (body: unknown) => {
      const r = await as('alice', 'POST', '/private-contacts', body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error, 'bad_request');
      return r.body.details.map((d: { path: string }) => d.path);
    };
    assert.deepEqual(await refused({ lastName: 'X', phones: { gsm: { number: 'none' } } }), ['phones.gsm.number']);
    assert.deepEqual(await refused({ lastName: 'X', mail1: 'not-mail' }), ['mail1']);
    assert.deepEqual(await refused({}), ['lastName'], 'an empty contact');
    assert.deepEqual(await refused({ lastName: 'X', ownerUserId: id['bob'] }), ['']);
    assert.deepEqual(await refused({ lastName: 'X', directoryId: id['public'] }), ['directoryId'], 'public contacts are the administrator’s');
    assert.equal((await as('alice', 'GET', '/private-contacts/not-a-uuid')).status, 400);
    assert.equal((await as('alice', 'GET', '/private-contacts?limit=0')).status, 400);
    const c = await okAs('alice', 'POST', '/private-contacts', { company: 'Plumber', directoryId: id['private'] }, 201);
    assert.equal((await as('alice', 'PATCH', `/private-contacts/${c.id}`, {})).status, 400, 'nothing to change');
    assert.equal((await as('alice', 'PATCH', `/private-contacts/${c.id}`, { phones: { gsm: { number: 'abc' } } })).status, 400);

    const carl = await as('carl', 'POST', '/private-contacts', { lastName: 'X' });
    assert.equal(carl.status, 403);
    assert.match(carl.body.message, /\[TwsPrivate\]/);
    assert.deepEqual(await okAs('carl', 'GET', '/private-contacts'), { items: [], total: 0, offset: 0, limit: 50, directories: [] });
    assert.equal((await f.pg.query('SELECT count(*)::int AS n FROM contact WHERE owner_user_id = $1', [id['carl']])).rows[0].n, 0);
  });
});
