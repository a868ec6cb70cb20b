import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Client } from 'pg';
import type { ConfigChanged } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { waitFor } from '@tws/testing';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

/**
 * The telephony objects of a domain through the admin API of a real web-services: VTI-XML links,
 * the SIP connection, intercom groups, phone queues, SMS providers, collaboration servers and
 * virtual-device resources — validation, numbers unique across kinds, secrets, events, tenant
 * isolation, and deletions that leave no orphan.
 */
describe('admin API: telephony objects of a domain', () => {
  const api = new AdminApiUnderTest();
  let pg: Client;
  let companyId = '';
  let domainId = '';
  let d = '';
  /** Every response body seen, to prove no secret ever comes back. */
  const seen: string[] = [];

  const call = async (method: string, path: string, body?: unknown, token?: string): Promise<Res> => {
    const r = await api.call(method, path, body, token);
    seen.push(JSON.stringify(r.body ?? null));
    return r;
  };
  /** A 400 whose details name `field` (and nothing was written: checked by the callers' counts). */
  const refused = (r: Res, field: string) => {
    assert.equal(r.status, 400, JSON.stringify(r.body));
    const paths: string[] = r.body.details.map((x: { path: string }) => x.path);
    assert.ok(paths.includes(field), `${field} named in ${JSON.stringify(paths)}`);
  };
  const count = async (table: string) => (await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
  const announced = (entity: string, id: string, change: ConfigChanged['change']) =>
    waitFor(`${change} ${entity} ${id} announced on NATS`, () =>
      api.changes.some((c) => c.entity === entity && c.id === id && c.change === change && (entity === 'authorization' || c.domainId === domainId)),
    );

  before(async () => {
    await api.start();
    pg = api.pg;
    companyId = (await call('POST', '/companies', { name: 'Acme' })).body.id;
    domainId = (await call('POST', `/companies/${companyId}/domains`, { name: 'paris.acme', numberingLength: 4 })).body.id;
    d = `/domains/${domainId}`;
  });
  after(() => api.stop());

  test('VTI-XML links: defaults of the guide, site.cluster, CRUD, one link per host:port', async () => {
    const a = await call('POST', `${d}/vtixml-links`, { host: '192.1.3.253' });
    assert.equal(a.status, 201, JSON.stringify(a.body));
    assert.deepEqual(
      { port: a.body.port, siteCluster: a.body.siteCluster, capacity: a.body.capacity, audit: a.body.audit, enabled: a.body.enabled },
      { port: 3199, siteCluster: '0.0', capacity: 500, audit: 5000, enabled: true },
    );
    await announced('vtixml-link', a.body.id, 'created');
    const b = await call('POST', `${d}/vtixml-links`, { host: 'a5000-node2.acme.test', siteCluster: '1,2', capacity: 250 });
    assert.equal(b.body.siteCluster, '1.2', 'the guide writes 0,0 and 0.0: stored as site.cluster');
    assert.deepEqual((await call('GET', `${d}/vtixml-links`)).body.map((l: { host: string }) => l.host), ['192.1.3.253', 'a5000-node2.acme.test']);
    assert.equal((await call('GET', `${d}/vtixml-links/${b.body.id}`)).body.capacity, 250);

    const dup = await call('POST', `${d}/vtixml-links`, { host: 'A5000-NODE2.acme.test', siteCluster: '3.4' });
    assert.equal(dup.status, 409);
    assert.match(dup.body.message, /already exists/);

    const before = await count('vtixml_link');
    refused(await call('POST', `${d}/vtixml-links`, { host: 'not a host!' }), 'host');
    refused(await call('POST', `${d}/vtixml-links`, { host: '999.1.2.3' }), 'host');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', port: 70000 }), 'port');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', port: 0 }), 'port');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', siteCluster: '1-2' }), 'siteCluster');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', siteCluster: '1.2.3' }), 'siteCluster');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', capacity: 0 }), 'capacity');
    refused(await call('POST', `${d}/vtixml-links`, { host: '192.0.2.1', audit: -1 }), 'audit');
    assert.equal(await count('vtixml_link'), before, 'nothing written');

    const changed = await call('PATCH', `${d}/vtixml-links/${b.body.id}`, { host: '2001:db8::10', audit: 10000, enabled: false });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.host, '2001:db8::10');
    assert.equal(changed.body.siteCluster, '1.2');
    await announced('vtixml-link', b.body.id, 'updated');
    assert.equal((await call('PATCH', `${d}/vtixml-links/${b.body.id}`, { host: '192.1.3.253' })).status, 409, 'same host:port as the first');
    refused(await call('PATCH', `${d}/vtixml-links/${b.body.id}`, { siteCluster: 'x' }), 'siteCluster');
    assert.equal((await call('DELETE', `${d}/vtixml-links/${b.body.id}`)).status, 204);
    assert.equal((await call('GET', `${d}/vtixml-links/${b.body.id}`)).status, 404);
    await announced('vtixml-link', b.body.id, 'deleted');
  });

  test('the SIP connection: one per domain, created or replaced with PUT', async () => {
    assert.equal((await call('GET', `${d}/sip-link`)).status, 404);
    refused(await call('PUT', `${d}/sip-link`, { host: '192.0.2.30', pbxType: 'snom DEVICE' }), 'pbxType');
    refused(await call('PUT', `${d}/sip-link`, { host: 'pbx..acme', pbxType: 'Alcatel 4400' }), 'host');
    refused(await call('PUT', `${d}/sip-link`, { host: '192.0.2.30', port: 65536, pbxType: 'Alcatel 4400' }), 'port');
    const created = await call('PUT', `${d}/sip-link`, { host: '192.0.2.30', pbxType: 'Alcatel 4400' });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.port, 5060);
    await announced('sip-link', created.body.id, 'created');
    const replaced = await call('PUT', `${d}/sip-link`, { host: 'sip.acme.test', port: 5070, pbxType: 'Aastra' });
    assert.equal(replaced.body.id, created.body.id, 'still the one connection of the domain');
    assert.deepEqual((await call('GET', `${d}/sip-link`)).body, replaced.body);
    assert.equal(await count('sip_link'), 1);
    await announced('sip-link', created.body.id, 'updated');
  });

  test('CSTA links keep the defaults of the guide: Cisco CME user OCT_CME on 5060, snom DEVICE and Yealink listening on 0.0.0.0', async () => {
    const cme = await call('POST', `${d}/csta-links`, { name: 'uc500', host: '192.0.2.50', pbxType: 'Cisco CME' });
    assert.deepEqual([cme.status, cme.body.port, cme.body.username], [201, 5060, 'OCT_CME']);
    const snom = await call('POST', `${d}/csta-links`, { name: 'snom phones', pbxType: 'snom DEVICE' });
    assert.deepEqual([snom.status, snom.body.host, snom.body.port], [201, '0.0.0.0', 6010]);
    const yealink = await call('POST', `${d}/csta-links`, { name: 'yealink phones', pbxType: 'Yealink', port: 6011 });
    assert.deepEqual([yealink.status, yealink.body.host, yealink.body.port], [201, '0.0.0.0', 6011], 'Yealink phones connect to the suite too');
    refused(await call('POST', `${d}/csta-links`, { name: 'no host', pbxType: 'Alcatel 4400' }), 'host');
    for (const l of [cme, snom, yealink]) assert.equal((await call('DELETE', `${d}/csta-links/${l.body.id}`)).status, 204);
  });

  let hotline = '';
  test('intercom groups: without devices, with "duplicate x" devices, renamed, devices added, changed and removed', async () => {
    const empty = await call('POST', `${d}/intercom-groups`, { name: 'Intercom' });
    assert.equal(empty.status, 201, JSON.stringify(empty.body));
    assert.deepEqual(empty.body.devices, [], 'a group "from nothing" (9.1.2)');
    const g = await call('POST', `${d}/intercom-groups`, {
      name: 'Hotline',
      devices: [{ number: '6674', protocol: 'VTI-XML', mediaProtocol: 'TWS', password: 'icg-secret', duplicate: 3 }],
    });
    assert.equal(g.status, 201, JSON.stringify(g.body));
    hotline = g.body.id;
    assert.deepEqual(g.body.devices.map((x: { number: string }) => x.number), ['6674', '6675', '6676']);
    assert.ok(g.body.devices.every((x: { ccoCount: number; passwordSet: boolean; mediaProtocol: string }) => x.ccoCount === 3 && x.passwordSet && x.mediaProtocol === 'TWS'));
    await announced('intercom-group', hotline, 'created');
    assert.equal((await call('POST', `${d}/intercom-groups`, { name: 'HOTLINE' })).status, 409, 'names are unique in the domain');

    const renamed = await call('PATCH', `${d}/intercom-groups/${hotline}`, { name: 'Intercom Hotline' });
    assert.equal(renamed.body.name, 'Intercom Hotline');
    assert.equal((await call('PATCH', `${d}/intercom-groups/${hotline}`, { name: 'intercom' })).status, 409);
    assert.deepEqual((await call('GET', `${d}/intercom-groups`)).body.map((x: { name: string }) => x.name), ['Intercom', 'Intercom Hotline']);

    const added = await call('POST', `${d}/intercom-groups/${empty.body.id}/devices`, { number: '6690', protocol: 'CSTA', duplicate: 2 });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.deepEqual(added.body.map((x: { number: string; mediaProtocol: string }) => [x.number, x.mediaProtocol]), [['6690', 'None'], ['6691', 'None']]);
    const dev = added.body[1];
    const changed = await call('PATCH', `${d}/intercom-groups/${empty.body.id}/devices/${dev.id}`, { number: '6699', ccoCount: 1, password: 'x-secret' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.deepEqual([changed.body.number, changed.body.ccoCount, changed.body.passwordSet], ['6699', 1, true]);
    assert.equal((await call('PATCH', `${d}/intercom-groups/${empty.body.id}/devices/${dev.id}`, { password: null })).body.passwordSet, false);
    assert.equal((await call('DELETE', `${d}/intercom-groups/${empty.body.id}/devices/${dev.id}`)).status, 204);
    assert.deepEqual((await call('GET', `${d}/intercom-groups/${empty.body.id}`)).body.devices.map((x: { number: string }) => x.number), ['6690']);
    assert.equal((await call('POST', `${d}/intercom-groups`, { name: 'Sales', devices: [{ number: '6699', protocol: 'CSTA' }] })).status, 201, '6699 was freed');
    await announced('intercom-group', empty.body.id, 'updated');
  });

  test('intercom groups: bad devices are refused with the field named', async () => {
    const before = [await count('intercom_group'), await count('intercom_group_device')];
    const dev = { number: '7001', protocol: 'VTI-XML' };
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, number: '70a1' }] }), 'devices.0.number');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, number: '70+1' }] }), 'devices.0.number');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [dev, { ...dev, number: '7002', protocol: 'H323' }] }), 'devices.1.protocol');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, mediaProtocol: 'TWP' }] }), 'devices.0.mediaProtocol');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, ccoCount: 100 }] }), 'devices.0.ccoCount');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, duplicate: 0 }] }), 'devices.0.duplicate');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, number: '70#', duplicate: 2 }] }), 'devices.0.duplicate');
    refused(await call('POST', `${d}/intercom-groups`, { name: 'Bad', devices: [{ ...dev, duplicate: 2 }, { ...dev, number: '7002' }] }), 'devices');
    refused(await call('POST', `${d}/intercom-groups`, { name: ' ' }), 'name');
    refused(await call('POST', `${d}/intercom-groups/${hotline}/devices`, { number: '7001', protocol: 'SIP', duplicate: 101 }), 'duplicate');
    assert.deepEqual([await count('intercom_group'), await count('intercom_group_device')], before, 'nothing written');
  });

  let queueId = '';
  test('phone queues: name, device number, CCo, protocol, media protocol, password', async () => {
    const q = await call('POST', `${d}/phone-queues`, { name: 'Standard', number: '7777', protocol: 'VTI-XML', mediaProtocol: 'TWS', password: 'queue-secret' });
    assert.equal(q.status, 201, JSON.stringify(q.body));
    queueId = q.body.id;
    assert.deepEqual([q.body.number, q.body.ccoCount, q.body.protocol, q.body.mediaProtocol, q.body.passwordSet], ['7777', 3, 'VTI-XML', 'TWS', true]);
    await announced('phone-queue', queueId, 'created');
    assert.equal((await call('POST', `${d}/phone-queues`, { name: 'standard', number: '7778', protocol: 'CSTA' })).status, 409, 'names are unique');
    const before = await count('phone_queue');
    refused(await call('POST', `${d}/phone-queues`, { name: 'Bad', number: '77 77', protocol: 'CSTA' }), 'number');
    refused(await call('POST', `${d}/phone-queues`, { name: 'Bad', number: '7779', protocol: 'CSTA', ccoCount: -1 }), 'ccoCount');
    refused(await call('POST', `${d}/phone-queues`, { name: 'Bad', number: '7779' }), 'protocol');
    refused(await call('POST', `${d}/phone-queues`, { number: '7779', protocol: 'CSTA' }), 'name');
    assert.equal(await count('phone_queue'), before);
    const changed = await call('PATCH', `${d}/phone-queues/${queueId}`, { ccoCount: 8, password: null, number: '7700' });
    assert.deepEqual([changed.body.ccoCount, changed.body.passwordSet, changed.body.number], [8, false, '7700']);
    assert.equal((await call('GET', `${d}/phone-queues/${queueId}`)).body.number, '7700');
    assert.equal((await call('GET', `${d}/phone-queues`)).body.length, 1);
    await announced('phone-queue', queueId, 'updated');
    const temp = await call('POST', `${d}/phone-queues`, { name: 'Temp', number: '7701', protocol: 'SIP' });
    assert.equal((await call('DELETE', `${d}/phone-queues/${temp.body.id}`)).status, 204);
    assert.equal((await call('GET', `${d}/phone-queues/${temp.body.id}`)).status, 404);
  });

  test('SMS providers: the WSDL URL (J2S by default) and a write-only key', async () => {
    const p = await call('POST', `${d}/sms-providers`, { key: 'sms-key-secret' });
    assert.equal(p.status, 201, JSON.stringify(p.body));
    assert.equal(p.body.host, 'http://www.ecosms.fr/ecosms.wsdl');
    assert.equal(p.body.keySet, true);
    await announced('sms-provider', p.body.id, 'created');
    const before = await count('sms_provider');
    refused(await call('POST', `${d}/sms-providers`, { host: 'ftp://sms.acme.test/x.wsdl', key: 'k' }), 'host');
    refused(await call('POST', `${d}/sms-providers`, { host: 'www.ecosms.fr/ecosms.wsdl', key: 'k' }), 'host');
    refused(await call('POST', `${d}/sms-providers`, { host: 'https://sms.acme.test/x.wsdl' }), 'key');
    assert.equal(await count('sms_provider'), before);
    const changed = await call('PATCH', `${d}/sms-providers/${p.body.id}`, { host: 'https://sms.acme.test/sms.wsdl', key: 'sms-key-secret-2' });
    assert.equal(changed.body.host, 'https://sms.acme.test/sms.wsdl');
    refused(await call('PATCH', `${d}/sms-providers/${p.body.id}`, { host: 'nope' }), 'host');
    assert.equal((await call('GET', `${d}/sms-providers`)).body.length, 1);
    const other = await call('POST', `${d}/sms-providers`, { key: 'k2-secret' });
    assert.equal((await call('DELETE', `${d}/sms-providers/${other.body.id}`)).status, 204);
    assert.equal((await call('GET', `${d}/sms-providers/${other.body.id}`)).status, 404);
  });

  test('collaboration servers: the five types, each with the host it needs; several per domain', async () => {
    const ex = await call('POST', `${d}/collaboration-servers`, { type: 'Exchange 2010', host: 'https://exchange.acme.test/ews/Exchange.asmx', msDomain: 'acme.local', username: 'ExchTWP', password: 'exch-secret' });
    assert.equal(ex.status, 201, JSON.stringify(ex.body));
    assert.deepEqual([ex.body.port, ex.body.passwordSet, ex.body.msDomain], [0, true, 'acme.local']);
    await announced('collaboration-server', ex.body.id, 'created');
    const o365 = await call('POST', `${d}/collaboration-servers`, { type: 'Office 365', username: 'tws@acme.test', password: 'o365-secret' });
    assert.equal(o365.body.host, 'https://outlook.office365.com/ews/Exchange.asmx');
    const lotus = await call('POST', `${d}/collaboration-servers`, { type: 'Lotus', host: 'domino.acme.test', port: 63148, username: 'admin', password: 'lotus-secret' });
    assert.equal(lotus.status, 201, JSON.stringify(lotus.body));
    const google = await call('POST', `${d}/collaboration-servers`, { type: 'Google Apps', msDomain: 'acme.test', username: 'apitws@tws.iam.gserviceaccount.com' });
    assert.deepEqual([google.status, google.body.host, google.body.passwordSet], [201, 'Google Apps', false]);
    const old = await call('POST', `${d}/collaboration-servers`, { type: 'Exchange', host: 'http://exchange.acme.test/exchange/', username: 'ExchTWP' });
    assert.equal(old.status, 201, JSON.stringify(old.body));
    assert.equal((await call('GET', `${d}/collaboration-servers`)).body.length, 5);

    const before = await count('collaboration_server');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Exchange', host: 'exchange.acme.test', username: 'u' }), 'host');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Exchange 2010', username: 'u' }), 'host');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Lotus', host: 'http://domino/', username: 'u' }), 'host');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Google Apps', username: 'u' }), 'msDomain');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Notes', host: 'domino', username: 'u' }), 'type');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Lotus', host: 'domino', port: 70000, username: 'u' }), 'port');
    refused(await call('POST', `${d}/collaboration-servers`, { type: 'Lotus', host: 'domino' }), 'username');
    assert.equal(await count('collaboration_server'), before);

    refused(await call('PATCH', `${d}/collaboration-servers/${ex.body.id}`, { type: 'Lotus' }), 'host');
    const changed = await call('PATCH', `${d}/collaboration-servers/${ex.body.id}`, { type: 'Lotus', host: '192.0.2.40', password: null, msDomain: null });
    assert.deepEqual([changed.status, changed.body.type, changed.body.passwordSet, changed.body.msDomain], [200, 'Lotus', false, null]);
    await announced('collaboration-server', ex.body.id, 'updated');
    assert.equal((await call('DELETE', `${d}/collaboration-servers/${old.body.id}`)).status, 204);
    assert.equal((await call('GET', `${d}/collaboration-servers/${old.body.id}`)).status, 404);
  });

  test('virtual-device resources: SIP only, media None, password 0000 by default, duplicate x; the SIP connection comes first', async () => {
    const other = (await call('POST', `/companies/${companyId}/domains`, { name: 'nosip.acme' })).body.id;
    const none = await call('POST', `/domains/${other}/virtual-device-resources`, { application: 'rules', number: '8100' });
    assert.equal(none.status, 409);
    assert.match(none.body.message, /SIP connection/);

    const r = await call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '8100', duplicate: 3 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.deepEqual(r.body.map((x: { number: string }) => x.number), ['8100', '8101', '8102']);
    assert.ok(r.body.every((x: { protocol: string; mediaProtocol: string; passwordSet: boolean }) => x.protocol === 'SIP' && x.mediaProtocol === 'None' && x.passwordSet));
    const sealed = (await pg.query('SELECT password_sealed FROM virtual_device_resource WHERE number = $1', ['8100'])).rows[0].password_sealed;
    assert.match(sealed, /^v1:/);
    assert.equal(new SecretBox(api.secretKey).open(sealed), '0000', 'the default of the guide');
    await announced('virtual-device-resource', r.body[0].id, 'created');
    const created = await call('POST', `${d}/virtual-device-resources`, { application: 'videoshare', number: '8200', password: 'vdr-secret' });
    assert.equal(created.status, 201);
    const video = created.body[0];

    const before = await count('virtual_device_resource');
    refused(await call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '8300', protocol: 'CSTA' }), 'protocol');
    refused(await call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '8300', mediaProtocol: 'TWS' }), 'mediaProtocol');
    refused(await call('POST', `${d}/virtual-device-resources`, { application: 'caller', number: '8300' }), 'application');
    refused(await call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '' }), 'number');
    refused(await call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '8300', duplicate: 1.5 }), 'duplicate');
    assert.equal(await count('virtual_device_resource'), before);

    assert.deepEqual((await call('GET', `${d}/virtual-device-resources?application=videoshare`)).body.map((x: { number: string }) => x.number), ['8200']);
    assert.equal((await call('GET', `${d}/virtual-device-resources`)).body.length, 4);
    assert.equal((await call('GET', `${d}/virtual-device-resources?application=nope`)).status, 400);
    const changed = await call('PATCH', `${d}/virtual-device-resources/${video.id}`, { number: '8201', password: 'vdr-secret-2' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.number, '8201');
    assert.equal((await call('GET', `${d}/virtual-device-resources/${video.id}`)).body.number, '8201');

    const sipDelete = await call('DELETE', `${d}/sip-link`);
    assert.equal(sipDelete.status, 409, 'resources register through it');
    assert.match(sipDelete.body.message, /virtual-device resource/);
    assert.equal((await call('DELETE', `${d}/virtual-device-resources/${video.id}`)).status, 204);
    assert.equal((await call('GET', `${d}/virtual-device-resources/${video.id}`)).status, 404);
    await announced('virtual-device-resource', video.id, 'deleted');
  });

  test('a number is unique across user devices, intercom group devices, phone queues and resources of a domain (409, all or nothing)', async () => {
    const alice = await call('POST', `${d}/users`, { username: 'alice', devices: [{ number: '4001', protocol: 'CSTA' }] });
    assert.equal(alice.status, 201);
    const counts = async () => {
      const out: number[] = [];
      for (const t of ['intercom_group', 'intercom_group_device', 'phone_queue', 'virtual_device_resource', 'device']) out.push(await count(t));
      return out;
    };
    const before = await counts();

    const q = await call('POST', `${d}/phone-queues`, { name: 'Q', number: '4001', protocol: 'CSTA' });
    assert.equal(q.status, 409);
    assert.match(q.body.message, /4001 \(by a user's device\)/);
    assert.equal((await call('POST', `${d}/intercom-groups`, { name: 'G', devices: [{ number: '3999', protocol: 'CSTA', duplicate: 5 }] })).status, 409, '3999..4003 meets 4001');
    assert.equal((await call('POST', `${d}/intercom-groups/${hotline}/devices`, { number: '7699', protocol: 'CSTA', duplicate: 2 })).status, 409, '7700 is the queue');
    const res = await call('POST', `${d}/virtual-device-resources`, { application: 'mail', number: '6673', duplicate: 3 });
    assert.equal(res.status, 409, '6674 and 6675 are intercom devices');
    assert.match(res.body.message, /6674 \(by an intercom group device\), 6675 \(by an intercom group device\)/);
    assert.equal((await call('PATCH', `${d}/phone-queues/${queueId}`, { number: '8100' })).status, 409, '8100 is a resource');
    const resource = (await call('GET', `${d}/virtual-device-resources?application=rules`)).body[0];
    assert.equal((await call('PATCH', `${d}/virtual-device-resources/${resource.id}`, { number: '6676' })).status, 409);
    const icDevice = (await call('GET', `${d}/intercom-groups/${hotline}`)).body.devices[0];
    assert.equal((await call('PATCH', `${d}/intercom-groups/${hotline}/devices/${icDevice.id}`, { number: '4001' })).status, 409);
    assert.deepEqual(await counts(), before, 'nothing written by any refused request');

    // The users API is held to the same rule by the database, although it does not know these objects.
    const bob = await call('POST', `${d}/users`, { username: 'bob', devices: [{ number: '7700', protocol: 'CSTA' }] });
    assert.equal(bob.status, 409, JSON.stringify(bob.body));
    assert.match(bob.body.message, /7700 is already used in this domain by a phone queue/);
    assert.equal((await call('POST', `${d}/users/${alice.body.id}/devices`, { number: '8101', protocol: 'SIP' })).status, 409);
    assert.equal((await call('PATCH', `${d}/users/${alice.body.id}/devices/${alice.body.devices[0].id}`, { number: '6675' })).status, 409);
    assert.deepEqual(await counts(), before);

    // Two administrators racing for one number: the database lets exactly one win.
    const race = await Promise.all([
      call('POST', `${d}/phone-queues`, { name: 'Race A', number: '5555', protocol: 'CSTA' }),
      call('POST', `${d}/virtual-device-resources`, { application: 'rules', number: '5554', duplicate: 3 }),
      call('POST', `${d}/intercom-groups`, { name: 'Race C', devices: [{ number: '5555', protocol: 'CSTA' }] }),
    ]);
    assert.equal(race.filter((r) => r.status === 201).length, 1, JSON.stringify(race.map((r) => r.status)));
    assert.equal(race.filter((r) => r.status === 409).length, 2);
    assert.equal((await pg.query(`SELECT count(*)::int AS n FROM domain_number WHERE domain_id = $1 AND number IN ('5554', '5555', '5556')`, [domainId])).rows[0].n, race[1]!.status === 201 ? 3 : 1);

    // Another domain has its own numbers; a freed number can be taken again.
    const lyon = (await call('POST', `/companies/${companyId}/domains`, { name: 'lyon.acme' })).body.id;
    assert.equal((await call('POST', `/domains/${lyon}/phone-queues`, { name: 'Q', number: '4001', protocol: 'CSTA' })).status, 201);
    assert.equal((await call('PATCH', `${d}/users/${alice.body.id}/devices/${alice.body.devices[0].id}`, { number: '4002' })).status, 200);
    assert.equal((await call('POST', `${d}/phone-queues`, { name: 'Q', number: '4001', protocol: 'CSTA' })).status, 201);
    assert.equal((await call('DELETE', `${d}/users/${alice.body.id}`)).status, 204);
    assert.equal((await call('POST', `${d}/virtual-device-resources`, { application: 'mail', number: '4002' })).status, 201);
  });

  test('secrets are never returned, sealed at rest, masked in the audit log', async () => {
    const secrets = ['icg-secret', 'x-secret', 'queue-secret', 'sms-key-secret', 'exch-secret', 'o365-secret', 'lotus-secret', 'vdr-secret', 'k2-secret'];
    for (const s of secrets) assert.ok(!seen.some((text) => text.includes(s)), `${s} never in a response`);
    const stored = await pg.query(`
      SELECT password_sealed AS v FROM intercom_group_device WHERE password_sealed IS NOT NULL
      UNION ALL SELECT password_sealed FROM phone_queue WHERE password_sealed IS NOT NULL
      UNION ALL SELECT key_sealed FROM sms_provider
      UNION ALL SELECT password_sealed FROM collaboration_server WHERE password_sealed IS NOT NULL
      UNION ALL SELECT password_sealed FROM virtual_device_resource`);
    assert.ok(stored.rows.length >= 10);
    for (const r of stored.rows) {
      assert.match(r.v, /^v1:/);
      assert.ok(!secrets.some((s) => r.v.includes(s)));
    }
    const audit = JSON.stringify((await pg.query(`SELECT before, after FROM audit_log WHERE entity IN ('intercom-group', 'phone-queue', 'sms-provider', 'collaboration-server', 'virtual-device-resource')`)).rows);
    assert.ok(audit.length > 100);
    assert.ok(!secrets.some((s) => audit.includes(s)), 'no secret in the audit log');
    const entry = (await call('GET', '/audit-log?limit=500')).body.find((e: { entity: string; action: string }) => e.entity === 'phone-queue' && e.action === 'create');
    assert.equal(entry.adminUsername, 'tws');
    assert.equal(entry.companyId, companyId);
  });

  test("deleting an intercom group or a phone queue deletes the authorizations about it, in the same transaction", async () => {
    const user = (await call('POST', `${d}/users`, { username: 'carol' })).body.id;
    const directory = randomUUID();
    const grant = (objectType: string, objectRef: string, subjectType: string, subjectId: string) =>
      pg.query(
        `INSERT INTO "authorization" (company_id, object_type, object_ref, object_domain_id, subject_type, subject_id, subject_domain_id)
         VALUES ($1, $2, $3, $4, $5, $6, $4) RETURNING id`,
        [companyId, objectType, objectRef, domainId, subjectType, subjectId],
      );
    const ids = [
      (await grant('intercom-group', hotline, 'user', user)).rows[0].id,
      (await grant('directory', directory, 'intercom-group', hotline)).rows[0].id,
      (await grant('phone-queue', queueId, 'user', user)).rows[0].id,
      (await grant('directory', directory, 'phone-queue', queueId)).rows[0].id,
    ];
    const unrelated = (await grant('directory', directory, 'user', user)).rows[0].id;

    assert.equal((await call('DELETE', `${d}/intercom-groups/${hotline}`)).status, 204);
    assert.equal((await call('GET', `${d}/intercom-groups/${hotline}`)).status, 404);
    assert.equal((await pg.query('SELECT count(*)::int AS n FROM intercom_group_device WHERE group_id = $1', [hotline])).rows[0].n, 0);
    assert.equal((await call('DELETE', `${d}/phone-queues/${queueId}`)).status, 204);
    const left = await pg.query(
      `SELECT id FROM "authorization" WHERE object_ref IN ($1, $2) OR subject_id IN ($1::uuid, $2::uuid)`,
      [hotline, queueId],
    );
    assert.deepEqual(left.rows, [], 'no orphan authorization');
    assert.equal((await pg.query('SELECT count(*)::int AS n FROM "authorization" WHERE id = $1', [unrelated])).rows[0].n, 1, 'others stay');
    for (const id of ids) await announced('authorization', id, 'deleted');
    await announced('intercom-group', hotline, 'deleted');
    await announced('phone-queue', queueId, 'deleted');
    const audit = (await pg.query(`SELECT before FROM audit_log WHERE entity = 'intercom-group' AND action = 'delete' AND entity_id = $1`, [hotline])).rows[0].before;
    assert.equal(audit.authorizations.length, 2, 'the audit log keeps what went with it');
    // The freed numbers are free again.
    assert.equal((await call('POST', `${d}/phone-queues`, { name: 'Again', number: '6674', protocol: 'CSTA' })).status, 201);
  });

  test('an administrator of another company gets 404 on every telephony route, and nothing is written', async () => {
    const other = (await call('POST', '/companies', { name: 'Other' })).body.id;
    await call('POST', '/admin-users', { username: 'adm-other', password: 'first-pass-o', companyIds: [other] });
    const token = await api.signIn('adm-other', 'first-pass-o', 'second-pass-o');

    // Real objects of the first company, so that only the tenant check can refuse.
    const ids: Record<string, string> = {
      linkId: (await call('GET', `${d}/vtixml-links`)).body[0].id,
      groupId: (await call('GET', `${d}/intercom-groups`)).body[0].id,
      queueId: (await call('GET', `${d}/phone-queues`)).body[0].id,
      providerId: (await call('GET', `${d}/sms-providers`)).body[0].id,
      serverId: (await call('GET', `${d}/collaboration-servers`)).body[0].id,
      resourceId: (await call('GET', `${d}/virtual-device-resources`)).body[0].id,
    };
    ids['deviceId'] = (await call('GET', `${d}/intercom-groups/${ids['groupId']}`)).body.devices[0]?.id ?? randomUUID();
    const bodies: Record<string, unknown> = {
      'vtixml-links': { host: '192.0.2.66' },
      'sip-link': { host: '192.0.2.66', pbxType: 'Mitel' },
      'intercom-groups': { name: 'Intruder', devices: [{ number: '9990', protocol: 'CSTA' }] },
      devices: { number: '9991', protocol: 'CSTA' },
      'phone-queues': { name: 'Intruder', number: '9992', protocol: 'CSTA' },
      'sms-providers': { host: 'https://evil.test/x.wsdl', key: 'k' },
      'collaboration-servers': { type: 'Lotus', host: 'evil.test', username: 'u' },
      'virtual-device-resources': { application: 'rules', number: '9993' },
    };
    const tables = ['vtixml_link', 'sip_link', 'intercom_group', 'intercom_group_device', 'phone_queue', 'sms_provider', 'collaboration_server', 'virtual_device_resource', 'domain_number', '"authorization"', 'audit_log'];
    const snapshot = async () => {
      const out: string[] = [];
      for (const t of tables) out.push((await pg.query(`SELECT md5(coalesce(string_agg(x::text, ',' ORDER BY x::text), '')) AS h FROM ${t} x`)).rows[0].h);
      return out;
    };
    const before = await snapshot();

    const doc = (await fetch(`http://127.0.0.1:${api.port}/api/openapi.json`).then((r) => r.json())) as { paths: Record<string, Record<string, unknown>> };
    const mine = /\/(vtixml-links|sip-link|intercom-groups|phone-queues|sms-providers|collaboration-servers|virtual-device-resources)\b/;
    let walked = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      if (!mine.test(path)) continue;
      for (const method of Object.keys(methods)) {
        const last = path.split('/').filter((p) => !p.startsWith('{')).pop()!;
        const url = path.replace('/api/admin/v1', '').replace('{domainId}', domainId).replace(/\{(\w+)\}/g, (_m, name: string) => ids[name] ?? randomUUID());
        const r = await call(method.toUpperCase(), url, ['post', 'put', 'patch'].includes(method) ? (bodies[last] ?? {}) : undefined, token);
        assert.equal(r.status, 404, `${method.toUpperCase()} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
        assert.ok(!JSON.stringify(r.body).includes('Acme'));
        walked++;
      }
    }
    assert.equal(walked, 36, 'every telephony route was walked');
    assert.deepEqual(await snapshot(), before, 'nothing was written');
  });
});
