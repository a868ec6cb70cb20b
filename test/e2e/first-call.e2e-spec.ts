import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '@tws/testing';
import { http, SuiteHarness } from './suite-harness';

/**
 * The first call, end to end, on real processes: PBX simulator (CSTA XML over TCP),
 * web-services, cstaservices, eventservices and toolkit-web-services, real Postgres and NATS.
 * configure → the user signs in → make call → the PBX sees MakeCall → answer → hang up → call
 * log from the toolkit.
 */
describe('first call from PBX to call log', () => {
  const suite = new SuiteHarness();
  let domainId = '';
  /** alice's access token (TWS authentication, the default method). */
  let alice = '';
  const toolkit = (method: string, path: string, body?: unknown, token = alice) => http(method, suite.url('toolkit-web-services', path), body, token);

  before(async () => {
    await suite.startInfra();
    await suite.startSimulator(['--devices', '4001,4002', '--username', 'tws', '--password', 'pbx-secret']);
    await suite.startServices(['web-services', 'cstaservices', 'eventservices', 'toolkit-web-services']);
    await suite.signInAdmin();
  });
  after(() => suite.stop());

  test('an admin configures a company, a domain, a user with a CSTA device and the CSTA link', async () => {
    const company = await suite.admin('POST', '/api/admin/v1/companies', { name: 'Acme' });
    assert.equal(company.status, 201);
    const domain = await suite.admin('POST', `/api/admin/v1/companies/${company.body.id}/domains`, { name: 'acme.local', numberingLength: 4 });
    assert.equal(domain.status, 201);
    domainId = domain.body.id;
    const user = await suite.admin('POST', `/api/admin/v1/domains/${domainId}/users`, {
      username: 'alice',
      firstName: 'Alice',
      lastName: 'Martin',
      password: 'alice-secret',
      devices: [{ number: '4001', protocol: 'CSTA' }],
    });
    assert.equal(user.status, 201);
    alice = await suite.signInUser('acme.local', 'alice', 'alice-secret');
    assert.deepEqual(user.body.devices.map((d: { number: string }) => d.number), ['4001']);

    // A public TWS-contacts directory alice may see (guide 8, 7.4.2): who she calls gets a name.
    const dir = await suite.admin('POST', `/api/admin/v1/domains/${domainId}/directories`, { name: 'Contacts', serverType: 'tws-contacts', priority: 1 });
    assert.equal(dir.status, 201, JSON.stringify(dir.body));
    const contact = await suite.admin('POST', `/api/admin/v1/domains/${domainId}/directories/${dir.body.id}/contacts`, {
      lastName: 'Müller',
      firstName: 'Jürgen',
      company: 'Müller GmbH',
      phones: { professional: { number: '01 55 17 18 89' } },
    });
    assert.equal(contact.status, 201, JSON.stringify(contact.body));
    const grant = await suite.admin('POST', `/api/admin/v1/companies/${company.body.id}/authorizations`, {
      objectType: 'directory',
      objectRef: dir.body.id,
      objectDomainId: domainId,
      subjects: [{ type: 'user', id: user.body.id }],
    });
    assert.equal(grant.status, 201, JSON.stringify(grant.body));
    const link = await suite.admin('POST', `/api/admin/v1/domains/${domainId}/csta-links`, {
      name: 'Simulator',
      host: '127.0.0.1',
      port: suite.simulator!.cstaPort,
      pbxType: 'ECMA-323 XML',
      username: 'tws',
      password: 'pbx-secret',
    });
    assert.equal(link.status, 201);
    assert.equal(link.body.passwordSet, true);
    assert.equal(link.body.password, undefined, 'the PBX password is write-only');

    // This PBX presents external numbers with the outside-line prefix 0 (as Alcatel does):
    // the dialing plan removes it from incoming numbers (guide chapter 5, "Remove").
    const plan = await suite.admin('GET', `/api/admin/v1/domains/${domainId}/dialing-plan`);
    assert.equal(plan.body.settings.internalLength, 4, 'a new domain gets a dialing plan from its numbering length');
    assert.ok(plan.body.rules.length >= 5, 'with the standard rules of 5.1');
    const saved = await suite.admin('PUT', `/api/admin/v1/domains/${domainId}/dialing-plan`, { settings: { ...plan.body.settings, remove: '0' }, rules: plan.body.rules.map(({ id: _id, ...r }: { id: string }) => r) });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));

    // cstaservices picks the link up without a restart and monitors alice's device.
    await waitFor('4001 monitored on the PBX', async () => {
      const devices = await http('GET', `${suite.simulator!.http}/devices`);
      return devices.body.devices.find((d: { number: string; monitors: number }) => d.number === '4001')?.monitors === 1;
    }, 20_000);
  });

  test('make call → the PBX sees MakeCall → answer → hang up → the toolkit returns the call log', async () => {
    const made = await toolkit('POST', '/toolkit/v1/calls', { destination: '+33 1 55 17 18 89' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.equal(made.body.device, '4001');
    assert.equal(made.body.dialed, '00155171889', 'dialed through the domain dialing plan (guide 5.1 example)');
    assert.match(made.body.callRef, /^[0-9a-f-]{36}:\d+\.[0-9a-z]+$/);

    const seen = await http('GET', `${suite.simulator!.http}/requests?since=0`);
    const makeCall = seen.body.requests.find((r: { type: string }) => r.type === 'MakeCall');
    assert.ok(makeCall, 'the simulator received a CSTA MakeCall');
    assert.equal(makeCall.message.callingDevice, '4001');
    assert.equal(makeCall.message.calledDirectoryNumber, '00155171889');

    assert.equal((await http('POST', `${suite.simulator!.http}/devices/00155171889/answer`, {})).status, 200);
    assert.equal((await http('POST', `${suite.simulator!.http}/devices/4001/hangup`, {})).status, 200);

    const logs = await waitFor('the call in alice’s call log', async () => {
      const r = await toolkit('GET', '/toolkit/v1/call-logs');
      return r.body.items.length === 1 ? r.body.items : undefined;
    }, 20_000);
    assert.equal(logs[0].callRef, made.body.callRef);
    assert.equal(logs[0].device, '4001');
    assert.equal(logs[0].direction, 'outgoing');
    assert.equal(logs[0].answered, true);
    assert.equal(logs[0].missed, false);
    assert.equal(logs[0].remoteNumber, '+33155171889', 'the PBX number, in canonical form');
    // eventservices looked the number up in alice's directories (tws.dir.lookup, web-services).
    const named = await waitFor('the remote party named in the call log', async () => {
      const r = await toolkit('GET', '/toolkit/v1/call-logs');
      return r.body.items[0]?.remoteName ? r.body.items[0] : undefined;
    }, 20_000);
    assert.deepEqual([named.remoteName, named.remoteCompany], ['Jürgen Müller', 'Müller GmbH']);
    assert.ok(logs[0].answeredAt && logs[0].endedAt && logs[0].endedAt >= logs[0].answeredAt);
  });

  test('an incoming call nobody answers is logged as missed', async () => {
    const call = await http('POST', `${suite.simulator!.http}/calls`, { from: '00612345678', to: '4001' });
    assert.equal(call.status, 201);
    await http('POST', `${suite.simulator!.http}/devices/00612345678/hangup`, {});
    const missed = await waitFor('the missed call in the call log', async () => {
      const r = await toolkit('GET', '/toolkit/v1/call-logs');
      return r.body.items.find((c: { remoteNumber: string }) => c.remoteNumber === '+33612345678');
    }, 20_000);
    assert.equal(missed.direction, 'incoming');
    assert.equal(missed.missed, true);
    assert.equal(missed.answeredAt, null);
  });

  test('bad input is refused with a clear error and changes nothing', async () => {
    const anonymous = await toolkit('POST', '/toolkit/v1/calls', { destination: '123' }, '');
    assert.equal(anonymous.status, 401, 'the toolkit needs a signed-in user');
    const forSomeoneElse = await toolkit('POST', '/toolkit/v1/calls', { domain: 'acme.local', user: 'nobody', destination: '123' });
    assert.equal(forSomeoneElse.status, 403, "the token decides whose device calls");
    assert.equal(forSomeoneElse.body.error, 'identity_mismatch');
    const badNumber = await toolkit('POST', '/toolkit/v1/calls', { destination: 'call me' });
    assert.equal(badNumber.status, 400);
    assert.equal(badNumber.body.details[0].path, 'destination');
    const notJson = await toolkit('POST', '/toolkit/v1/calls', '{"destination":');
    assert.equal(notJson.status, 400);
    const seen = await http('GET', `${suite.simulator!.http}/requests?since=0`);
    assert.equal(seen.body.requests.filter((r: { type: string }) => r.type === 'MakeCall').length, 1, 'no extra MakeCall reached the PBX');
  });

  test('a device no CTI link monitors gets a 503 that says so', async () => {
    const bob = await suite.admin('POST', `/api/admin/v1/domains/${domainId}/users`, {
      username: 'bob',
      password: 'bob-secret',
      devices: [{ number: '4777', protocol: 'SIP' }],
    });
    assert.equal(bob.status, 201);
    const r = await toolkit('POST', '/toolkit/v1/calls', { destination: '4001' }, await suite.signInUser('acme.local', 'bob', 'bob-secret'));
    assert.equal(r.status, 503);
    assert.equal(r.body.error, 'device_not_monitored');
    assert.match(r.body.message, /4777/);
  });

  test('the link survives a PBX restart: reconnects, monitors again, and calls flow', async () => {
    const { cstaPort } = suite.simulator!;
    await suite.simulator!.proc.stop();
    await suite.startSimulator(['--devices', '4001,4002', '--username', 'tws', '--password', 'pbx-secret'], cstaPort);
    await waitFor('4001 monitored again after the PBX came back', async () => {
      const devices = await http('GET', `${suite.simulator!.http}/devices`);
      return devices.body.devices.find((d: { number: string; monitors: number }) => d.number === '4001')?.monitors === 1;
    }, 30_000);
    await http('POST', `${suite.simulator!.http}/calls`, { from: '+4930123456', to: '4001' });
    await http('POST', `${suite.simulator!.http}/devices/4001/answer`, {});
    await http('POST', `${suite.simulator!.http}/devices/4001/hangup`, {});
    const call = await waitFor('the call after the reconnection in the call log', async () => {
      const r = await toolkit('GET', '/toolkit/v1/call-logs');
      return r.body.items.find((c: { remoteNumber: string }) => c.remoteNumber === '+4930123456');
    }, 20_000);
    assert.equal(call.direction, 'incoming');
    assert.equal(call.answered, true);
  });
});
