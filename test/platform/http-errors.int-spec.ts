// The JSON error shape of the HTTP APIs ({ error, message, details }), seen through a real
// web-services process on a migrated database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import type { LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startProcess, startTestNats, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';
import { builtApp, http, postJson } from './fixture/process-helpers';

const COMPANIES = '/api/admin/v1/companies';

/** Signs in as the default administrator of a fresh database, changing its initial password. */
async function signIn(port: number): Promise<string> {
  const login = await postJson(port, '/api/admin/v1/auth/login', JSON.stringify({ username: 'tws', password: 'tws' }));
  assert.equal(login.status, 200, JSON.stringify(login.json));
  const token = login.json.token as string;
  if (login.json.mustChangePassword) {
    const newPassword = randomBytes(12).toString('base64url');
    const changed = await postJson(port, '/api/admin/v1/auth/password', JSON.stringify({ currentPassword: 'tws', newPassword }), { authorization: `Bearer ${token}` });
    assert.equal(changed.status, 200, JSON.stringify(changed.json));
  }
  return token;
}

/** Every error answer has this shape, whatever produced it. */
function assertErrorShape(r: { status: number; contentType: string; json: any }, status: number, code: string) {
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.match(r.contentType, /^application\/json/);
  assert.equal(r.json.error, code);
  assert.equal(typeof r.json.message, 'string');
  assert.ok(r.json.message.length > 0);
  assert.equal(r.json.statusCode, undefined, 'no Nest-specific fields leak into the shape');
}

describe('HTTP errors of web-services', () => {
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let sut: ServiceProcess;
  let port: number;
  let auth: Record<string, string> = {};
  const post = (path: string, body: string, headers: Record<string, string> = {}) => postJson(port, path, body, { ...auth, ...headers });
  const get = (path: string) => http(port, path, { headers: auth });

  before(async () => {
    [db, nats, port] = await Promise.all([createTestDatabase(), startTestNats(), freePort()]);
    sut = startProcess('web-services', builtApp('web-services'), {
      HTTP_PORT: String(port),
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      TWS_SECRET_KEY: randomBytes(32).toString('base64'),
    });
    await waitReady(sut, port, 30_000);
    auth = { authorization: `Bearer ${await signIn(port)}` };
  });

  after(async () => {
    await sut?.stop();
    await nats?.stop();
    await db?.drop();
  });

  test('no credentials: 401 in the same shape', async () => {
    const r = await http(port, COMPANIES);
    assertErrorShape(r, 401, 'unauthenticated');
  });

  test('malformed JSON: 400 bad_request', async () => {
    const r = await post(COMPANIES, '{"name": "Acme",');
    assertErrorShape(r, 400, 'bad_request');
  });

  test('a field of the wrong type: 400 with details naming it', async () => {
    const r = await post(COMPANIES, JSON.stringify({ name: 42 }));
    assertErrorShape(r, 400, 'bad_request');
    assert.ok(Array.isArray(r.json.details));
    assert.deepEqual(r.json.details.map((d: { path: string }) => d.path), ['name']);
    assert.match(r.json.message, /name/);
  });

  test('an unknown field: 400 naming it', async () => {
    const r = await post(COMPANIES, JSON.stringify({ name: 'Acme', colour: 'red' }));
    assertErrorShape(r, 400, 'bad_request');
    assert.match(r.json.message, /colour/);
  });

  test('a second company with the same name in another case: 409 conflict, and nothing is added', async () => {
    const created = await post(COMPANIES, JSON.stringify({ name: 'Globex' }));
    assert.equal(created.status, 201, JSON.stringify(created.json));
    assert.equal(created.json.name, 'Globex');

    const again = await post(COMPANIES, JSON.stringify({ name: 'GLOBEX' }));
    assertErrorShape(again, 409, 'conflict');
    assert.doesNotMatch(again.json.message, /DATABASE_URL|postgres:\/\//);

    const list = await get(COMPANIES);
    assert.deepEqual(list.json.filter((c: { name: string }) => c.name.toLowerCase() === 'globex').length, 1);
  });

  test('an unknown company id: 404 not_found naming it', async () => {
    const id = randomUUID();
    const r = await get(`${COMPANIES}/${id}`);
    assertErrorShape(r, 404, 'not_found');
    assert.match(r.json.message, new RegExp(id));
  });

  test('an id that is not a uuid: 400 bad_request', async () => {
    const r = await get(`${COMPANIES}/not-a-uuid`);
    assertErrorShape(r, 400, 'bad_request');
  });

  test('an unknown route: 404 not_found in the same shape', async () => {
    const r = await get('/api/admin/v1/no-such-thing');
    assertErrorShape(r, 404, 'not_found');
  });

  test('the correlation id is echoed, and a new one is made when absent', async () => {
    const given = await post(COMPANIES, '{', { 'x-correlation-id': 'req-42' });
    assert.equal(given.headers.get('x-correlation-id'), 'req-42');
    const made = await get(`${COMPANIES}/not-a-uuid`);
    assert.match(made.headers.get('x-correlation-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});
