import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { JSONCodec } from 'nats';
import type { Client } from 'pg';
import { EffectiveRightsCheck, EffectiveRightsQuery, type EffectiveRights, type RightsCheckResult } from '@tws/contracts';
import { RemoteError, type Messaging } from '@tws/messaging';
import { waitFor, type ServiceProcess } from '@tws/testing';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

/**
 * Groups, authorizations and effective rights in a real web-services process (two of them, for
 * the cache of the other instance) on real Postgres and NATS: group CRUD and bulk membership,
 * every sharing rule, licence consumption, effective rights over REST and NATS, cache
 * invalidation, and tenant isolation of every route.
 */
describe('groups, authorizations and effective rights', () => {
  const api = new AdminApiUnderTest();
  let ws: ServiceProcess;
  let ws2: ServiceProcess;
  let port: number;
  let port2: number;
  let pg: Client;
  let m: Messaging;
  let root = '';
  const id: Record<string, string> = {};

  const call = (method: string, path: string, body?: unknown, token = root, at = port): Promise<Res> => api.raw(method, path, body, token, at);
  const ok = async (p: Promise<Res>, status = 200) => {
    const r = await p;
    // On a 500, the services' logs say why.
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${ws.output().slice(-3000)}\n${ws2.output().slice(-3000)}` : ''}`);
    return r.body;
  };
  const groups = (domain: string) => `/api/admin/v1/domains/${id[domain]}/groups`;
  const authz = (company = 'A') => `/api/admin/v1/companies/${id[`company${company}`]}/authorizations`;
  const rightsOf = (user: string, domain = 'paris') => `/api/admin/v1/domains/${id[domain]}/users/${id[user]}/effective-rights`;
  const count = async (sql: string, params: unknown[] = []) => Number((await pg.query(sql, params)).rows[0].n);
  const grants = () => count('SELECT count(*) AS n FROM "authorization"');
  const query = (userId: string, objectType?: string) => m.request(EffectiveRightsQuery, [], { userId, ...(objectType ? { objectType: objectType as 'directory' } : {}) }) as Promise<EffectiveRights>;
  const check = (userId: string, objectType: string, objectRef: string) =>
    m.request(EffectiveRightsCheck, [], { userId, objectType: objectType as 'directory', objectRef }) as Promise<RightsCheckResult>;

  before(async () => {
    await api.start();
    ({ ws, pg, port, messaging: m, token: root } = api);
    ({ port: port2, process: ws2 } = await api.startAnother());

    // Company A: domains paris and nice; company B: its own domain and user.
    for (const [company, domains] of [['A', ['paris', 'nice']], ['B', ['b']]] as const) {
      id[`company${company}`] = (await ok(call('POST', '/api/admin/v1/companies', { name: `Company ${company}` }), 201)).id;
      for (const d of domains) id[d] = (await ok(call('POST', `/api/admin/v1/companies/${id[`company${company}`]}/domains`, { name: `${d}.rights.test` }), 201)).id;
    }
    const users = { paris: ['alice', 'bob', 'carol', 'dave', 'ban'], nice: ['erin'], b: ['mallory'] };
    for (const [domain, names] of Object.entries(users)) {
      for (const u of names) id[u] = (await ok(call('POST', `/api/admin/v1/domains/${id[domain]}/users`, { username: u }), 201)).id;
    }
    await ok(call('POST', '/api/admin/v1/admin-users', { username: 'adm-b', password: 'first-pass-b', companyIds: [id['companyB']] }), 201);
  });
  after(() => api.stop());

  test('groups: create, names unique in their domain whatever the case, rename, list', async () => {
    const all = await ok(call('POST', groups('paris'), { name: 'All', description: 'everybody' }), 201);
    assert.equal(all.memberCount, 0);
    id['all'] = all.id;
    const dup = await call('POST', groups('paris'), { name: 'ALL' });
    assert.equal(dup.status, 409);
    assert.match(dup.body.message, /"ALL" already exists in domain paris/);
    id['allNice'] = (await ok(call('POST', groups('nice'), { name: 'All' }), 201)).id; // another domain: fine
    for (const n of ['Commerce', 'Patrons', 'Two', 'Three', 'Other']) id[n.toLowerCase()] = (await ok(call('POST', groups('paris'), { name: n }), 201)).id;

    const empty = await call('POST', groups('paris'), { name: '  ' });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.details[0].path, 'name');

    const renamed = await ok(call('PATCH', `${groups('paris')}/${id['other']}`, { name: 'Others', description: 'the rest' }));
    assert.deepEqual([renamed.name, renamed.description], ['Others', 'the rest']);
    assert.equal((await call('PATCH', `${groups('paris')}/${id['other']}`, { name: 'commerce' })).status, 409);
    assert.equal((await call('PATCH', `${groups('paris')}/${id['other']}`, {})).status, 400);

    const list = await ok(call('GET', groups('paris')));
    assert.deepEqual(list.map((g: { name: string }) => g.name), ['All', 'Commerce', 'Others', 'Patrons', 'Three', 'Two']);
    assert.deepEqual((await ok(call('GET', `${groups('paris')}?search=pat`))).map((g: { name: string }) => g.name), ['Patrons']);
    assert.equal((await ok(call('GET', `${groups('paris')}/${id['all']}`))).description, 'everybody');
    assert.equal((await call('GET', `${groups('nice')}/${id['all']}`)).status, 404, 'a group is found in its own domain only');
    const audit = await ok(call('GET', '/api/admin/v1/audit-log?limit=100'));
    assert.ok(audit.some((e: { entity: string; action: string; entityId: string }) => e.entity === 'group' && e.action === 'update' && e.entityId === id['other']));
  });

  test('members: bulk add and remove, users of the group domain only', async () => {
    const add = (group: string, users: string[]) => call('POST', `${groups('paris')}/${id[group]}/members`, { userIds: users.map((u) => id[u]) });
    const first = await ok(add('all', ['alice', 'bob', 'carol']));
    assert.deepEqual([first.added.length, first.alreadyMembers, first.memberCount], [3, [], 3]);
    const again = await ok(add('all', ['alice', 'dave']));
    assert.deepEqual([again.added, again.alreadyMembers, again.memberCount], [[id['dave']], [id['alice']], 4]);

    // erin is in nice, mallory in company B: refused, named, nothing written.
    const wrong = await add('all', ['ban', 'erin', 'mallory']);
    assert.equal(wrong.status, 400);
    assert.deepEqual(wrong.body.details.map((d: { path: string }) => d.path), ['userIds.1', 'userIds.2']);
    assert.ok(wrong.body.message.includes(id['erin']) && wrong.body.message.includes(id['mallory']));
    assert.equal(await count('SELECT count(*) AS n FROM group_member WHERE group_id = $1', [id['all']]), 4);
    const badId = await call('POST', `${groups('paris')}/${id['all']}/members`, { userIds: ['nope'] });
    assert.equal(badId.status, 400);
    assert.equal(badId.body.details[0].path, 'userIds.0');

    const members = await ok(call('GET', `${groups('paris')}/${id['all']}/members?limit=2`));
    assert.equal(members.total, 4);
    assert.deepEqual(members.items.map((u: { username: string }) => u.username), ['alice', 'bob']);
    assert.deepEqual((await ok(call('GET', `${groups('paris')}/${id['all']}/members?search=car`))).items.map((u: { username: string }) => u.username), ['carol']);

    const removed = await ok(call('POST', `${groups('paris')}/${id['all']}/members/remove`, { userIds: [id['dave'], id['ban']] }));
    assert.deepEqual([removed.removed, removed.notMembers, removed.memberCount], [[id['dave']], [id['ban']], 3]);
    await ok(add('all', ['dave']));
    await ok(call('DELETE', `${groups('paris')}/${id['all']}/members/${id['dave']}`), 204);
    assert.equal((await call('DELETE', `${groups('paris')}/${id['all']}/members/${id['dave']}`)).status, 404);

    await ok(add('commerce', ['bob', 'carol']));
    await ok(add('patrons', ['carol', 'dave']));
    await ok(call('POST', `${groups('nice')}/${id['allNice']}/members`, { userIds: [id['erin']] }));
  });

  test('sharing rules: directories, calendars and intercom groups across domains; phone queues and call logs not', async () => {
    const grant = (body: object) => call('POST', authz(), body);
    // Directory rights name a directory of the domain (7.4.2): a missing one, or one of another domain, is refused.
    id['dirParis'] = (await ok(call('POST', `/api/admin/v1/domains/${id['paris']}/directories`, { name: 'Paris contacts', serverType: 'tws-contacts' }), 201)).id;
    const missing = await grant({ objectType: 'directory', objectRef: randomUUID(), objectDomainId: id['paris'], subjects: [{ type: 'group', id: id['all'] }] });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.details.map((d: { path: string }) => d.path), ['objectRef']);
    assert.match(missing.body.message, /no directory .* in this company/);
    const wrongDomain = await grant({ objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['nice'], subjects: [{ type: 'group', id: id['all'] }] });
    assert.equal(wrongDomain.status, 400);
    assert.match(wrongDomain.body.message, /objectDomainId: the directory Paris contacts is in domain/);
    const dir = await ok(grant({ objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['paris'], subjects: [{ type: 'group', id: id['all'] }, { type: 'group', id: id['allNice'] }] }), 201);
    assert.equal(dir.length, 2);
    assert.deepEqual([dir[0].objectKind, dir[0].subjectName, dir[1].subjectDomainId], ['directory', 'All', id['nice']]);
    // Directories for phone queues and intercom groups (9.1.7, 9.2.2); those must exist.
    id['queue'] = (await pg.query(`INSERT INTO phone_queue (domain_id, name, number, protocol) VALUES ($1, 'Standard', '4900', 'CSTA') RETURNING id`, [id['paris']])).rows[0].id;
    id['intercom'] = (await pg.query(`INSERT INTO intercom_group (domain_id, name) VALUES ($1, 'Hotline') RETURNING id`, [id['nice']])).rows[0].id;
    const ghost = await grant({ objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['paris'], subjects: [{ type: 'intercom-group', id: randomUUID(), domainId: id['nice'] }] });
    assert.equal(ghost.status, 400);
    assert.match(ghost.body.message, /no intercom-group .* in this company/);
    await ok(grant({ objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['paris'], subjects: [{ type: 'phone-queue', id: id['queue'], domainId: id['paris'] }, { type: 'intercom-group', id: id['intercom'], domainId: id['nice'] }] }), 201);

    // Calendars of group Commerce (paris) to erin (nice); intercom group of nice to alice (paris).
    const cal = await ok(grant({ objectType: 'calendar', objectRef: id['commerce'], subjects: [{ type: 'user', id: id['erin'] }, { type: 'user', id: id['dave'] }] }), 201);
    assert.deepEqual([cal[0].objectKind, cal[0].objectName, cal[0].objectDomainId], ['group', 'Commerce', id['paris']]);
    await ok(grant({ objectType: 'intercom-group', objectRef: id['intercom'], objectDomainId: id['nice'], subjects: [{ type: 'user', id: id['alice'] }] }), 201);

    const before = await grants();
    const queueToNice = await grant({ objectType: 'phone-queue', objectRef: id['queue'], objectDomainId: id['paris'], subjects: [{ type: 'user', id: id['alice'] }, { type: 'user', id: id['erin'] }] });
    assert.equal(queueToNice.status, 400);
    assert.equal(queueToNice.body.details[0].path, 'subjects.1');
    assert.match(queueToNice.body.message, /phone queues \(guide 7\.4\.5\) cannot be shared between domains: the phone-queue is in domain paris\.rights\.test, this user in domain nice\.rights\.test/);
    const callLogToNice = await grant({ objectType: 'call-log', objectRef: id['dave'], subjects: [{ type: 'group', id: id['allNice'] }] });
    assert.equal(callLogToNice.status, 400);
    assert.match(callLogToNice.body.message, /call logs \(guide 7\.4\.6\) cannot be shared between domains/);
    assert.equal(await grants(), before, 'nothing written');

    await ok(grant({ objectType: 'phone-queue', objectRef: id['queue'], objectDomainId: id['paris'], subjects: [{ type: 'group', id: id['commerce'] }] }), 201);
    const callLog = await ok(grant({ objectType: 'call-log', objectRef: id['dave'], subjects: [{ type: 'group', id: id['commerce'] }] }), 201);
    id['callLogDave'] = callLog[0].id;

    // Statistics the other way round (9.4.2): "ban" sees the statistics of group Patrons.
    await ok(grant({ objectType: 'statistics', objectRef: id['ban'], subjects: [{ type: 'group', id: id['patrons'] }, { type: 'user', id: id['erin'] }] }), 201);

    const calendarToQueue = await grant({ objectType: 'calendar', objectRef: id['alice'], subjects: [{ type: 'phone-queue', id: id['queue'], domainId: id['paris'] }] });
    assert.equal(calendarToQueue.status, 400);
    assert.equal(calendarToQueue.body.details[0].path, 'subjects.0.type');

    const dup = await grant({ objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['paris'], subjects: [{ type: 'user', id: id['ban'] }, { type: 'group', id: id['all'] }] });
    assert.equal(dup.status, 409);
    assert.match(dup.body.message, /already granted: group All \(nothing was granted\)/);
    assert.equal(await count(`SELECT count(*) AS n FROM "authorization" WHERE subject_id = $1`, [id['ban']]), 0);

    const list = await ok(call('GET', `${authz()}?objectType=directory&objectRef=${id['dirParis']}`));
    assert.equal(list.total, 4);
    const bySubject = await ok(call('GET', `${authz()}?subjectId=${id['commerce']}`));
    assert.deepEqual(bySubject.items.map((a: { objectType: string }) => a.objectType).sort(), ['call-log', 'phone-queue']);
    assert.equal((await call('GET', `${authz()}?colour=blue`)).status, 400);
  });

  test('nothing is ever shared with another company', async () => {
    const before = await grants();
    const toB = await call('POST', authz(), { objectType: 'directory', objectRef: id['dirParis'], objectDomainId: id['paris'], subjects: [{ type: 'user', id: id['mallory'] }] });
    assert.equal(toB.status, 400);
    assert.deepEqual(toB.body.details, [{ path: 'subjects.0.id', message: `no user ${id['mallory']} in this company` }]);
    const objectOfB = await call('POST', authz(), { objectType: 'calendar', objectRef: id['mallory'], subjects: [{ type: 'user', id: id['alice'] }] });
    assert.equal(objectOfB.status, 400);
    assert.equal(objectOfB.body.details[0].path, 'objectRef');
    const domainOfB = await call('POST', authz(), { objectType: 'directory', objectRef: randomUUID(), objectDomainId: id['b'], subjects: [{ type: 'user', id: id['alice'] }] });
    assert.equal(domainOfB.status, 400);
    assert.equal(domainOfB.body.details[0].path, 'objectDomainId');
    const dirOfB = (await ok(call('POST', `/api/admin/v1/domains/${id['b']}/directories`, { name: 'B contacts', serverType: 'tws-contacts' }), 201)).id;
    const directoryOfB = await call('POST', authz(), { objectType: 'directory', objectRef: dirOfB, objectDomainId: id['paris'], subjects: [{ type: 'user', id: id['alice'] }] });
    assert.equal(directoryOfB.status, 400);
    assert.deepEqual(directoryOfB.body.details, [{ path: 'objectRef', message: `no directory ${dirOfB} in this company` }]);
    assert.equal(await grants(), before);
  });

  test('application grants consume licences: one per distinct user, refused beyond what is available', async () => {
    await pg.query(`INSERT INTO licence_application (application_code, available) VALUES ('caller', 2)`);
    const used = () => count(`SELECT count(DISTINCT u)::int AS n FROM (
        SELECT subject_id AS u FROM "authorization" WHERE object_type = 'application' AND object_ref = 'caller' AND subject_type = 'user'
        UNION SELECT m.user_id FROM "authorization" a JOIN group_member m ON m.group_id = a.subject_id WHERE a.object_type = 'application' AND a.object_ref = 'caller' AND a.subject_type = 'group') x`);
    await ok(call('POST', `${groups('paris')}/${id['three']}/members`, { userIds: [id['alice'], id['bob'], id['carol']] }));
    await ok(call('POST', `${groups('paris')}/${id['two']}/members`, { userIds: [id['alice'], id['bob']] }));
    const caller = (subjects: object[]) => call('POST', authz(), { objectType: 'application', objectRef: 'caller', subjects });

    const three = await caller([{ type: 'group', id: id['three'] }]);
    assert.equal(three.status, 409);
    assert.equal(three.body.error, 'licence_exceeded');
    assert.match(three.body.message, /TWS Caller: this would use 3 licences and 2 are available/);
    assert.equal(await count(`SELECT count(*) AS n FROM "authorization" WHERE object_type = 'application'`), 0, 'nothing written');

    const two = await ok(caller([{ type: 'group', id: id['two'] }]), 201);
    assert.equal(two[0].objectName, 'TWS Caller');
    // alice again, directly: she already uses a licence through Two, so still two users.
    await ok(caller([{ type: 'user', id: id['alice'] }]), 201);
    assert.equal(await used(), 2, 'a user reached twice counts once');
    const third = await caller([{ type: 'user', id: id['dave'] }]);
    assert.equal(third.status, 409);

    // Adding a member to a group that holds the application also consumes a licence.
    const join = await call('POST', `${groups('paris')}/${id['two']}/members`, { userIds: [id['carol']] });
    assert.equal(join.status, 409);
    assert.equal(join.body.error, 'licence_exceeded');
    assert.equal(await count('SELECT count(*) AS n FROM group_member WHERE group_id = $1', [id['two']]), 2, 'carol was not added');
    assert.equal(await used(), 2);

    const stats = await call('POST', authz(), { objectType: 'application', objectRef: 'stats', subjects: [{ type: 'user', id: id['ban'] }] });
    assert.equal(stats.status, 409, 'no licence loaded for Stats: 0 available');
  });

  test('effective rights over REST: direct and through groups, calendars of group members, statistics the other way round', async () => {
    const alice = await ok(call('GET', rightsOf('alice')));
    assert.deepEqual(alice.rights.application, ['caller']);
    assert.deepEqual(alice.rights.directory, [id['dirParis']]);
    assert.deepEqual(alice.rights['intercom-group'], [id['intercom']]);
    assert.deepEqual(alice.rights['phone-queue'], [], 'alice is not in Commerce');
    assert.deepEqual(alice.groupIds.sort(), [id['all'], id['three'], id['two']].sort());

    const bob = await ok(call('GET', `${rightsOf('bob')}?objectType=call-log`));
    assert.deepEqual(bob.rights, { 'call-log': [id['dave']] }, 'whose call logs bob may see: through Commerce');
    const erin = await ok(call('GET', rightsOf('erin', 'nice')));
    assert.deepEqual(erin.rights.calendar, [id['bob'], id['carol']].sort(), 'the calendars of the members of Commerce');
    assert.deepEqual(erin.rights.directory, [id['dirParis']], 'through All of nice');
    const ban = await ok(call('GET', `${rightsOf('ban')}?objectType=statistics`));
    assert.deepEqual(ban.rights.statistics, [id['carol'], id['dave'], id['erin']].sort());
    assert.deepEqual((await ok(call('GET', rightsOf('carol')))).rights.statistics, [], 'not the other way');

    const why = await ok(call('GET', `${rightsOf('bob')}/check?objectType=call-log&objectRef=${id['dave']}`));
    assert.deepEqual(why, { allowed: true, via: [{ kind: 'authorization', authorizationId: id['callLogDave'], subjectType: 'group', subjectId: id['commerce'], objectRef: id['dave'] }] });
    assert.equal((await ok(call('GET', `${rightsOf('alice')}/check?objectType=call-log&objectRef=${id['dave']}`))).allowed, false);
    assert.equal((await call('GET', `${rightsOf('alice')}/check?objectType=call-log`)).status, 400);
    assert.equal((await call('GET', rightsOf('erin'))).status, 404, 'erin is not in paris');
  });

  test('effective rights over NATS, validated both ways', async () => {
    const rest = await ok(call('GET', rightsOf('alice')));
    assert.deepEqual(await query(id['alice']!), rest);
    assert.deepEqual((await query(id['alice']!, 'directory')).rights, { directory: [id['dirParis']] });
    assert.equal((await check(id['erin']!, 'calendar', id['carol']!)).allowed, true);
    assert.equal((await check(id['erin']!, 'calendar', id['alice']!)).allowed, false);
    await assert.rejects(query(randomUUID()), (e: unknown) => e instanceof RemoteError && e.code === 'not_found');
    // A request that breaks the contract is answered with bad_request naming the field.
    const raw = await m.nc.request(EffectiveRightsQuery.pattern, JSONCodec().encode({ userId: 'alice' }), { timeout: 5000 });
    const reply = JSONCodec<{ ok: boolean; error: { code: string; details: { path: string }[] } }>().decode(raw.data);
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'bad_request');
    assert.equal(reply.error.details[0]!.path, 'userId');
  });

  test('a change is seen at once by the next query, here and on the other instance', async () => {
    const onOther = async (user: string, objectType: string, objectRef: string) =>
      (await ok(call('GET', `${rightsOf(user)}/check?objectType=${objectType}&objectRef=${objectRef}`, undefined, root, port2))).allowed as boolean;
    // The instance that made the change (over NATS, a check may reach either instance: the other
    // one learns of the change through the announcement, a moment later).
    const here = async (user: string, objectType: string, objectRef: string) =>
      (await ok(call('GET', `${rightsOf(user)}/check?objectType=${objectType}&objectRef=${objectRef}`))).allowed as boolean;
    // Warm both caches.
    assert.equal((await check(id['bob']!, 'call-log', id['dave']!)).allowed, true);
    assert.equal(await onOther('bob', 'call-log', id['dave']!), true);

    await ok(call('DELETE', `${authz()}/${id['callLogDave']}`), 204);
    assert.equal((await ok(call('GET', `${rightsOf('bob')}/check?objectType=call-log&objectRef=${id['dave']}`))).allowed, false, 'this instance: at once');
    await waitFor('the other instance to forget the revoked call log', async () => !(await onOther('bob', 'call-log', id['dave']!)));
    assert.equal(await count('SELECT count(*) AS n FROM "authorization" WHERE id = $1', [id['callLogDave']]), 0);
    assert.equal((await call('DELETE', `${authz()}/${id['callLogDave']}`)).status, 404);

    // Membership: bob leaves Commerce, so loses its phone queue.
    assert.equal(await onOther('bob', 'phone-queue', id['queue']!), true);
    await ok(call('POST', `${groups('paris')}/${id['commerce']}/members/remove`, { userIds: [id['bob']] }));
    assert.equal(await here('bob', 'phone-queue', id['queue']!), false, 'this instance: at once');
    await waitFor('the other instance to see bob left Commerce', async () => !(await onOther('bob', 'phone-queue', id['queue']!)));

    // Bulk revoke: all or nothing.
    const mine = (await ok(call('GET', `${authz()}?objectType=intercom-group`))).items.map((a: { id: string }) => a.id);
    const unknown = await call('POST', `${authz()}/revoke`, { ids: [...mine, randomUUID()] });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.details[0].path, `ids.${mine.length}`);
    assert.equal(await here('alice', 'intercom-group', id['intercom']!), true, 'nothing revoked');
    assert.deepEqual((await ok(call('POST', `${authz()}/revoke`, { ids: mine }))).revoked, mine);
    assert.equal(await here('alice', 'intercom-group', id['intercom']!), false, 'this instance: at once');
    await waitFor('every instance to see the revocation', async () => !(await check(id['alice']!, 'intercom-group', id['intercom']!)).allowed && !(await onOther('alice', 'intercom-group', id['intercom']!)));
  });

  test('deleting a group takes its memberships and authorizations with it, freeing licences', async () => {
    const held = await count(`SELECT count(*) AS n FROM "authorization" WHERE subject_id = $1 OR object_ref = $1::text`, [id['commerce']]);
    assert.ok(held >= 2, 'Commerce holds the phone queue and shares its calendars');
    await ok(call('DELETE', `${groups('paris')}/${id['commerce']}`), 204);
    assert.equal(await count(`SELECT count(*) AS n FROM "authorization" WHERE subject_id = $1 OR object_ref = $1::text`, [id['commerce']]), 0);
    assert.equal(await count('SELECT count(*) AS n FROM group_member WHERE group_id = $1', [id['commerce']]), 0);
    // Over NATS either instance may answer: the other one within a moment.
    await waitFor('erin no longer sees the calendars of Commerce', async () => ((await query(id['erin']!, 'calendar')).rights.calendar ?? []).length === 0);
    assert.equal((await call('GET', `${groups('paris')}/${id['commerce']}`)).status, 404);
    const audit = await ok(call('GET', '/api/admin/v1/audit-log?limit=200'));
    const entry = audit.find((e: { entity: string; action: string; entityId: string }) => e.entity === 'group' && e.action === 'delete' && e.entityId === id['commerce']);
    assert.equal(entry.before.authorizations.length, held);

    // Group Two held TWS Caller for alice and bob: deleting it frees bob's licence.
    await ok(call('DELETE', `${groups('paris')}/${id['two']}`), 204);
    await ok(call('POST', authz(), { objectType: 'application', objectRef: 'caller', subjects: [{ type: 'user', id: id['dave'] }] }), 201);
  });

  test('an administrator of another company gets 404 on every route, and nothing is written', async () => {
    const token = await api.signIn('adm-b', 'first-pass-b', 'second-pass-b');
    const [groupsBefore, membersBefore, grantsBefore] = [await count('SELECT count(*) AS n FROM tws_group'), await count('SELECT count(*) AS n FROM group_member'), await grants()];
    const anAuthorization = (await ok(call('GET', authz()))).items[0].id as string;
    const doc = (await call('GET', '/api/openapi.json')).body as { paths: Record<string, Record<string, { tags?: string[] }>> };
    const fill = (path: string) =>
      path
        .replace('{companyId}', id['companyA']!)
        .replace('{domainId}', id['paris']!)
        .replace('{groupId}', id['all']!)
        .replace('{userId}', id['alice']!)
        .replace('{authorizationId}', anAuthorization);
    const bodies: Record<string, unknown> = {
      groups: { name: 'Intruders' },
      members: { userIds: [id['ban']] },
      remove: { userIds: [id['alice']] },
      authorizations: { objectType: 'application', objectRef: 'caller', subjects: [{ type: 'user', id: id['ban'] }] },
      revoke: { ids: [anAuthorization] },
    };
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        if (!op.tags?.some((t) => t === 'groups' || t === 'authorizations')) continue;
        const last = path.split('/').filter((p) => !p.startsWith('{')).pop()!;
        const q = path.endsWith('/check') ? `?objectType=application&objectRef=caller` : '';
        const body = ['post', 'patch'].includes(method) ? (bodies[last] ?? { name: 'Intruders' }) : undefined;
        const r = await call(method.toUpperCase(), fill(path) + q, body, token);
        assert.equal(r.status, 404, `${method.toUpperCase()} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(!JSON.stringify(r.body).includes('Company A') && !JSON.stringify(r.body).includes('All'));
        walked++;
      }
    }
    assert.equal(walked, 16, 'every route of groups, members, authorizations and effective rights');
    assert.deepEqual(
      [await count('SELECT count(*) AS n FROM tws_group'), await count('SELECT count(*) AS n FROM group_member'), await grants()],
      [groupsBefore, membersBefore, grantsBefore],
    );
    // Its own company works.
    assert.equal((await call('POST', `/api/admin/v1/domains/${id['b']}/groups`, { name: 'Mine' }, token)).status, 201);
  });
});
