import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from 'pg';
import { APPLICATIONS } from '@tws/contracts';
import { createLicence, generateLicenceKeyPair, parseLicencePrivateKey, signLicence } from '@tws/licence-file';
import { repoRoot, waitFor } from '@tws/testing';
import { AdminApiUnderTest, type Res } from './admin-api-harness';

const FIXTURES = join(repoRoot(), 'test/fixtures/licences');
const PUBLIC_PEM = readFileSync(join(FIXTURES, 'test-licence-public.pem'), 'utf8');
const PRIVATE_PEM = readFileSync(join(FIXTURES, 'test-licence-private.pem'), 'utf8');
const privateKey = parseLicencePrivateKey(PRIVATE_PEM);

/**
 * Security / Licences (guide 3.3.1, 3.3.2, 7.4.1) on a real web-services process: the
 * installation id, loading signed files (and every way a file is refused without changing
 * anything), Available / Used / Free with usage from authorizations, who may load and view.
 */
describe('licences: installation id, loading a signed file, Available / Used / Free', () => {
  const api = new AdminApiUnderTest();
  let pg: Client;
  let port: number;
  /** The configuration changes web-services announced (licence ones among them). */
  const announced = api.changes;
  let root = '';
  let limited = '';
  let installationId = '';
  const ids: Record<string, string> = {};

  const call = (method: string, path: string, body?: unknown, token = '', at = port): Promise<Res> => api.raw(method, path, body, token, at);
  const view = (token = root, at = port) => call('GET', '/api/admin/v1/licences', undefined, token, at);
  const load = (content: string, token = root, at = port) => call('POST', '/api/admin/v1/licences', { content }, token, at);
  const licenceFor = (applications: Record<string, number>, over: Partial<Parameters<typeof createLicence>[0]> = {}) =>
    createLicence({ installationId, issuedTo: 'SSDEI', applications, expiresAt: new Date('2099-12-31T23:59:59.999Z'), ...over }, privateKey);
  /** Everything a load may change: the file, the counts, the audit trail. */
  const state = async () => ({
    file: (await pg.query('SELECT * FROM licence_file')).rows,
    counts: (await pg.query('SELECT application_code, available FROM licence_application ORDER BY 1')).rows,
    audits: (await pg.query("SELECT count(*)::int AS n FROM audit_log WHERE entity = 'licence'")).rows[0].n,
  });
  const row = (body: any, code: string) => body.applications.find((a: { application: string }) => a.application === code);

  before(async () => {
    await api.start({ TWS_LICENCE_PUBLIC_KEY: PUBLIC_PEM });
    ({ pg, port, token: root } = api);
    installationId = (await pg.query('SELECT installation_id FROM installation')).rows[0].installation_id;

    // Two companies, each with a domain and users; an administrator limited to company B.
    for (const c of ['A', 'B']) {
      const company = await call('POST', '/api/admin/v1/companies', { name: `Company ${c}` }, root);
      ids[`company${c}`] = company.body.id;
      ids[`domain${c}`] = (await call('POST', `/api/admin/v1/companies/${company.body.id}/domains`, { name: `${c.toLowerCase()}.local` }, root)).body.id;
    }
    for (const [name, domain] of [['alice', 'A'], ['bob', 'A'], ['carol', 'A'], ['erin', 'A'], ['dave', 'B']] as const) {
      const u = await call('POST', `/api/admin/v1/domains/${ids[`domain${domain}`]}/users`, { username: name }, root);
      assert.equal(u.status, 201, JSON.stringify(u.body));
      ids[name] = u.body.id;
    }
    assert.equal((await call('POST', '/api/admin/v1/admin-users', { username: 'adm-b', password: 'first-pass-b', companyIds: [ids['companyB']] }, root)).status, 201);
    limited = await api.signIn('adm-b', 'first-pass-b', 'second-pass-b');
  });
  after(() => api.stop());

  test('before any file: the installation id, no licence, every application of the guide at 0', async () => {
    assert.match(installationId, /^[0-9A-F]{16}$/);
    const r = await view();
    assert.equal(r.status, 200);
    assert.equal(r.body.installationId, installationId);
    assert.equal(r.body.licence, null);
    assert.equal(r.body.trustedKeyId, '57677b818aaa4c47', 'the fixture key');
    assert.deepEqual(r.body.applications.map((a: { label: string }) => a.label), APPLICATIONS.map((a) => a.label), "the guide's rows, in its order");
    assert.ok(r.body.applications.every((a: any) => a.available === 0 && a.used === 0 && a.free === 0));
    assert.equal((await call('GET', '/api/admin/v1/licences')).status, 401, 'signed-in administrators only');
    const doc = (await call('GET', '/api/openapi.json')).body;
    assert.deepEqual(Object.keys(doc.paths['/api/admin/v1/licences']).sort(), ['get', 'post'], 'in the OpenAPI document');
  });

  test('a super user loads a valid file: counts in force, file kept, audited and announced', async () => {
    const { text, licence } = licenceFor({ caller: 10, stats: 5, toolkit: 202, 'toolkit-runtime': 400 });
    const r = await load(text);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual({ ...r.body.licence, loadedAt: undefined }, {
      licenceId: licence.licenceId,
      issuedTo: 'SSDEI',
      issuedAt: licence.issuedAt.toISOString(),
      expiresAt: '2099-12-31T23:59:59.999Z',
      expired: false,
      loadedAt: undefined,
      loadedBy: 'tws',
    });
    assert.deepEqual(row(r.body, 'caller'), { application: 'caller', label: 'TWS Caller', available: 10, used: 0, free: 10 });
    assert.equal(row(r.body, 'toolkit').available, 202);
    assert.equal(row(r.body, 'rules').available, 0, 'not in the file: none');
    assert.deepEqual(await view().then((v) => v.body), r.body, 'the view says the same');

    const stored = (await pg.query('SELECT content, loaded_by FROM licence_file')).rows[0];
    assert.equal(stored.content, text, 'kept exactly as loaded');
    const audit = (await pg.query("SELECT action, entity_id, company_id, after FROM audit_log WHERE entity = 'licence'")).rows;
    assert.equal(audit.length, 1);
    assert.equal(audit[0].action, 'create');
    assert.equal(audit[0].entity_id, licence.licenceId);
    assert.equal(audit[0].company_id, null, 'installation-wide');
    assert.equal(audit[0].after.applications.caller, 10);
    const change = await waitFor('the licence announcement', () => announced.find((c) => c.id === licence.licenceId));
    assert.deepEqual(change, { entity: 'licence', id: licence.licenceId, change: 'created' });
  });

  test('Used counts each distinct user authorized directly or through a group, in every company', async () => {
    const group = (await pg.query(`INSERT INTO tws_group (domain_id, name) VALUES ($1, 'All') RETURNING id`, [ids['domainA']])).rows[0].id;
    for (const u of ['alice', 'bob', 'carol']) await pg.query('INSERT INTO group_member (group_id, user_id) VALUES ($1, $2)', [group, ids[u]]);
    const grant = (company: string, app: string, type: 'user' | 'group', subject: string, domain: string) =>
      pg.query(
        `INSERT INTO "authorization" (company_id, object_type, object_ref, subject_type, subject_id, subject_domain_id) VALUES ($1, 'application', $2, $3, $4, $5)`,
        [company, app, type, subject, domain],
      );
    await grant(ids['companyA']!, 'caller', 'group', group, ids['domainA']!);
    await grant(ids['companyA']!, 'caller', 'user', ids['alice']!, ids['domainA']!); // also in the group: counted once
    await grant(ids['companyA']!, 'caller', 'user', ids['erin']!, ids['domainA']!);
    await grant(ids['companyB']!, 'caller', 'user', ids['dave']!, ids['domainB']!);
    await grant(ids['companyA']!, 'stats', 'group', group, ids['domainA']!);

    const r = await view();
    assert.deepEqual(row(r.body, 'caller'), { application: 'caller', label: 'TWS Caller', available: 10, used: 5, free: 5 });
    assert.deepEqual(row(r.body, 'stats'), { application: 'stats', label: 'TWS Stats', available: 5, used: 3, free: 2 });
    assert.deepEqual(row(r.body, 'toolkit'), { application: 'toolkit', label: 'TWS Toolkit', available: 202, used: 0, free: 202 });
  });

  test('an administrator limited to a company sees the same installation-wide figures but cannot load', async () => {
    const mine = await view(limited);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body, (await view()).body, 'licences belong to the installation, as in the original');
    const before = await state();
    const r = await load(licenceFor({ caller: 1000, stats: 1000 }).text, limited);
    assert.equal(r.status, 403);
    assert.equal(r.body.error, 'forbidden');
    assert.match(r.body.message, /only a super user loads licence files/);
    assert.deepEqual(await state(), before, 'nothing changed');
  });

  test('every refused file says why and changes nothing', async () => {
    const valid = licenceFor({ caller: 10, stats: 5 }).text;
    const payload = JSON.parse(valid).licence;
    const other = parseLicencePrivateKey(generateLicenceKeyPair().privateKeyPem);
    const cases: { name: string; content: string; status: number; error: string; message: RegExp }[] = [
      { name: 'altered count', content: valid.replace('"caller": 10', '"caller": 1000'), status: 400, error: 'licence_bad_signature', message: /altered after it was signed/ },
      { name: 'signed with another key', content: createLicence({ installationId, issuedTo: 'x', applications: { caller: 10, stats: 5 } }, other).text, status: 400, error: 'licence_bad_signature', message: /signed with key [0-9a-f]{16}, this installation trusts key 57677b818aaa4c47/ },
      { name: 'not JSON', content: 'DONGLE=1234\nCALLER=400', status: 400, error: 'licence_malformed', message: /not a licence file: not JSON/ },
      { name: 'not a licence document', content: '{"caller": 400}', status: 400, error: 'licence_malformed', message: /format: must be "tws-licence\/1"/ },
      { name: 'signed, missing a field', content: signLicence({ ...payload, issuedTo: undefined }, privateKey), status: 400, error: 'licence_malformed', message: /licence\.issuedTo/ },
      { name: 'another installation', content: licenceFor({ caller: 10, stats: 5 }, { installationId: 'FEDCBA9876543210' }).text, status: 409, error: 'licence_wrong_installation', message: new RegExp(`for installation FEDCBA9876543210, this installation is ${installationId}`) },
      { name: 'expired', content: licenceFor({ caller: 10, stats: 5 }, { expiresAt: new Date('2020-01-31T23:59:59.999Z') }).text, status: 409, error: 'licence_expired', message: /expired on 2020-01-31T23:59:59.999Z/ },
      { name: 'unknown applications', content: signLicence({ ...payload, applications: { caller: 10, stats: 5, fax: 2 } }, privateKey), status: 400, error: 'licence_unknown_application', message: /unknown application codes: fax/ },
      { name: 'negative count', content: signLicence({ ...payload, applications: { caller: 10, stats: 5, toolkit: -1 } }, privateKey), status: 400, error: 'licence_negative_count', message: /toolkit=-1/ },
      { name: 'fewer than in use', content: licenceFor({ caller: 4, stats: 2, toolkit: 5 }).text, status: 409, error: 'licence_over_used', message: /TWS Caller 4 available, 5 used; TWS Stats 2 available, 3 used — remove authorizations first/ },
    ];
    const before = await state();
    for (const c of cases) {
      const r = await load(c.content);
      assert.equal(r.status, c.status, `${c.name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, c.error, c.name);
      assert.match(r.body.message, c.message, c.name);
      assert.deepEqual(await state(), before, `${c.name}: nothing changed`);
    }
    const over = await load(licenceFor({ caller: 4, stats: 2 }).text);
    assert.deepEqual(over.body.details, [
      { application: 'caller', label: 'TWS Caller', available: 4, used: 5 },
      { application: 'stats', label: 'TWS Stats', available: 2, used: 3 },
    ]);

    for (const [body, field] of [[{}, 'content'], [{ content: '' }, 'content'], [{ content: valid, extra: 1 }, '']] as const) {
      const r = await call('POST', '/api/admin/v1/licences', body, root);
      assert.equal(r.status, 400);
      assert.equal(r.body.error, 'bad_request');
      assert.equal(r.body.details[0].path, field);
    }
    assert.deepEqual(await state(), before);
  });

  test('a new file replaces the old one: what it does not list drops to 0; audited as an update and announced', async () => {
    const { text, licence } = licenceFor({ caller: 5, stats: 3 }, { expiresAt: null }); // exactly what is used: accepted
    const r = await load(text);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.licence.expiresAt, null);
    assert.deepEqual(row(r.body, 'caller'), { application: 'caller', label: 'TWS Caller', available: 5, used: 5, free: 0 });
    assert.equal(row(r.body, 'toolkit').available, 0, 'was 202, not in the new file');
    assert.equal(row(r.body, 'toolkit-runtime').available, 0);
    assert.equal((await pg.query('SELECT count(*)::int AS n FROM licence_application')).rows[0].n, 17);
    const audit = (await pg.query("SELECT action, before, after FROM audit_log WHERE entity = 'licence' ORDER BY id DESC LIMIT 1")).rows[0];
    assert.equal(audit.action, 'update');
    assert.equal(audit.before.applications.toolkit, 202);
    assert.equal(audit.after.applications.toolkit, 0);
    assert.equal(audit.after.licenceId, licence.licenceId);
    const change = await waitFor('the update announcement', () => announced.find((c) => c.id === licence.licenceId));
    assert.equal(change.change, 'updated');
  });

  test('without a public key configured, the view works and a load says what to set', async () => {
    const { port: otherPort, process: bare } = await api.startAnother();
    try {
      const v = await view(root, otherPort);
      assert.equal(v.status, 200);
      assert.equal(v.body.trustedKeyId, null);
      assert.equal(v.body.licence.issuedTo, 'SSDEI', 'the file in force stays in force');
      const before = await state();
      const r = await load(licenceFor({ caller: 50, stats: 50 }).text, root, otherPort);
      assert.equal(r.status, 503);
      assert.equal(r.body.error, 'licence_key_missing');
      assert.match(r.body.message, /set TWS_LICENCE_PUBLIC_KEY/);
      assert.deepEqual(await state(), before);
    } finally {
      await bare.stop();
    }
  });

  test('a wrong public key in the configuration stops web-services at start (78), naming the variable, never echoing it', async () => {
    const { process: bad } = await api.startAnother({ TWS_LICENCE_PUBLIC_KEY: PRIVATE_PEM, LOG_LEVEL: 'info' }, { ready: false });
    assert.equal(await bad.exited, 78);
    assert.match(bad.output(), /TWS_LICENCE_PUBLIC_KEY: this is a private key: configure the public key only/);
    assert.ok(!bad.output().includes(PRIVATE_PEM.split('\n')[1]!), 'the value is not shown');
  });

  test('no private key is shipped: the only one in the repository is the test fixture', () => {
    const fixtureBody = PRIVATE_PEM.split('\n')[1]!;
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (/\.(ts|js|json|pem|md|ya?ml|key)$/.test(name)) {
          const text = readFileSync(path, 'utf8');
          if (text.includes(fixtureBody) || /-----BEGIN (\w+ )?PRIVATE KEY-----\s*\n[A-Za-z0-9+/]/.test(text)) offenders.push(path);
        }
      }
    };
    for (const top of ['apps', 'libs', 'tools', 'deploy', 'docs']) walk(join(repoRoot(), top));
    assert.deepEqual(offenders, []);
  });
});
