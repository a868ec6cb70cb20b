import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { canConnect, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startService, startTestNats, waitFor, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';

type Res = { status: number; body: any };
const SUFFIX = 'dc=tws,dc=test';
const ROOT_DN = `cn=admin,${SUFFIX}`;
const ROOT_PW = 'slapd-root-secret';

/** A throwaway CA and a server certificate for `localhost` only (no IP address in it). */
function makeCertificates(dir: string) {
  const sh = (args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  for (const ca of ['ca', 'rogue-ca']) {
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=TWS test ${ca}`]);
  }
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  for (const [name, ca] of [['server', 'ca'], ['rogue', 'rogue-ca']]) {
    sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', '/CN=localhost']);
    sh(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', 'san.ext']);
  }
}

/**
 * A private slapd with TLS (StartTLS on the LDAP port, LDAPS on another) and the password-policy
 * overlay, so that an account can be locked the way directories disable people
 * (`pwdAccountLockedTime`). The shared harness (startTestSlapd) has neither.
 */
async function startTlsSlapd(dir: string) {
  const [ldapPort, ldapsPort] = [await freePort(), await freePort()];
  mkdirSync(join(dir, 'db'));
  writeFileSync(
    join(dir, 'slapd.conf'),
    [
      'include /etc/ldap/schema/core.schema',
      'include /etc/ldap/schema/cosine.schema',
      'include /etc/ldap/schema/inetorgperson.schema',
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'moduleload ppolicy',
      `pidfile ${join(dir, 'slapd.pid')}`,
      `TLSCACertificateFile ${join(dir, 'ca.pem')}`,
      `TLSCertificateFile ${join(dir, 'server.pem')}`,
      `TLSCertificateKeyFile ${join(dir, 'server.key')}`,
      'database mdb',
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PW}`,
      `directory ${join(dir, 'db')}`,
      'maxsize 104857600',
      'overlay ppolicy',
      `ppolicy_default "cn=default,ou=policies,${SUFFIX}"`,
      'access to attrs=userPassword by self write by anonymous auth by * none',
      'access to * by users read by * none',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('/usr/sbin/slapd', ['-d', '0', '-h', `ldap://127.0.0.1:${ldapPort}/ ldaps://127.0.0.1:${ldapsPort}/`, '-f', join(dir, 'slapd.conf'), '-u', 'root', '-g', 'root'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitFor('TLS slapd to listen', async () => {
    if (child.exitCode !== null) throw new Error(`slapd exited: ${stderr}`);
    return (await canConnect(ldapPort)) && (await canConnect(ldapsPort));
  }, 15_000);
  const ldif = (tool: 'ldapadd' | 'ldapmodify') => (text: string) => {
    const r = spawnSync(tool, ['-x', '-H', `ldap://127.0.0.1:${ldapPort}`, '-D', ROOT_DN, '-w', ROOT_PW], { input: text, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${tool} failed (${r.status}): ${r.stderr || r.stdout}`);
  };
  return {
    ldapPort,
    ldapsPort,
    add: ldif('ldapadd'),
    modify: ldif('ldapmodify'),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * LDAP authentication beyond the guide, against a real slapd: StartTLS and LDAPS with the
 * server certificate checked (a CA given in TWS_AUTH_LDAP_CA_FILE; an unknown CA or a name the
 * certificate does not cover is refused with a clear 503), the search mode with a service
 * account (filter injection escaped, a wrong service password said to be a configuration
 * problem), and an account the directory has locked.
 */
describe('user authentication: LDAP over TLS, search mode, locked accounts', () => {
  let dir: string;
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let slapd: Awaited<ReturnType<typeof startTlsSlapd>>;
  let rogue: TlsServer;
  let roguePort: number;
  let ws: ServiceProcess;
  let tk: ServiceProcess;
  let port: number;
  let tkPort: number;
  let pg: Client;
  let root = '';
  const id: Record<string, string> = {};
  const DOMAIN = 'tls.example';

  const call = async (method: string, path: string, body?: unknown, token?: string, at = port): Promise<Res> => {
    const r = await fetch(`http://127.0.0.1:${at}${path}`, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined };
  };
  const ok = async (p: Promise<Res>, status = 200) => {
    const r = await p;
    assert.equal(r.status, status, `${JSON.stringify(r.body)}${r.status >= 500 ? `\n${ws.output().slice(-3000)}` : ''}`);
    return r.body;
  };
  const setParam = (name: string, value: unknown, user?: string) =>
    ok(call('PUT', `/api/admin/v1/domains/${id['domain']}${user ? `/users/${id[user]}` : ''}/parameters/${name}`, { value }, root));
  const login = async (username: string, password: string) => {
    await pg.query('DELETE FROM login_throttle');
    return call('POST', '/api/v1/auth/login', { domain: DOMAIN, username, password });
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tws-ldap-tls-'));
    makeCertificates(dir);
    slapd = await startTlsSlapd(dir);
    const people = `ou=people,${SUFFIX}`;
    slapd.add(
      [
        `dn: ${SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: TWS test\ndc: tws\n`,
        `dn: ou=policies,${SUFFIX}\nobjectClass: organizationalUnit\nou: policies\n`,
        `dn: cn=default,ou=policies,${SUFFIX}\nobjectClass: device\nobjectClass: pwdPolicy\ncn: default\npwdAttribute: userPassword\npwdLockout: TRUE\n`,
        `dn: ${people}\nobjectClass: organizationalUnit\nou: people\n`,
        `dn: cn=reader,${SUFFIX}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: reader\nuserPassword: reader-pw\n`,
        `dn: uid=lea,${people}\nobjectClass: inetOrgPerson\nuid: lea\ncn: Léa\nsn: Dupré\nuserPassword: lea-ldap-pw\n`,
        `dn: uid=gone,${people}\nobjectClass: inetOrgPerson\nuid: gone\ncn: Gone\nsn: Gone\nuserPassword: gone-pw\npwdAccountLockedTime: 000001010000Z\n`,
      ].join('\n'),
    );
    // An LDAPS peer whose certificate comes from a CA nobody configured.
    roguePort = await freePort();
    rogue = createTlsServer({ key: readFileSync(join(dir, 'rogue.key')), cert: readFileSync(join(dir, 'rogue.pem')) }, (s) => s.end());
    await new Promise<void>((r) => rogue.listen(roguePort, '127.0.0.1', r));

    db = await createTestDatabase();
    nats = await startTestNats();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    [port, tkPort] = [await freePort(), await freePort()];
    const env = {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      TWS_SECRET_KEY: randomBytes(32).toString('base64'),
      LOG_LEVEL: 'warn',
      TWS_AUTH_LDAP_CA_FILE: join(dir, 'ca.pem'),
      TWS_AUTH_LDAP_TIMEOUT_MS: '3000',
    };
    const dist = resolve(__dirname, '../..');
    ws = startService('web-services', { ...env, HTTP_PORT: String(port) }, dist);
    tk = startService('toolkit-web-services', { ...env, HTTP_PORT: String(tkPort) }, dist);
    await Promise.all([waitReady(ws, port), waitReady(tk, tkPort)]);
    const s = await call('POST', '/api/admin/v1/auth/login', { username: 'tws', password: 'tws' });
    await ok(call('POST', '/api/admin/v1/auth/password', { currentPassword: 'tws', newPassword: 'S3cure-admin' }, s.body.token));
    root = s.body.token;
    id['company'] = (await ok(call('POST', '/api/admin/v1/companies', { name: 'TLS Co' }, root), 201)).id;
    id['domain'] = (await ok(call('POST', `/api/admin/v1/companies/${id['company']}/domains`, { name: DOMAIN }, root), 201)).id;
    for (const u of ['lea', 'gone', 'lea*', '*)(uid=*']) id[u] = (await ok(call('POST', `/api/admin/v1/domains/${id['domain']}/users`, { username: u }, root), 201)).id;
    await setParam('AuthMethods', 'LDAP');
    await setParam('AuthLdapServer', 'localhost');
    await setParam('AuthLdapDn', `uid=?,${people}`);
  });
  after(async () => {
    await Promise.all([ws?.stop(), tk?.stop()]);
    await pg?.end();
    await nats?.stop();
    await db?.drop();
    await slapd?.stop();
    rogue?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('StartTLS on the LDAP port: the certificate is checked against TWS_AUTH_LDAP_CA_FILE, then the user binds', async () => {
    await setParam('AuthLdapSecurity', 'StartTLS');
    await setParam('AuthLdapPort', slapd.ldapPort);
    const r = await login('lea', 'lea-ldap-pw');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.method, 'LDAP');
    assert.equal((await login('lea', 'wrong')).status, 401);
    // The same user through the toolkit's login.
    const viaToolkit = await call('POST', '/toolkit/v1/auth/login', { domain: DOMAIN, username: 'lea', password: 'lea-ldap-pw' }, undefined, tkPort);
    assert.equal(viaToolkit.status, 200, JSON.stringify(viaToolkit.body));
  });

  test('LDAPS: TLS from the first byte on its own port', async () => {
    await setParam('AuthLdapSecurity', 'LDAPS');
    await setParam('AuthLdapPort', slapd.ldapsPort);
    const r = await login('lea', 'lea-ldap-pw');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await login('lea', 'wrong')).status, 401);
  });

  test('a certificate that does not name the server, or that no configured CA signed, is refused: 503 saying why', async () => {
    await setParam('AuthLdapServer', '127.0.0.1'); // the certificate names localhost only
    const wrongName = await login('lea', 'lea-ldap-pw');
    assert.equal(wrongName.status, 503);
    assert.equal(wrongName.body.error, 'auth_unavailable');
    assert.match(wrongName.body.message, /LDAP server 127\.0\.0\.1:\d+: its TLS certificate is not trusted \(ERR_TLS_CERT_ALTNAME_INVALID/);

    await setParam('AuthLdapServer', 'localhost');
    await setParam('AuthLdapPort', roguePort);
    const unknownCa = await login('lea', 'lea-ldap-pw');
    assert.equal(unknownCa.status, 503);
    assert.match(unknownCa.body.message, /its TLS certificate is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)/);
    assert.match(unknownCa.body.message, /TWS_AUTH_LDAP_CA_FILE/);

    await setParam('AuthLdapPort', slapd.ldapsPort);
    assert.equal((await login('lea', 'lea-ldap-pw')).status, 200);
  });

  test('an account the directory has locked (pwdAccountLockedTime) cannot sign in, even with its password', async () => {
    await setParam('AuthLdapSecurity', 'StartTLS');
    await setParam('AuthLdapPort', slapd.ldapPort);
    const r = await login('gone', 'gone-pw');
    assert.equal(r.status, 401, JSON.stringify(r.body));
    assert.equal(r.body.error, 'invalid_credentials');
    // Unlocked, the same password works: the lock was the reason.
    slapd.modify(`dn: uid=gone,ou=people,${SUFFIX}\nchangetype: modify\ndelete: pwdAccountLockedTime\n`);
    assert.equal((await login('gone', 'gone-pw')).status, 200);
    slapd.modify(`dn: uid=gone,ou=people,${SUFFIX}\nchangetype: modify\nadd: pwdAccountLockedTime\npwdAccountLockedTime: 000001010000Z\n`);
    assert.equal((await login('gone', 'gone-pw')).status, 401);
  });

  test('search mode: a service account finds the DN; filter injection stays literal; a wrong service password is a 503', async () => {
    await setParam('AuthLdapDn', 'uid=nobody-here');
    await setParam('AuthLdapSearchBase', `ou=people,${SUFFIX}`);
    await setParam('AuthLdapSearchFilter', '(&(objectClass=inetOrgPerson)(uid=?))');
    await setParam('AuthLdapBindDn', `cn=reader,${SUFFIX}`);
    await setParam('AuthLdapBindPassword', 'reader-pw');
    const stored = (await pg.query(`SELECT value FROM parameter_value WHERE parameter_name = 'AuthLdapBindPassword'`)).rows[0].value as string;
    assert.doesNotMatch(stored, /reader-pw/, 'the service password is stored encrypted');

    const r = await login('lea', 'lea-ldap-pw');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Unescaped, "lea*" would find lea and bind with her password.
    assert.equal((await login('lea*', 'lea-ldap-pw')).status, 401);
    assert.equal((await login('*)(uid=*', 'lea-ldap-pw')).status, 401);
    assert.equal((await login('gone', 'gone-pw')).status, 401);

    await setParam('AuthLdapBindPassword', 'not-the-reader-pw');
    const misconfigured = await login('lea', 'lea-ldap-pw');
    assert.equal(misconfigured.status, 503);
    assert.match(misconfigured.body.message, /refused the service account \(AuthLdapBindDn \/ AuthLdapBindPassword\)/);
  });
});
