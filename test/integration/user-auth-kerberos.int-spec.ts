import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { canConnect, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, repoRoot, startService, startTestNats, waitFor, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';

const run = promisify(execFile);
const REALM = 'TWS.TEST';
const ZEEP_CALL = join(repoRoot(), 'test', 'toolkit-soap', 'zeep_call.py');

/**
 * A private MIT Kerberos KDC (Debian krb5-kdc) on a free loopback port, with its own realm,
 * database, user principals and a keytab for `HTTP/localhost`. Clients get tickets with
 * `kinit` into their own credential caches.
 */
async function startTestKdc(dir: string) {
  for (const tool of ['krb5kdc', 'kdb5_util', 'kadmin.local', 'kinit']) {
    if (spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0) {
      throw new Error(`${tool} is not installed: apt-get install krb5-kdc krb5-admin-server krb5-user (./tws test installs them)`);
    }
  }
  const port = await freePort();
  writeFileSync(
    join(dir, 'krb5.conf'),
    `[libdefaults]\n default_realm = ${REALM}\n dns_lookup_kdc = false\n dns_lookup_realm = false\n rdns = false\n dns_canonicalize_hostname = false\n udp_preference_limit = 1\n` +
      `[realms]\n ${REALM} = {\n  kdc = 127.0.0.1:${port}\n }\n[domain_realm]\n localhost = ${REALM}\n`,
  );
  writeFileSync(
    join(dir, 'kdc.conf'),
    `[kdcdefaults]\n kdc_ports = ${port}\n kdc_tcp_ports = ${port}\n` +
      `[realms]\n ${REALM} = {\n  database_name = ${join(dir, 'principal')}\n  key_stash_file = ${join(dir, 'stash')}\n  acl_file = ${join(dir, 'kadm5.acl')}\n  max_life = 1h\n }\n` +
      `[logging]\n kdc = FILE:${join(dir, 'kdc.log')}\n`,
  );
  writeFileSync(join(dir, 'kadm5.acl'), '');
  const env = { ...process.env, KRB5_CONFIG: join(dir, 'krb5.conf'), KRB5_KDC_PROFILE: join(dir, 'kdc.conf') };
  const sh = (cmd: string, args: string[], input?: string) => {
    const r = spawnSync(cmd, args, { env, input, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
    return r.stdout;
  };
  const sbin = (tool: string) => (spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0 ? tool : `/usr/sbin/${tool}`);
  sh(sbin('kdb5_util'), ['create', '-s', '-r', REALM, '-P', 'kdc-master-secret']);
  const kadmin = (query: string) => sh(sbin('kadmin.local'), ['-r', REALM, '-q', query]);
  const child: ChildProcess = spawn(sbin('krb5kdc'), ['-n', '-r', REALM], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor('the KDC to listen', async () => {
    if (child.exitCode !== null) throw new Error(`krb5kdc exited: ${stderr}`);
    return canConnect(port);
  }, 15_000);
  return {
    env: { KRB5_CONFIG: join(dir, 'krb5.conf') },
    addUser: (name: string, password: string) => kadmin(`addprinc -pw ${password} ${name}`),
    /** A keytab with the key of `HTTP/localhost`, as TWS's administrator would export it. */
    serviceKeytab: (file: string) => {
      kadmin('addprinc -randkey HTTP/localhost');
      kadmin(`ktadd -k ${file} HTTP/localhost`);
    },
    /** Signs `name` in (kinit) into its own credential cache; returns the cache's path. */
    kinit: (name: string, password: string) => {
      const cache = join(dir, `cc-${name}`);
      sh('kinit', ['-c', `FILE:${cache}`, name], `${password}\n`);
      return cache;
    },
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * WindowsSecurity with Kerberos handled by TWS itself: SPNEGO (`Authorization: Negotiate`)
 * against a real MIT KDC, the ticket checked with a keytab (TWS_AUTH_KERBEROS_KEYTAB), curl
 * (--negotiate) as the client for the HTTP logins, and a token made by the MIT GSSAPI library
 * (npm kerberos, client side) for the SOAP Login.
 */
describe('user authentication: Kerberos (SPNEGO) with a real KDC', () => {
  let dir: string;
  let kdc: Awaited<ReturnType<typeof startTestKdc>>;
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let ws: ServiceProcess;
  let tk: ServiceProcess;
  let port: number;
  let tkPort: number;
  let root = '';
  const DOMAIN = 'krb.example';
  const caches: Record<string, string> = {};

  const call = async (method: string, path: string, body?: unknown, token?: string, at = port) => {
    const r = await fetch(`http://127.0.0.1:${at}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const ok = async (p: ReturnType<typeof call>, status = 200) => {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.body));
    return r.body;
  };
  /** curl --negotiate as `cache`'s principal (or without a ticket): status, headers and body. */
  const curlLogin = async (body: Record<string, unknown>, cache?: string, at = port, path = '/api/v1/auth/login') => {
    const { stdout } = await run(
      'curl',
      ['-s', '-i', '--negotiate', '-u', ':', '-H', 'content-type: application/json', '-d', JSON.stringify({ domain: DOMAIN, ...body }), `http://localhost:${at}${path}`],
      { env: { ...process.env, ...kdc.env, KRB5CCNAME: cache ? `FILE:${cache}` : `FILE:${join(dir, 'no-such-cache')}` } },
    );
    // With --negotiate, curl shows the 401 challenge and then the answer to its second request.
    const last = stdout.split(/\r\n\r\n(?=HTTP\/)/).pop()!;
    const [head, ...rest] = last.split('\r\n\r\n');
    const status = Number(/^HTTP\/[\d.]+ (\d{3})/.exec(head!)?.[1]);
    const text = rest.join('\r\n\r\n');
    return { status, head: head!, all: stdout, body: text ? JSON.parse(text) : undefined };
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tws-kdc-'));
    kdc = await startTestKdc(dir);
    kdc.addUser('kim', 'kim-kerberos-pw');
    kdc.addUser('tina', 'tina-kerberos-pw');
    kdc.addUser('stranger', 'stranger-pw');
    kdc.serviceKeytab(join(dir, 'http.keytab'));
    for (const [u, p] of [['kim', 'kim-kerberos-pw'], ['tina', 'tina-kerberos-pw'], ['stranger', 'stranger-pw']] as const) caches[u] = kdc.kinit(u, p);

    db = await createTestDatabase();
    nats = await startTestNats();
    [port, tkPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      HTTP_HOST: '127.0.0.1',
      TWS_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      ...kdc.env,
      TWS_AUTH_KERBEROS_KEYTAB: join(dir, 'http.keytab'),
      TWS_AUTH_KERBEROS_SERVICE: 'HTTP@localhost',
    };
    const dist = resolve(__dirname, '../..');
    ws = startService('web-services', { ...env, HTTP_PORT: String(port) }, dist);
    tk = startService('toolkit-web-services', { ...env, HTTP_PORT: String(tkPort) }, dist);
    await Promise.all([waitReady(ws, port), waitReady(tk, tkPort)]);
    const s = await call('POST', '/api/admin/v1/auth/login', { username: 'tws', password: 'tws' });
    await ok(call('POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'S3cure-admin' }, s.body.token));
    root = s.body.token;
    const company = await ok(call('POST', '/api/admin/v1/companies', { name: 'Krb Co' }, root), 201);
    const domain = await ok(call('POST', `/api/admin/v1/companies/${company.id}/domains`, { name: DOMAIN }, root), 201);
    const users: Record<string, string> = {};
    for (const [u, extra] of [['kim', {}], ['tina', { password: 'tina-tws-pw' }]] as const) {
      users[u] = (await ok(call('POST', `/api/admin/v1/domains/${domain.id}/users`, { username: u, ...extra }, root), 201)).id;
    }
    await ok(call('PUT', `/api/admin/v1/domains/${domain.id}/users/${users['kim']}/parameters/AuthMethods`, { value: 'WindowsSecurity|TWS' }, root));
  });
  after(async () => {
    await Promise.all([ws?.stop(), tk?.stop()]);
    await nats?.stop();
    await db?.drop();
    await kdc?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a Kerberos ticket signs the user in (curl --negotiate), with mutual authentication', async () => {
    const r = await curlLogin({ username: 'kim' }, caches['kim']);
    assert.equal(r.status, 200, `${r.all}\n${ws.output().slice(-2000)}`);
    assert.equal(r.body.method, 'WindowsSecurity');
    assert.equal(r.body.user.username, 'kim');
    assert.match(r.head, /WWW-Authenticate: Negotiate [A-Za-z0-9+/=]+/, 'the server proves itself too');
    const me = await ok(call('GET', '/api/v1/auth/me', undefined, r.body.accessToken));
    assert.equal(me.username, 'kim');
    const noName = await curlLogin({}, caches['kim']);
    assert.equal(noName.status, 200, 'the user name may come from the ticket alone');
  });

  test('no ticket, the ticket of someone else, or of a user without WindowsSecurity: 401', async () => {
    const none = await curlLogin({ username: 'kim' });
    assert.equal(none.status, 401);
    assert.equal(none.body.error, 'invalid_credentials');
    assert.match(none.head, /WWW-Authenticate: Negotiate\r?$/m, 'the 401 invites Kerberos clients to send a ticket');
    assert.equal((await curlLogin({ username: 'kim' }, caches['stranger'])).status, 401, "stranger's ticket is not kim's");
    assert.equal((await curlLogin({}, caches['stranger'])).status, 401, 'a principal with no TWS user');
    assert.equal((await curlLogin({ username: 'tina' }, caches['tina'])).status, 401, "WindowsSecurity is not among tina's methods");
    assert.equal((await curlLogin({ username: 'tina', password: 'tina-tws-pw' }, caches['tina'])).status, 200, 'her TWS password is');
    const forged = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Negotiate ${Buffer.from('not a kerberos token').toString('base64')}` },
      body: JSON.stringify({ domain: DOMAIN, username: 'kim' }),
    });
    assert.equal(forged.status, 401);
    assert.match(ws.output(), /Kerberos \(Negotiate\) token refused/);
  });

  test('the toolkit: REST login with curl --negotiate, SOAP Login with a Negotiate header; then calls with the token', async () => {
    const rest = await curlLogin({ username: 'kim' }, caches['kim'], tkPort, '/toolkit/v1/auth/login');
    assert.equal(rest.status, 200, `${rest.all}\n${tk.output().slice(-2000)}`);
    assert.equal(rest.body.method, 'WindowsSecurity');
    assert.equal((await call('GET', '/toolkit/v1/call-logs', undefined, rest.body.accessToken, tkPort)).status, 200);

    // A SPNEGO token for HTTP@localhost made by the MIT GSSAPI library from kim's ticket.
    process.env['KRB5_CONFIG'] = kdc.env.KRB5_CONFIG;
    process.env['KRB5CCNAME'] = `FILE:${caches['kim']}`;
    const name = 'kerberos';
    const krb = (await import(name)) as { initializeClient(service: string): Promise<{ step(challenge: string): Promise<string> }> };
    const token = await (await krb.initializeClient('HTTP@localhost')).step('');
    const { stdout } = await run('/usr/bin/python3', [
      ZEEP_CALL,
      `http://127.0.0.1:${tkPort}/toolkit/soap?wsdl`,
      'Login',
      JSON.stringify({ domain: DOMAIN }),
      '{}',
      JSON.stringify({ Authorization: `Negotiate ${token}` }),
    ]);
    const soap = JSON.parse(stdout) as { ok: boolean; result: { method: string; username: string; accessToken: string } };
    assert.ok(soap.ok, stdout);
    assert.equal(soap.result.method, 'WindowsSecurity');
    assert.equal(soap.result.username, 'kim');
  });
});
