import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AuthVerify, type VerifiedToken } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, RemoteError, type LocalNatsServer } from '@tws/messaging';
import {
  createTestDatabase,
  freePort,
  repoRoot,
  startService,
  startTestNats,
  startTestSlapd,
  waitReady,
  type ServiceProcess,
  type TestDatabase,
  type TestSlapd,
} from '@tws/testing';

type Res = { status: number; body: any; headers: Record<string, string | string[] | undefined> };

const run = promisify(execFile);
const ZEEP_CALL = join(repoRoot(), 'test', 'toolkit-soap', 'zeep_call.py');
const PROXY_HEADER = 'X-Remote-User';

/**
 * User sign-in (guide chapter 6) on real processes: web-services and toolkit-web-services on
 * real Postgres and NATS, a real OpenLDAP slapd seeded here. Every method (TWS, LDAP,
 * WindowsSecurity through a trusted proxy header, None) and their combinations through
 * `POST /api/v1/auth/login`, the toolkit's REST login and its SOAP Login (zeep); tokens,
 * refresh, logout, revocation by the admin API, `tws.auth.verify`, the application check,
 * throttling and the absence of user enumeration.
 */
describe('user authentication', () => {
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let ldap: TestSlapd;
  let ws: ServiceProcess;
  let tk: ServiceProcess;
  let wsPort: number;
  let tkPort: number;
  let pg: Client;
  let m: Messaging;
  let root = '';
  const id: Record<string, string> = {};
  const DOMAIN = 'auth.example';

  /** HTTP from a chosen loopback address (127.0.0.1 is the trusted proxy, 127.0.0.2 is not). */
  const http = (port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, from = '127.0.0.1'): Promise<Res> =>
    new Promise((resolveRes, reject) => {
      const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = httpRequest(
        { host: '127.0.0.1', port, method, path, localAddress: from, headers: { ...(data ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) } : {}), ...headers } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolveRes({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined, headers: res.headers }));
        },
      );
      req.once('error', reject);
      if (data) req.write(data);
      req.end();
    });
  const admin = (method: string, path: string, body?: unknown) => http(wsPort, method, `/api/admin/v1${path}`, body, { authorization: `Bearer ${root}` });
  const ok = async (p: Promise<Res>, status = 200) => {
    const r = await p;
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${ws.output().slice(-3000)}` : ''}`);
    return r.body;
  };
  const resetThrottle = () => pg.query('DELETE FROM login_throttle');
  /** POST /api/v1/auth/login (throttling reset first, unless the test is about it). */
  const login = async (body: Record<string, unknown>, opts: { headers?: Record<string, string>; from?: string; keepThrottle?: boolean } = {}) => {
    if (!opts.keepThrottle) await resetThrottle();
    return http(wsPort, 'POST', '/api/v1/auth/login', { domain: DOMAIN, ...body }, opts.headers, opts.from);
  };
  const me = (token: string) => http(wsPort, 'GET', '/api/v1/auth/me', undefined, { authorization: `Bearer ${token}` });
  const verify = async (token: string): Promise<VerifiedToken | string> => {
    try {
      return (await m.request(AuthVerify, [], { token })) as VerifiedToken;
    } catch (e) {
      return (e as RemoteError).code;
    }
  };
  const setParam = (name: string, value: unknown, user?: string) =>
    ok(admin('PUT', `/domains/${id['domain']}${user ? `/users/${id[user]}` : ''}/parameters/${name}`, { value }));
  const createUser = async (username: string, extra: Record<string, unknown> = {}) => {
    id[username] = (await ok(admin('POST', `/domains/${id['domain']}/users`, { username, ...extra }), 201)).id;
  };
  const zeep = async (operation: string, args: Record<string, unknown>, opts: { soapHeaders?: Record<string, string>; httpHeaders?: Record<string, string> } = {}) => {
    const { stdout } = await run('/usr/bin/python3', [ZEEP_CALL, `http://127.0.0.1:${tkPort}/toolkit/soap?wsdl`, operation, JSON.stringify(args), JSON.stringify(opts.soapHeaders ?? {}), JSON.stringify(opts.httpHeaders ?? {})], { timeout: 60_000 });
    return JSON.parse(stdout) as { ok: true; result: any } | { ok: false; fault: { faultcode: string; faultstring: string; code: string | null } };
  };

  before(async () => {
    db = await createTestDatabase();
    nats = await startTestNats();
    ldap = await startTestSlapd();
    // People of the directory: accented names, a DN with special characters, and an entry whose
    // DN is what an unescaped "admin,ou=x" would point to.
    const people = `ou=people,${ldap.suffix}`;
    ldap.add(
      [
        `dn: ${people}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: ou=x,${people}\nobjectClass: organizationalUnit\nou: x\n`,
        `dn: uid=lea,${people}\nobjectClass: inetOrgPerson\nuid: lea\ncn: Léa Dupré\nsn: Dupré\nuserPassword: lea-ldap-pw\n`,
        `dn:: ${Buffer.from(`uid=zoë,${people}`).toString('base64')}\nobjectClass: inetOrgPerson\nuid:: ${Buffer.from('zoë').toString('base64')}\ncn:: ${Buffer.from('Zoë Ångström').toString('base64')}\nsn:: ${Buffer.from('Ångström').toString('base64')}\nuserPassword:: ${Buffer.from('pässwörd-ÿ').toString('base64')}\n`,
        `dn: uid=smith\\,john\\+jr,${people}\nobjectClass: inetOrgPerson\nuid: smith,john+jr\ncn: John Smith\nsn: Smith\nuserPassword: smith-pw\n`,
        `dn: uid=admin,ou=x,${people}\nobjectClass: inetOrgPerson\nuid: admin\ncn: Wrong target\nsn: Target\nuserPassword: wrong-target-pw\n`,
        `dn: uid=admin\\,ou\\=x,${people}\nobjectClass: inetOrgPerson\nuid: admin,ou=x\ncn: Literal\nsn: Literal\nuserPassword: literal-pw\n`,
        `dn: uid=onlyinldap,${people}\nobjectClass: inetOrgPerson\nuid: onlyinldap\ncn: Nobody\nsn: Nobody\nuserPassword: only-pw\n`,
      ].join('\n'),
    );
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    [wsPort, tkPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      HTTP_HOST: '127.0.0.1',
      TWS_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      TWS_AUTH_TRUSTED_PROXY_HEADER: PROXY_HEADER,
      TWS_AUTH_TRUSTED_PROXIES: '127.0.0.1',
      TWS_AUTH_LDAP_TIMEOUT_MS: '2000',
    };
    const dist = resolve(__dirname, '../..');
    ws = startService('web-services', { ...env, HTTP_PORT: String(wsPort) }, dist);
    tk = startService('toolkit-web-services', { ...env, HTTP_PORT: String(tkPort) }, dist);
    await Promise.all([waitReady(ws, wsPort), waitReady(tk, tkPort)]);
    m = await Messaging.connect({ servers: nats.url, name: 'user-auth-test', logger: createLogger('user-auth-test', 'silent') });

    const s = await http(wsPort, 'POST', '/api/admin/v1/auth/login', { username: 'tws', password: 'tws' });
    await ok(http(wsPort, 'POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'S3cure-admin' }, { authorization: `Bearer ${s.body.token}` }));
    root = s.body.token;
    id['company'] = (await ok(admin('POST', '/companies', { name: 'Auth Co' }), 201)).id;
    id['domain'] = (await ok(admin('POST', `/companies/${id['company']}/domains`, { name: DOMAIN }), 201)).id;
    // The domain's LDAP server (6.3): DN built from the user name.
    await setParam('AuthLdapServer', '127.0.0.1');
    await setParam('AuthLdapPort', ldap.port);
    await setParam('AuthLdapDn', `uid=?,${people}`);
    await createUser('tina', { password: 'tina-pass-1' });
    await createUser('nora');
    await createUser('lea', { password: 'lea-tws-pw' });
    await createUser('zoë');
    await createUser('smith,john+jr');
    await createUser('admin,ou=x');
    await createUser('win', { password: 'win-tws-pw' });
    await createUser('ghost-ldap');
    for (const u of ['lea', 'zoë', 'smith,john+jr', 'admin,ou=x']) await setParam('AuthMethods', 'LDAP', u);
    await setParam('AuthMethods', 'None', 'nora');
    await setParam('AuthMethods', 'WindowsSecurity|TWS', 'win');
  });
  after(async () => {
    await m?.drain();
    await Promise.all([ws?.stop(), tk?.stop()]);
    await pg?.end();
    await ldap?.stop();
    await nats?.stop();
    await db?.drop();
  });

  test('TWS: the password set by the administrator signs in and returns an access and a refresh token', async () => {
    const r = await login({ username: 'TINA', password: 'tina-pass-1' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.tokenType, 'Bearer');
    assert.equal(r.body.method, 'TWS');
    assert.match(r.body.accessToken, /^twsu_[A-Za-z0-9_-]{43}$/);
    assert.match(r.body.refreshToken, /^twsr_[A-Za-z0-9_-]{43}$/);
    const ttl = (Date.parse(r.body.accessExpiresAt) - Date.now()) / 1000;
    assert.ok(ttl > 800 && ttl <= 900, `access token lives 15 minutes (${ttl} s)`);
    assert.ok(Date.parse(r.body.refreshExpiresAt) - Date.now() > 23 * 3600_000, 'refresh token lives a day');
    assert.deepEqual(r.body.user, { userId: id['tina'], username: 'tina', domainId: id['domain'], domain: DOMAIN, companyId: id['company'] });
    const stored = await pg.query('SELECT access_hash, refresh_hash FROM user_session WHERE user_id = $1', [id['tina']]);
    assert.equal(stored.rows.length, 1);
    assert.doesNotMatch(JSON.stringify(stored.rows), /twsu_|twsr_/, 'only hashes are stored');
  });

  test('wrong password, unknown user, unknown domain, no password: the same 401, nothing said about who exists', async () => {
    const answers = [
      await login({ username: 'tina', password: 'wrong' }),
      await login({ username: 'nobody', password: 'tina-pass-1' }),
      await login({ domain: 'nowhere.example', username: 'tina', password: 'tina-pass-1' }),
      await login({ username: 'tina' }),
      await login({ username: 'ghost-ldap', password: 'x' }), // exists, has no TWS password
    ];
    for (const r of answers) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { error: 'invalid_credentials', message: 'wrong domain, user name or password' });
    }
  });

  test('unknown user and wrong password take similar time (the same password hashing work)', async () => {
    const time = async (username: string) => {
      const t0 = performance.now();
      await login({ username, password: 'not-the-password' });
      return performance.now() - t0;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time('tina'));
      unknown.push(await time(`nobody-${i}`));
    }
    const [k, u] = [median(known), median(unknown)];
    assert.ok(u > k / 3 && u < k * 3, `unknown ${u.toFixed(1)} ms vs wrong password ${k.toFixed(1)} ms`);
  });

  test('tokens: me, tws.auth.verify for other services, refresh rotates, logout ends the session', async () => {
    const first = (await login({ username: 'tina', password: 'tina-pass-1' })).body;
    const who = await ok(me(first.accessToken));
    assert.equal(who.username, 'tina');
    assert.equal(who.method, 'TWS');
    assert.deepEqual(await verify(first.accessToken), who, 'NATS and REST say the same');
    assert.equal(await verify(first.refreshToken), 'unauthenticated', 'a refresh token is not an access token');
    assert.equal(await verify('twsu_forged'), 'unauthenticated');

    const noToken = await http(wsPort, 'GET', '/api/v1/auth/me');
    assert.equal(noToken.status, 401);
    assert.equal(noToken.headers['www-authenticate'], 'Bearer realm="tws"');
    assert.match(noToken.body.message, /POST \/api\/v1\/auth\/login/);

    const second = await ok(http(wsPort, 'POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken }));
    assert.notEqual(second.accessToken, first.accessToken);
    assert.equal(second.user.username, 'tina');
    assert.equal((await me(first.accessToken)).status, 401, 'the old access token stops working');
    assert.equal((await http(wsPort, 'POST', '/api/v1/auth/refresh', { refreshToken: first.refreshToken })).status, 401, 'a refresh token is used once');
    assert.equal((await me(second.accessToken)).status, 200);

    assert.equal((await http(wsPort, 'POST', '/api/v1/auth/logout', undefined, { authorization: `Bearer ${second.accessToken}` })).status, 204);
    assert.equal((await me(second.accessToken)).status, 401);
    assert.equal((await http(wsPort, 'POST', '/api/v1/auth/refresh', { refreshToken: second.refreshToken })).status, 401, 'logout ends the refresh token too');
  });

  test('None: the user name alone signs in; a disabled user is refused after authentication', async () => {
    const r = await login({ username: 'nora' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.method, 'None');
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['nora']}`, { enabled: false }));
    const disabled = await login({ username: 'nora' });
    assert.equal(disabled.status, 403);
    assert.equal(disabled.body.error, 'user_disabled');
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['nora']}`, { enabled: true }));
  });

  test('LDAP: bind as the user, accented names and DNs with special characters included', async () => {
    const lea = await login({ username: 'lea', password: 'lea-ldap-pw' });
    assert.equal(lea.status, 200, JSON.stringify(lea.body));
    assert.equal(lea.body.method, 'LDAP');
    assert.equal((await login({ username: 'zoë', password: 'pässwörd-ÿ' })).status, 200, 'UTF-8 user name and password');
    assert.equal((await login({ username: 'smith,john+jr', password: 'smith-pw' })).status, 200, 'comma and plus escaped in the DN');
    for (const [username, password] of [
      ['lea', 'wrong'],
      ['lea', 'lea-tws-pw'], // the TWS password is not tried: AuthMethods is LDAP only
      ['lea', ''],
      ['onlyinldap', 'only-pw'], // known to the directory, not to TWS
      ['nobody', 'lea-ldap-pw'],
    ]) {
      const r = await login({ username, password });
      assert.equal(r.status, 401, `${username}/${password}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error, 'invalid_credentials');
    }
  });

  test('LDAP: a user name cannot move the DN (injection) — "admin,ou=x" binds as itself, never as uid=admin,ou=x', async () => {
    const moved = await login({ username: 'admin,ou=x', password: 'wrong-target-pw' });
    assert.equal(moved.status, 401, 'the password of uid=admin,ou=x,... does not work: the DN was not moved');
    const literal = await login({ username: 'admin,ou=x', password: 'literal-pw' });
    assert.equal(literal.status, 200, JSON.stringify(literal.body));
    for (const username of ['*)(uid=*', '*', 'lea,ou=people', '#lea', 'lea\\']) {
      const r = await login({ username, password: 'lea-ldap-pw' });
      assert.equal(r.status, 401, username);
    }
  });

  test('LDAP down: 503 naming the server, not counted as a failure; with LDAP|TWS the next method still signs in', async () => {
    await setParam('AuthLdapPort', await freePort(), 'lea');
    const down = await login({ username: 'lea', password: 'lea-ldap-pw' });
    assert.equal(down.status, 503);
    assert.equal(down.body.error, 'auth_unavailable');
    assert.match(down.body.message, /LDAP server 127\.0\.0\.1:\d+ is not reachable .*ECONNREFUSED/);
    assert.equal(Number((await pg.query('SELECT count(*) AS n FROM login_throttle')).rows[0].n), 0, 'an outage locks nobody out');

    await setParam('AuthMethods', 'LDAP|TWS', 'lea');
    const fallback = await login({ username: 'lea', password: 'lea-tws-pw' });
    assert.equal(fallback.status, 200, JSON.stringify(fallback.body));
    assert.equal(fallback.body.method, 'TWS');
    const wrong = await login({ username: 'lea', password: 'neither' });
    assert.equal(wrong.status, 503, 'when no method succeeds, the outage is what the user is told');

    await ok(admin('DELETE', `/domains/${id['domain']}/users/${id['lea']}/parameters/AuthLdapPort`), 204);
    const back = await login({ username: 'lea', password: 'lea-ldap-pw' });
    assert.equal(back.status, 200);
    assert.equal(back.body.method, 'LDAP', 'LDAP first when it answers');
    await setParam('AuthMethods', 'LDAP', 'lea');
  });

  test('WindowsSecurity: the login name from the trusted proxy signs in; elsewhere the header is ignored', async () => {
    for (const name of ['win', 'WIN', 'win@AUTH.EXAMPLE', 'AUTH\\win']) {
      const r = await login({ username: 'win' }, { headers: { [PROXY_HEADER]: name } });
      assert.equal(r.status, 200, `${name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.method, 'WindowsSecurity');
    }
    const noName = await login({}, { headers: { [PROXY_HEADER]: 'win@AUTH.EXAMPLE' } });
    assert.equal(noName.status, 200, 'the user name may be left to the proxy');
    assert.equal(noName.body.user.username, 'win');

    const other = await login({ username: 'win' }, { headers: { [PROXY_HEADER]: 'tina' } });
    assert.equal(other.status, 401, 'the login name must match the user name');
    const untrusted = await login({ username: 'win' }, { headers: { [PROXY_HEADER]: 'win' }, from: '127.0.0.2' });
    assert.equal(untrusted.status, 401, 'a header from an address that is not a trusted proxy counts for nothing');
    const tinaNotWindows = await login({ username: 'tina' }, { headers: { [PROXY_HEADER]: 'tina' } });
    assert.equal(tinaNotWindows.status, 401, "WindowsSecurity is not one of tina's methods");

    // WindowsSecurity|TWS: without the proxy, the TWS password.
    const viaTws = await login({ username: 'win', password: 'win-tws-pw' }, { from: '127.0.0.2' });
    assert.equal(viaTws.status, 200);
    assert.equal(viaTws.body.method, 'TWS');
  });

  test('application: signing in to an application needs its authorization, and the error names it', async () => {
    const refused = await login({ username: 'tina', password: 'tina-pass-1', application: 'caller' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error, 'application_not_authorized');
    assert.match(refused.body.message, /tina is not authorized to use TWS Caller: .*"application TWS Caller"/);
    assert.deepEqual(refused.body.details, [{ missing: { objectType: 'application', objectRef: 'caller', label: 'TWS Caller' } }]);
    assert.equal(Number((await pg.query('SELECT count(*) AS n FROM user_session WHERE application IS NOT NULL')).rows[0].n), 0, 'no session opened');

    // Authorized through a group (granted in the database: the licence side is tested with authorizations).
    const group = await ok(admin('POST', `/domains/${id['domain']}/groups`, { name: 'Callers' }), 201);
    await ok(admin('POST', `/domains/${id['domain']}/groups/${group.id}/members`, { userIds: [id['tina']] }));
    await pg.query(
      `INSERT INTO "authorization" (company_id, object_type, object_ref, subject_type, subject_id, subject_domain_id) VALUES ($1, 'application', 'caller', 'group', $2, $3)`,
      [id['company'], group.id, id['domain']],
    );
    // The rights cache of web-services learns about it from any configuration change.
    await ok(admin('PATCH', `/domains/${id['domain']}/groups/${group.id}`, { description: 'may open Caller' }));
    const allowed = await login({ username: 'tina', password: 'tina-pass-1', application: 'caller' });
    assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
    assert.equal(((await verify(allowed.body.accessToken)) as VerifiedToken).application, 'caller');
  });

  test('revocation: disabling, changing the password or deleting a user ends its sessions at once', async () => {
    const open = async (username: string, password?: string) => (await login({ username, ...(password ? { password } : {}) })).body as { accessToken: string; refreshToken: string };
    const dead = async (t: { accessToken: string; refreshToken: string }) => {
      assert.equal((await me(t.accessToken)).status, 401);
      assert.equal(await verify(t.accessToken), 'unauthenticated');
      assert.equal((await http(wsPort, 'POST', '/api/v1/auth/refresh', { refreshToken: t.refreshToken })).status, 401);
    };

    const nora = await open('nora');
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['nora']}`, { enabled: false }));
    await dead(nora);
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['nora']}`, { enabled: true }));
    await dead(nora); // enabling again does not bring old tokens back

    const tina = await open('tina', 'tina-pass-1');
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['tina']}`, { firstName: 'Tina' }));
    assert.equal((await me(tina.accessToken)).status, 200, 'other changes keep the session');
    await ok(admin('PATCH', `/domains/${id['domain']}/users/${id['tina']}`, { password: 'tina-pass-2' }));
    await dead(tina);
    assert.equal((await login({ username: 'tina', password: 'tina-pass-2' })).status, 200);

    await createUser('temp');
    await setParam('AuthMethods', 'None', 'temp');
    const temp = await open('temp');
    await ok(admin('DELETE', `/domains/${id['domain']}/users/${id['temp']}`), 204);
    await dead(temp);
    assert.equal(Number((await pg.query('SELECT count(*) AS n FROM user_session WHERE user_id = $1', [id['temp']])).rows[0].n), 0);
  });

  test('throttling: 5 failures lock the user name (known or not), 20 lock the source address; 429 says when to retry', async () => {
    await resetThrottle();
    for (let i = 0; i < 5; i++) assert.equal((await login({ username: 'tina', password: 'bad' }, { keepThrottle: true })).status, 401);
    const locked = await login({ username: 'tina', password: 'tina-pass-2' }, { keepThrottle: true });
    assert.equal(locked.status, 429, 'even the right password waits');
    assert.equal(locked.body.error, 'too_many_attempts');
    assert.ok(locked.body.details[0].retryAfterS > 800);
    for (let i = 0; i < 5; i++) await login({ username: 'not-a-user', password: 'bad' }, { keepThrottle: true });
    assert.equal((await login({ username: 'not-a-user', password: 'bad' }, { keepThrottle: true })).status, 429, 'unknown names lock alike');
    assert.equal((await login({ username: 'nora' }, { keepThrottle: true })).status, 200, 'other users of the address still sign in');

    await resetThrottle();
    for (let i = 0; i < 20; i++) await login({ username: `spray-${i}`, password: 'bad' }, { keepThrottle: true, from: '127.0.0.3' });
    const address = await login({ username: 'nora' }, { keepThrottle: true, from: '127.0.0.3' });
    assert.equal(address.status, 429, 'the address is locked');
    assert.equal((await login({ username: 'nora' }, { keepThrottle: true })).status, 200, 'other addresses are not');
    await resetThrottle();
  });

  test('bad input: 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ domain: undefined, username: 'tina', password: 'x' }, 'domain'],
      [{ username: 'tina', password: 'x', application: 'minesweeper' }, 'application'],
      [{ username: 'tina', password: 'x', role: 'admin' }, ''],
      [{ username: '', password: 'x' }, 'username'],
      [{}, 'username'],
    ];
    for (const [body, field] of cases) {
      const r = await login(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.ok(r.body.details.some((d: { path: string }) => d.path === field), `${field} in ${JSON.stringify(r.body.details)}`);
    }
    assert.equal((await http(wsPort, 'POST', '/api/v1/auth/refresh', { refreshToken: '' })).status, 400);
  });

  test('toolkit REST: login relayed to web-services (every method), then Bearer tokens decide who the toolkit acts for', async () => {
    const tkLogin = (body: Record<string, unknown>, headers: Record<string, string> = {}, from = '127.0.0.1') =>
      resetThrottle().then(() => http(tkPort, 'POST', '/toolkit/v1/auth/login', { domain: DOMAIN, ...body }, headers, from));
    const logs = (token?: string, query = '') => http(tkPort, 'GET', `/toolkit/v1/call-logs${query}`, undefined, token ? { authorization: `Bearer ${token}` } : {});

    const byMethod: [string, Record<string, unknown>, Record<string, string>][] = [
      ['TWS', { username: 'tina', password: 'tina-pass-2' }, {}],
      ['LDAP', { username: 'zoë', password: 'pässwörd-ÿ' }, {}],
      ['None', { username: 'nora' }, {}],
      ['WindowsSecurity', { username: 'win' }, { [PROXY_HEADER]: 'AUTH\\win' }],
    ];
    for (const [method, body, headers] of byMethod) {
      const r = await tkLogin(body, headers);
      assert.equal(r.status, 200, `${method}: ${JSON.stringify(r.body)}\n${tk.output().slice(-2000)}`);
      assert.equal(r.body.method, method);
      const items = await logs(r.body.accessToken);
      assert.equal(items.status, 200, JSON.stringify(items.body));
      assert.deepEqual(items.body, { items: [] });
    }
    const wrong = await tkLogin({ username: 'tina', password: 'nope' });
    assert.deepEqual([wrong.status, wrong.body.error], [401, 'invalid_credentials']);
    const untrusted = await tkLogin({ username: 'win' }, { [PROXY_HEADER]: 'win' }, '127.0.0.2');
    assert.equal(untrusted.status, 401, 'the toolkit trusts only its configured proxies too');
    const app = await tkLogin({ username: 'nora', application: 'toolkit' });
    assert.deepEqual([app.status, app.body.error], [403, 'application_not_authorized']);

    const none = await logs();
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="tws-toolkit"');
    assert.equal((await logs('twsu_forged')).status, 401);
    const tina = (await tkLogin({ username: 'tina', password: 'tina-pass-2' })).body.accessToken as string;
    assert.equal((await logs(tina, `?domain=${DOMAIN}&user=tina`)).status, 200, 'domain and user naming the token user are accepted');
    const other = await logs(tina, `?domain=${DOMAIN}&user=nora`);
    assert.equal(other.status, 403, "the token decides: nobody acts for another user");
    assert.equal(other.body.error, 'identity_mismatch');
    const call = await http(tkPort, 'POST', '/toolkit/v1/calls', { user: 'nora', destination: '123' }, { authorization: `Bearer ${tina}` });
    assert.equal(call.status, 403);
    await http(wsPort, 'POST', '/api/v1/auth/logout', undefined, { authorization: `Bearer ${tina}` });
    assert.equal((await logs(tina)).status, 401, 'a token revoked at web-services is refused by the toolkit at once');
  });

  test('toolkit SOAP (zeep): Login with every method, the token in the AuthToken header or the token element', async () => {
    const soapLogin = async (args: Record<string, unknown>, httpHeaders: Record<string, string> = {}) => {
      await resetThrottle();
      return zeep('Login', { domain: DOMAIN, ...args }, { httpHeaders });
    };
    const cases: [string, Record<string, unknown>, Record<string, string>][] = [
      ['TWS', { username: 'tina', password: 'tina-pass-2' }, {}],
      ['LDAP', { username: 'smith,john+jr', password: 'smith-pw' }, {}],
      ['None', { username: 'nora' }, {}],
      ['WindowsSecurity', { username: 'win' }, { [PROXY_HEADER]: 'win@AUTH.EXAMPLE' }],
      ['TWS', { username: 'win', password: 'win-tws-pw' }, {}], // WindowsSecurity|TWS without the proxy's word
    ];
    for (const [method, args, headers] of cases) {
      const r = await soapLogin(args, headers);
      assert.ok(r.ok, `${method}: ${JSON.stringify(r)}`);
      assert.equal(r.result.method, method);
      assert.match(r.result.accessToken, /^twsu_/);
      const viaHeader = await zeep('GetCallLogs', {}, { soapHeaders: { AuthToken: r.result.accessToken } });
      assert.deepEqual(viaHeader, { ok: true, result: [] }, JSON.stringify(viaHeader));
      const viaElement = await zeep('GetCallLogs', { token: r.result.accessToken, limit: 5 });
      assert.deepEqual(viaElement, { ok: true, result: [] });
    }
    const wrong = await soapLogin({ username: 'lea', password: 'wrong' });
    assert.deepEqual(wrong, { ok: false, fault: { faultcode: 'soap:Client', faultstring: 'wrong domain, user name or password', code: 'invalid_credentials' } });
    const anonymous = await zeep('GetCallLogs', {});
    assert.ok(!anonymous.ok);
    assert.deepEqual([anonymous.fault.faultcode, anonymous.fault.code], ['soap:Client', 'unauthenticated']);
    const forged = await zeep('MakeCall', { destination: '123' }, { soapHeaders: { AuthToken: 'twsu_forged' } });
    assert.ok(!forged.ok);
    assert.equal(forged.fault.code, 'unauthenticated');
  });
});
