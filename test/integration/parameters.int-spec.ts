import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import { ConfigChanges, ResolveParameters, type ResolvedParameters } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { RemoteError, type Messaging } from '@tws/messaging';
import { waitFor } from '@tws/testing';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

/**
 * Application parameters through a real web-services: the guide's catalogue, expert mode, type
 * checks, write-only secrets, resolution user > group > domain > default with the several-groups
 * rule, resolution over REST and NATS with its cache (a second instance proves the invalidation
 * across instances), audit and announcements, and tenant isolation of every route.
 */
describe('application parameters', () => {
  const api = new AdminApiUnderTest();
  let pg: Client;
  let port: number;
  let messaging: Messaging;
  let root = '';
  let foreign = '';
  const key = api.secretKey;
  const changes = api.changes;
  const ids: Record<string, string> = {};

  const call = (method: string, path: string, body?: unknown, token = root, p = port): Promise<Res> => api.call(method, path, body, token, p);
  const put = (path: string, value: unknown, token = root) => call('PUT', path, { value }, token);
  const effective = async (userId: string, name: string, p = port) => {
    const r = await call('GET', `/domains/${ids['paris']}/users/${userId}/effective-parameters/${name}`, undefined, root, p);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const resolveOverNats = async (payload: { userId: string; names?: string[]; application?: 'rules' }) =>
    (await messaging.request(ResolveParameters, [], payload)) as ResolvedParameters;
  const valueCount = async () => Number((await pg.query('SELECT count(*) AS n FROM parameter_value')).rows[0].n);
  const group = async (name: string, domain: string, members: string[]) => {
    const g = await pg.query('INSERT INTO tws_group (domain_id, name) VALUES ($1, $2) RETURNING id', [ids[domain], name]);
    for (const m of members) await pg.query('INSERT INTO group_member (group_id, user_id) VALUES ($1, $2)', [g.rows[0].id, ids[m]]);
    return g.rows[0].id as string;
  };

  before(async () => {
    await api.start();
    ({ pg, port, messaging, token: root } = api);
    ids['acme'] = (await call('POST', '/companies', { name: 'Acme' })).body.id;
    ids['paris'] = (await call('POST', `/companies/${ids['acme']}/domains`, { name: 'paris.acme' })).body.id;
    for (const [u, n] of [['alice', '4001'], ['bob', '4002'], ['carol', '4003']] as const) {
      const r = await call('POST', `/domains/${ids['paris']}/users`, { username: u, devices: [{ number: n, protocol: 'CSTA' }] });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids[u] = r.body.id;
    }
    ids['other'] = (await call('POST', '/companies', { name: 'Other Co' })).body.id;
    ids['berlin'] = (await call('POST', `/companies/${ids['other']}/domains`, { name: 'berlin.other' })).body.id;
    ids['zed'] = (await call('POST', `/domains/${ids['berlin']}/users`, { username: 'zed' })).body.id;
    // Groups and membership by SQL (the groups API is built elsewhere).
    ids['sales'] = await group('Sales', 'paris', ['alice', 'bob']);
    ids['boss'] = await group('boss', 'paris', ['bob']);
    ids['direction'] = await group('10-Direction', 'paris', ['bob']);
    ids['berlinGroup'] = await group('Team', 'berlin', ['zed']);

    const adm = await call('POST', '/admin-users', { username: 'adm-other', password: 'first-pass-o', companyIds: [ids['other']] });
    assert.equal(adm.status, 201, JSON.stringify(adm.body));
    foreign = await api.signIn('adm-other', 'first-pass-o', 'second-pass-o');
  });
  after(() => api.stop());

  test('the catalogue: applications of the menu and the guide\'s parameters with type, default and expert flag', async () => {
    const apps = await call('GET', '/applications');
    assert.equal(apps.status, 200);
    assert.deepEqual(apps.body.map((a: { label: string }) => a.label), ['System settings', 'TWS Server', 'TWS Caller', 'TWS Alerter', 'TWS Rules', 'TWS MediaServer']);

    const server = (await call('GET', '/applications/server/parameters')).body as any[];
    const p = (list: any[], name: string) => list.find((x) => x.name === name);
    assert.deepEqual(
      { type: p(server, 'AuthMethods').type, values: p(server, 'AuthMethods').values, default: p(server, 'AuthMethods').default },
      { type: 'list', values: ['TWS', 'LDAP', 'WindowsSecurity', 'None'], default: ['TWS'] },
    );
    assert.equal(p(server, 'AuthLdapDn').default, '?');
    assert.equal(p(server, 'AuthLdapPort').type, 'integer');
    assert.equal(p(server, 'smtp').type, 'string');
    assert.equal(p(server, 'SmtAuthPassword'), undefined, 'expert parameters are hidden by default');
    const serverExpert = (await call('GET', '/applications/server/parameters?expert=true')).body as any[];
    assert.deepEqual([p(serverExpert, 'SmtAuthPassword').type, p(serverExpert, 'SmtAuthPassword').expert], ['secret', true]);
    assert.equal(p(serverExpert, 'SmtServerPort').default, 25);

    const system = (await call('GET', '/applications/system/parameters?expert=true')).body as any[];
    assert.equal(p(system, 'timeSynchronizationDirectories').type, 'time');
    assert.equal(p(system, 'timeSynchronizationDirectories').expert, true);
    assert.equal(p(system, 'CallLog-NumberMaxOfStorage').default, 30);
    assert.equal(p(system, 'CallLog-NumberDaysOfStorage').default, 30);
    assert.deepEqual(p(system, 'CallLog-StartCleaningHour').scopes, ['default']);
    assert.equal(p(system, 'DisplayCalendarPrivate').type, 'boolean');

    const caller = (await call('GET', '/applications/caller/parameters')).body as any[];
    assert.equal(p(caller, 'AuthorizeChat').default, true);
    assert.ok(p(caller, 'AuhtorizeNote'), 'the guide\'s spelling');
    assert.equal(p(caller, 'AuthorizedForwardPresenceAsbsent'), undefined);
    assert.ok(caller.every((x) => !x.expert));
    const callerExpert = (await call('GET', '/applications/caller/parameters?expert=true')).body as any[];
    assert.ok(p(callerExpert, 'AuthorizedForwardPresenceAsbsent').expert);
    assert.ok(callerExpert.length > caller.length);
    assert.equal((await call('GET', '/applications')).body.find((a: any) => a.code === 'caller').parameters, caller.length);

    const alerter = (await call('GET', '/applications/alerter/parameters')).body as any[];
    assert.deepEqual(p(alerter, 'AlerterMode').values, ['XML', 'URL']);
    const rules = (await call('GET', '/applications/rules/parameters')).body as any[];
    assert.equal(p(rules, 'CIRCULARLEVEL').type, 'integer');
    const media = (await call('GET', '/applications/mediaserver/parameters')).body as any[];
    assert.equal(p(media, 'AppSharingRouterPort').default, 8202);
    assert.equal(p(media, 'MediaServerSIP_Port'), undefined);
    assert.equal(p((await call('GET', '/applications/mediaserver/parameters?expert=true')).body, 'MediaServerSIP_Port').default, 8201);

    assert.equal((await call('GET', '/parameters/authorizenote')).body.name, 'AuhtorizeNote', 'case-insensitive, corrected spelling accepted');
    assert.equal((await call('GET', '/applications/nope/parameters')).status, 404);
    assert.equal((await call('GET', '/parameters/NoSuchThing')).status, 404);

    // Written into the database at start, for other readers and the values' foreign key.
    const stored = await pg.query(`SELECT name, type, default_value, expert FROM parameter_definition WHERE NOT retired`);
    const byName = new Map(stored.rows.map((r) => [r.name, r]));
    assert.ok(byName.size >= 70, `${byName.size} definitions stored`);
    assert.deepEqual(byName.get('AuthMethods'), { name: 'AuthMethods', type: 'list', default_value: 'TWS', expert: false });
    assert.equal(byName.get('SmtAuthPassword').default_value, null);
  });

  test('values are checked against the type at save time: 400 naming the parameter and why, nothing written', async () => {
    const paris = `/domains/${ids['paris']}/parameters`;
    const refusals: [string, unknown, RegExp][] = [
      ['AuthLdapPort', 70000, /AuthLdapPort: must be an integer between 1 and 65535/],
      ['AuthMethods', 'TWS|Kerberos', /AuthMethods: "Kerberos" is not one of TWS, LDAP, WindowsSecurity, None/],
      ['AlerterMode', 'HTML', /AlerterMode: must be one of XML, URL/],
      ['AuthorizeChat', 'maybe', /AuthorizeChat: must be true or false/],
      ['MapServiceURL', 'ftp://maps.example/', /MapServiceURL: must be an http or https URL/],
      ['vmNumber', '88 88', /vmNumber: must be a phone number/],
      ['CallLog-StartCleaningHour', '03:00', /CallLog-StartCleaningHour cannot be set on a domain: it is set as the default value only/],
      ['SupervisionInformationGroup', 'Intercom Hotline', /cannot be set on a group/],
    ];
    for (const [name, value, reason] of refusals) {
      const path = name === 'SupervisionInformationGroup' ? `/domains/${ids['paris']}/groups/${ids['sales']}/parameters/${name}` : `${paris}/${name}`;
      const r = await put(path, value);
      assert.equal(r.status, 400, `${name} = ${JSON.stringify(value)}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.message, reason);
      assert.equal(r.body.details[0].parameter, name);
      assert.equal(r.body.details[0].path, 'value');
    }
    const time = await put('/parameters/timeSynchronizationDirectories', '3h30');
    assert.equal(time.status, 400);
    assert.match(time.body.message, /HH:MM/);
    const missing = await call('PUT', `${paris}/vmNumber`, {});
    assert.equal(missing.status, 400);
    assert.equal(missing.body.details[0].path, 'value');
    assert.equal((await put(`${paris}/NoSuchParameter`, 'x')).status, 404);
    assert.equal(await valueCount(), 0, 'nothing written');

    const auth = await put(`${paris}/AuthMethods`, 'TWS|windowssecurity');
    assert.equal(auth.status, 200, JSON.stringify(auth.body));
    assert.deepEqual(auth.body.value, ['TWS', 'WindowsSecurity']);
    assert.equal((await put(`${paris}/AuthorizeChat`, 'No')).body.value, false);
    assert.equal((await put(`${paris}/AuthLdapPort`, '636')).body.value, 636);
    const listed = await call('GET', `${paris}?application=server`);
    assert.deepEqual(listed.body.map((v: { name: string }) => v.name), ['AuthMethods', 'AuthLdapPort']);
  });

  test('secrets are write-only and encrypted at rest; services get them sealed over NATS', async () => {
    assert.equal((await put('/parameters/SmtAuthPassword', 'smtp-s3cret', foreign)).status, 403, 'installation defaults are for super users');
    const r = await put('/parameters/SmtpAuthPassword', 'smtp-s3cret');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.name, 'SmtAuthPassword');
    assert.equal(r.body.value, null);
    assert.equal(r.body.valueSet, true);
    const shown = JSON.stringify([r.body, (await call('GET', '/parameters/SmtAuthPassword')).body, await effective(ids['alice']!, 'SmtAuthPassword')]);
    assert.ok(!shown.includes('smtp-s3cret') && !shown.includes('v1:'), shown);
    assert.equal((await call('GET', '/parameters/SmtAuthPassword')).body.installationDefault.valueSet, true);

    const stored = (await pg.query(`SELECT value FROM parameter_value WHERE parameter_name = 'SmtAuthPassword'`)).rows[0].value as string;
    assert.ok(stored.startsWith('v1:') && !stored.includes('smtp-s3cret'), 'sealed at rest');
    const audit = JSON.stringify((await call('GET', '/audit-log?limit=200')).body);
    assert.ok(!audit.includes('smtp-s3cret'), 'not in the audit log');

    const nats = await resolveOverNats({ userId: ids['alice']!, names: ['SmtAuthPassword'] });
    assert.equal(nats.parameters[0]!.value, null);
    assert.equal(new SecretBox(key).open(nats.parameters[0]!.sealed!), 'smtp-s3cret', 'a service holding TWS_SECRET_KEY can open it');
  });

  test('resolution for a user: user > group > domain > default > catalogue, and the several-groups rule', async () => {
    const vm = async (u: string) => {
      const e = await effective(ids[u]!, 'vmNumber');
      return [e.value, e.source.scope, e.source.groupName];
    };
    assert.deepEqual(await vm('alice'), ['', 'catalogue', undefined]);
    assert.equal((await put('/parameters/vmNumber', '1000')).status, 200);
    assert.deepEqual(await vm('alice'), ['1000', 'default', undefined]);
    assert.equal((await put(`/domains/${ids['paris']}/parameters/vmNumber`, '2000')).status, 200);
    assert.deepEqual(await vm('alice'), ['2000', 'domain', undefined]);
    assert.equal((await put(`/domains/${ids['paris']}/groups/${ids['sales']}/parameters/vmNumber`, '3000')).status, 200);
    assert.deepEqual(await vm('alice'), ['3000', 'group', 'Sales']);
    assert.deepEqual(await vm('carol'), ['2000', 'domain', undefined], 'carol is in no group');
    assert.equal((await put(`/domains/${ids['paris']}/users/${ids['alice']}/parameters/vmNumber`, '4000')).status, 200);
    assert.deepEqual(await vm('alice'), ['4000', 'user', undefined]);
    assert.equal((await call('DELETE', `/domains/${ids['paris']}/users/${ids['alice']}/parameters/vmNumber`)).status, 204);
    assert.deepEqual(await vm('alice'), ['3000', 'group', 'Sales'], 'removing the user value lets the group value apply again');
    assert.equal((await call('DELETE', `/domains/${ids['paris']}/users/${ids['alice']}/parameters/vmNumber`)).status, 404, 'nothing left to remove');
    assert.equal((await call('GET', `/domains/${ids['paris']}/users/${ids['zed']}/effective-parameters/vmNumber`)).status, 404, 'zed is not in this domain');

    // bob is in Sales, boss and 10-Direction: the group whose name comes first wins (case-insensitive).
    assert.deepEqual(await vm('bob'), ['3000', 'group', 'Sales']);
    await put(`/domains/${ids['paris']}/groups/${ids['boss']}/parameters/vmNumber`, '5000');
    assert.deepEqual(await vm('bob'), ['5000', 'group', 'boss'], '"boss" comes before "Sales"');
    await put(`/domains/${ids['paris']}/groups/${ids['direction']}/parameters/vmNumber`, '6000');
    const bob = await effective(ids['bob']!, 'vmNumber');
    assert.deepEqual([bob.value, bob.source.groupName], ['6000', '10-Direction']);
    assert.deepEqual(bob.alsoSetByGroups.map((g: { groupName: string }) => g.groupName), ['boss', 'Sales'], 'the losing groups are named');
    assert.deepEqual(await vm('alice'), ['3000', 'group', 'Sales'], 'alice is only in Sales');

    const all = await call('GET', `/domains/${ids['paris']}/users/${ids['bob']}/effective-parameters?application=caller`);
    assert.ok(all.body.every((x: { application: string; name: string }) => x.application === 'caller'));
    assert.ok(all.body.some((x: { name: string }) => x.name === 'vmNumber'));
    assert.ok(!all.body.some((x: { name: string }) => x.name === 'AuthorizedMultiChat'), 'expert ones hidden');
    const allExpert = await call('GET', `/domains/${ids['paris']}/users/${ids['bob']}/effective-parameters?application=caller&expert=true`);
    assert.ok(allExpert.body.some((x: { name: string }) => x.name === 'AuthorizedMultiChat'));
    assert.equal(allExpert.body.find((x: { name: string }) => x.name === 'AuthorizeChat').value, false, 'from the domain');

    const where = await call('GET', `/companies/${ids['acme']}/parameters/vmNumber/values`);
    assert.deepEqual(
      where.body.map((v: any) => [v.scope, v.domainName, v.groupName ?? v.username ?? null, v.value]),
      [['domain', 'paris.acme', null, '2000'], ['group', 'paris.acme', '10-Direction', '6000'], ['group', 'paris.acme', 'boss', '5000'], ['group', 'paris.acme', 'Sales', '3000']],
    );
    assert.deepEqual((await call('GET', `/domains/${ids['paris']}/groups/${ids['boss']}/parameters`)).body.map((v: any) => [v.name, v.value]), [['vmNumber', '5000']]);
  });

  test('resolve over NATS: values with their source, application filter, clear errors', async () => {
    const r = await resolveOverNats({ userId: ids['alice']!, names: ['vmNumber', 'authmethods', 'CIRCULARLEVEL'] });
    assert.equal(r.domainId, ids['paris']);
    assert.deepEqual(
      r.parameters.map((x) => [x.name, x.value, x.source.scope]),
      [['vmNumber', '3000', 'group'], ['AuthMethods', ['TWS', 'WindowsSecurity'], 'domain'], ['CIRCULARLEVEL', 2, 'catalogue']],
    );
    const rules = await resolveOverNats({ userId: ids['carol']!, application: 'rules' });
    assert.deepEqual(rules.parameters.map((x) => x.name), ['CIRCULARLEVEL', 'CreateOnlyRUL', 'EMERGENCYNUMBER', 'EMERGENCYNUMBERCALLTIMES', 'IsUserAuthorizedToCreateWithAdminRules', 'TRANSFERVERIFICATION', 'WAITTIMENOREPLY', 'WAITTIMENOREPLYPBX']);
    await assert.rejects(resolveOverNats({ userId: randomUUID() }), (e: RemoteError) => e.code === 'not_found');
    await assert.rejects(resolveOverNats({ userId: ids['alice']!, names: ['vmNumber', 'Nope'] }), (e: RemoteError) => e.code === 'bad_request' && /Nope/.test(e.message));
    // A malformed request (sent raw, past the client-side check) is refused naming the field.
    const raw = await messaging.nc.request(ResolveParameters.subject(), JSON.stringify({ userId: 'not-a-uuid' }), { timeout: 5000 });
    const reply = JSON.parse(new TextDecoder().decode(raw.data));
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'bad_request');
    assert.match(reply.error.message, /userId/);
  });

  test('the cache: a second instance serves cached values and drops them when another instance announces a change', async () => {
    // The second instance re-syncs the catalogue at start: a tampered definition is restored.
    await pg.query(`UPDATE parameter_definition SET description = 'tampered' WHERE name = 'vmNumber'`);
    const { port: port2, process: ws2 } = await api.startAnother();
    assert.notEqual((await pg.query(`SELECT description FROM parameter_definition WHERE name = 'vmNumber'`)).rows[0].description, 'tampered');

    assert.equal((await effective(ids['carol']!, 'vmNumber', port2)).value, '2000');
    // Behind every instance's back (no announcement): the second one still answers from its cache.
    await pg.query(`UPDATE parameter_value SET value = '2999' WHERE parameter_name = 'vmNumber' AND scope = 'domain'`);
    assert.equal((await effective(ids['carol']!, 'vmNumber', port2)).value, '2000', 'served from the cache');
    // A change through the first instance is announced; the second drops its cache.
    assert.equal((await put(`/domains/${ids['paris']}/parameters/vmNumber`, '2500')).status, 200);
    await waitFor('the second instance to see the change', async () => (await effective(ids['carol']!, 'vmNumber', port2)).value === '2500');
    assert.equal((await effective(ids['carol']!, 'vmNumber')).value, '2500', 'the first instance at once');
    await ws2.stop();
  });

  test('changes are audited (who, before/after) and announced as "parameter" configuration changes', async () => {
    const audit = (await call('GET', '/audit-log?limit=200')).body as any[];
    const domainChange = audit.find((e) => e.entity === 'parameter' && e.action === 'update' && e.after?.parameter === 'vmNumber' && e.after?.scope === 'domain');
    assert.ok(domainChange, 'the domain value update is audited');
    assert.equal(domainChange.adminUsername, 'tws');
    assert.equal(domainChange.companyId, ids['acme']);
    assert.equal(domainChange.after.value, '2500');
    assert.ok(audit.some((e) => e.entity === 'parameter' && e.action === 'delete' && e.before?.userId === ids['alice']));
    await waitFor('announcements', () => changes.some((c) => c.entity === 'parameter' && c.change === 'deleted'));
    assert.ok(changes.some((c) => c.entity === 'parameter' && c.id === domainChange.entityId && c.domainId === ids['paris'] && c.change === 'updated'));
  });

  test('tenant isolation: an administrator of another company gets 404 on every parameter route, and nothing is written', async () => {
    const before = (await pg.query('SELECT id, value, updated_at FROM parameter_value ORDER BY id')).rows;
    const d = ids['paris'];
    const routes: [string, string, unknown?][] = [
      ['GET', `/domains/${d}/parameters`],
      ['PUT', `/domains/${d}/parameters/vmNumber`, { value: '666' }],
      ['DELETE', `/domains/${d}/parameters/vmNumber`],
      ['GET', `/domains/${d}/groups/${ids['sales']}/parameters`],
      ['PUT', `/domains/${d}/groups/${ids['sales']}/parameters/vmNumber`, { value: '666' }],
      ['DELETE', `/domains/${d}/groups/${ids['sales']}/parameters/vmNumber`],
      ['GET', `/domains/${d}/users/${ids['alice']}/parameters`],
      ['PUT', `/domains/${d}/users/${ids['alice']}/parameters/vmNumber`, { value: '666' }],
      ['DELETE', `/domains/${d}/users/${ids['alice']}/parameters/vmNumber`],
      ['GET', `/domains/${d}/users/${ids['alice']}/effective-parameters`],
      ['GET', `/domains/${d}/users/${ids['alice']}/effective-parameters/vmNumber`],
      ['GET', `/companies/${ids['acme']}/parameters/vmNumber/values`],
      // Its own domain with the other company's group or user: not found either.
      ['PUT', `/domains/${ids['berlin']}/groups/${ids['sales']}/parameters/vmNumber`, { value: '666' }],
      ['PUT', `/domains/${ids['berlin']}/users/${ids['alice']}/parameters/vmNumber`, { value: '666' }],
      ['GET', `/domains/${ids['berlin']}/users/${ids['alice']}/effective-parameters`],
      // Bad input does not reveal anything before the tenant check.
      ['PUT', `/domains/${d}/parameters/AuthLdapPort`, { value: 'not a port' }],
      ['PUT', `/domains/${d}/parameters/NoSuchParameter`, {}],
    ];
    for (const [method, path, body] of routes) {
      const r = await call(method, path, body, foreign);
      assert.equal(r.status, 404, `${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
      assert.ok(!JSON.stringify(r.body).includes('Acme') && !JSON.stringify(r.body).includes('paris'), JSON.stringify(r.body));
    }
    assert.deepEqual((await pg.query('SELECT id, value, updated_at FROM parameter_value ORDER BY id')).rows, before, 'nothing written');

    // Its own company works, and does not touch the other one; the catalogue is for everyone.
    assert.equal((await put(`/domains/${ids['berlin']}/parameters/vmNumber`, '7000', foreign)).status, 200);
    assert.equal((await put(`/domains/${ids['berlin']}/groups/${ids['berlinGroup']}/parameters/AlerterMode`, 'url', foreign)).body.value, 'URL');
    assert.equal((await call('GET', `/domains/${ids['berlin']}/users/${ids['zed']}/effective-parameters/vmNumber`, undefined, foreign)).body.value, '7000');
    assert.equal((await effective(ids['carol']!, 'vmNumber')).value, '2500');
    assert.equal((await call('GET', '/applications/caller/parameters', undefined, foreign)).status, 200);
    assert.equal((await call('DELETE', '/parameters/vmNumber', undefined, foreign)).status, 403);
    const audit = (await call('GET', '/audit-log?limit=200', undefined, foreign)).body as any[];
    assert.ok(audit.length > 0 && audit.every((e) => e.companyId === ids['other']), 'its audit log shows its own company only');
  });

  test('deleting a group or a user deletes the values set on it (no orphans)', async () => {
    const before = await valueCount();
    await pg.query('DELETE FROM tws_group WHERE id = $1', [ids['direction']]);
    await pg.query('DELETE FROM tws_user WHERE id = $1', [ids['zed']]);
    assert.equal(await valueCount(), before - 1, 'the 10-Direction value went with its group');
    assert.equal(Number((await pg.query('SELECT count(*) AS n FROM parameter_value WHERE group_id = $1', [ids['direction']])).rows[0].n), 0);
    // The groups API announces such changes; the resolution cache follows.
    messaging.publish(ConfigChanges, ['group'], { entity: 'group', id: ids['direction']!, domainId: ids['paris']!, change: 'deleted' });
    await waitFor('bob back to the boss value', async () => (await effective(ids['bob']!, 'vmNumber')).source.groupName === 'boss');
    assert.equal((await call('DELETE', '/parameters/vmNumber')).status, 204);
    assert.equal((await call('GET', '/parameters/vmNumber')).body.installationDefault, null);
  });
});
