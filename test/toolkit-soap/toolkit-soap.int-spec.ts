import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { AuthLogin, AuthVerify, CallCommands, type CallCommand, type VerifiedToken } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, RemoteError, type LocalNatsServer } from '@tws/messaging';
import {
  createTestDatabase,
  freePort,
  repoRoot,
  startService,
  startTestNats,
  waitFor,
  waitReady,
  type ServiceProcess,
  type TestDatabase,
} from '@tws/testing';

const run = promisify(execFile);

const ZEEP_CALL = join(repoRoot(), 'test', 'toolkit-soap', 'zeep_call.py');
/** Debian's python3, where python3-zeep is installed (not whichever python3 comes first on PATH). */
const PYTHON = '/usr/bin/python3';

type ZeepOutcome =
  | { ok: true; result: any }
  | { ok: false; fault: { faultcode: string; faultstring: string; code: string | null } };

/**
 * toolkit-web-services as a real process, called through its WSDL by zeep (python3-zeep), a
 * SOAP client we did not write: Login and token checks reach web-services' authentication on
 * NATS, call logs seeded in Postgres come back, MakeCall reaches the CTI link on NATS (both
 * played here by the test; test/integration/user-auth.int-spec.ts runs the real
 * authentication), and every failure is a SOAP 1.1 Fault carrying the same code and message as
 * the REST face. Hostile or broken XML gets a Client fault and leaves the service running.
 */
describe('toolkit SOAP face (zeep against the real service)', () => {
  let db: TestDatabase;
  let nats: LocalNatsServer;
  let pg: Client;
  let cti: Messaging;
  let sut: ServiceProcess;
  let base: string;
  let wsdlUrl: string;
  let domainId: string;
  const commands: CallCommand[] = [];
  /** Access tokens web-services (played by the test) accepts, and whose they are. */
  const tokens: Record<string, VerifiedToken> = {};
  const as = (user: 'alice' | 'bob') => ({ AuthToken: `twsu_${user}` });

  const zeep = async (operation: string, args: Record<string, unknown>, soapHeaders: Record<string, string> = {}): Promise<ZeepOutcome> => {
    try {
      const { stdout } = await run(PYTHON, [ZEEP_CALL, wsdlUrl, operation, JSON.stringify(args), JSON.stringify(soapHeaders)], { timeout: 60_000 });
      return JSON.parse(stdout) as ZeepOutcome;
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`zeep ${operation} failed: ${err.stderr || err.message}\n--- service output ---\n${sut.output().slice(-3000)}`);
    }
  };
  /** A REST call to the toolkit, as alice unless another token (or '' for none) is given. */
  const rest = async (path: string, init: RequestInit = {}, token = 'twsu_alice') => {
    const r = await fetch(`${base}/toolkit/v1/${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
    return { status: r.status, body: (await r.json()) as any };
  };
  const postRaw = async (body: string) => {
    const r = await fetch(`${base}/toolkit/soap`, { method: 'POST', headers: { 'Content-Type': 'text/xml; charset=utf-8' }, body });
    return { status: r.status, type: r.headers.get('content-type') ?? '', body: await r.text() };
  };
  const assertStillServing = async () => {
    assert.equal(sut.child.exitCode, null, 'the service exited');
    assert.equal((await fetch(`${base}/health/live`)).status, 200);
  };

  before(async () => {
    db = await createTestDatabase();
    nats = await startTestNats();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
    const company = await pg.query(`INSERT INTO company (name) VALUES ('Acme') RETURNING id`);
    const domain = await pg.query(`INSERT INTO domain (company_id, name) VALUES ($1, 'acme.example') RETURNING id`, [company.rows[0].id]);
    domainId = domain.rows[0].id;
    for (const [username, device] of [
      ['alice', '201'],
      ['bob', '202'],
    ]) {
      const user = await pg.query(`INSERT INTO tws_user (domain_id, username) VALUES ($1, $2) RETURNING id`, [domainId, username]);
      await pg.query(`INSERT INTO device (user_id, domain_id, number, protocol) VALUES ($1, $2, $3, 'CSTA')`, [user.rows[0].id, domainId, device]);
      tokens[`twsu_${username}`] = {
        userId: user.rows[0].id,
        username: username!,
        domainId,
        domain: 'acme.example',
        companyId: company.rows[0].id,
        expiresAt: new Date(Date.now() + 900_000).toISOString(),
        method: 'TWS',
        application: null,
      };
    }
    // alice (201): an answered outgoing call, then a missed incoming one, then one still ringing
    // (not in the log until it ends); bob's call is not hers.
    await pg.query(
      `INSERT INTO call_log (domain_id, device, call_ref, direction, answered, remote_number, started_at, answered_at, ended_at) VALUES
        ($1, '201', 'L1:100', 'outgoing', true,  '+49401234567', '2026-11-28T10:00:00Z', '2026-11-28T10:00:05Z', '2026-11-28T10:01:47Z'),
        ($1, '201', 'L1:101', 'incoming', false, NULL,           '2026-11-28T11:00:00Z', NULL,                   '2026-11-28T11:00:20Z'),
        ($1, '201', 'L1:102', 'incoming', false, '0611',         '2026-11-28T12:00:00Z', NULL,                   NULL),
        ($1, '202', 'L1:103', 'outgoing', true,  '201',          '2026-11-28T13:00:00Z', '2026-11-28T13:00:01Z', '2026-11-28T13:00:09Z')`,
      [domainId],
    );

    // The CTI link monitoring alice's device: answers makeCall like cstaservices does.
    cti = await Messaging.connect({ servers: nats.url, name: 'test-cti-link', logger: createLogger('test-cti-link', 'silent') });
    cti.serve(CallCommands, CallCommands.subject(domainId, '201'), async (command) => {
      commands.push(command);
      return { callRef: 'L1:4711' };
    });
    // web-services' authentication, as the toolkit sees it on NATS.
    cti.serve(AuthVerify, AuthVerify.subject(), async ({ token }) => {
      const who = tokens[token];
      if (!who) throw new RemoteError('unauthenticated', 'access token unknown, expired or revoked: refresh it or sign in again');
      return who;
    });
    cti.serve(AuthLogin, AuthLogin.subject(), async (req) => {
      if (req.username !== 'alice' || req.password !== 'alice-pw') throw new RemoteError('invalid_credentials', 'wrong domain, user name or password');
      const { expiresAt, method: _m, application: _a, ...user } = tokens['twsu_alice']!;
      return { tokenType: 'Bearer', accessToken: 'twsu_alice', accessExpiresAt: expiresAt, refreshToken: 'twsr_alice', refreshExpiresAt: expiresAt, method: 'TWS', user };
    });
    await cti.nc.flush();

    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    wsdlUrl = `${base}/toolkit/soap?wsdl`;
    // startService runs the app of the build this file belongs to (dist/ or a private outDir).
    sut = startService('toolkit-web-services', {
      DATABASE_URL: db.url,
      NATS_URL: nats.url,
      HTTP_PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    await waitReady(sut, port);
  });

  after(async () => {
    await sut?.stop();
    await cti?.drain();
    await pg?.end();
    await nats?.stop();
    await db?.drop();
  });

  test('serves a well-formed WSDL whose address is the one the client used', async () => {
    const r = await fetch(wsdlUrl);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/xml/);
    const wsdl = await r.text();
    assert.match(wsdl, /targetNamespace="urn:tws:toolkit:1"/);
    assert.match(wsdl, /<wsdl:service name="TwsToolkit">/);
    assert.match(wsdl, /<wsdl:operation name="Login">/);
    assert.match(wsdl, /<soap:header message="tns:AuthTokenHeader" part="AuthToken" use="literal"\/>/);
    assert.ok(wsdl.includes(`<soap:address location="${base}/toolkit/soap"/>`), 'soap:address points back at this server');
    const file = join(mkdtempSync(join(tmpdir(), 'tws-wsdl-')), 'toolkit.wsdl');
    writeFileSync(file, wsdl);
    try {
      const lint = await run('xmllint', ['--noout', file]);
      assert.equal(lint.stderr, '');
    } finally {
      rmSync(dirname(file), { recursive: true, force: true });
    }
  });

  test('Login answers the tokens; a wrong password is a Client fault invalid_credentials, as REST answers 401', async () => {
    const soap = await zeep('Login', { domain: 'acme.example', username: 'alice', password: 'alice-pw' });
    assert.ok(soap.ok, JSON.stringify(soap));
    assert.equal(soap.result.accessToken, 'twsu_alice');
    assert.equal(soap.result.username, 'alice');
    assert.equal(soap.result.method, 'TWS');
    const wrong = await zeep('Login', { domain: 'acme.example', username: 'alice', password: 'guess' });
    const viaRest = await rest('auth/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ domain: 'acme.example', username: 'alice', password: 'guess' }) }, '');
    assert.equal(viaRest.status, 401);
    assert.deepEqual(wrong, { ok: false, fault: { faultcode: 'soap:Client', faultstring: viaRest.body.message, code: 'invalid_credentials' } });
  });

  test('GetCallLogs returns the completed calls of the token user, newest first, as REST does', async () => {
    const soap = await zeep('GetCallLogs', {}, as('alice'));
    assert.ok(soap.ok, JSON.stringify(soap));
    const items = soap.result as Record<string, unknown>[];
    assert.deepEqual(
      items.map((c) => [c['callRef'], c['direction'], c['answered'], c['missed'], c['remoteNumber'], c['durationS']]),
      [
        ['L1:101', 'incoming', false, true, null, 0],
        ['L1:100', 'outgoing', true, false, '+49401234567', 102],
      ],
    );
    assert.equal(new Date(items[1]!['startedAt'] as string).toISOString(), '2026-11-28T10:00:00.000Z');
    assert.equal(new Date(items[1]!['answeredAt'] as string).toISOString(), '2026-11-28T10:00:05.000Z');
    assert.equal(new Date(items[1]!['endedAt'] as string).toISOString(), '2026-11-28T10:01:47.000Z');
    assert.equal(items[0]!['answeredAt'], null);

    // The same use case behind both faces: same rows, same values (dates parsed, absent = null).
    const viaRest = await rest('call-logs');
    assert.equal(viaRest.status, 200);
    const normalized = (c: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(c).map(([k, v]) => [k, typeof v === 'string' && /At$/.test(k) ? new Date(v).toISOString() : (v ?? null)]),
      );
    assert.deepEqual(items.map(normalized), viaRest.body.items.map(normalized));
  });

  test('GetCallLogs honours limit', async () => {
    const soap = await zeep('GetCallLogs', { limit: 1, token: 'twsu_alice' });
    assert.ok(soap.ok, JSON.stringify(soap));
    assert.deepEqual((soap.result as { callRef: string }[]).map((c) => c.callRef), ['L1:101']);
  });

  test('no token or an unknown one is a Client fault unauthenticated, as REST answers 401', async () => {
    const soap = await zeep('GetCallLogs', {});
    const viaRest = await rest('call-logs', {}, '');
    assert.equal(viaRest.status, 401);
    assert.deepEqual(soap, { ok: false, fault: { faultcode: 'soap:Client', faultstring: viaRest.body.message, code: 'unauthenticated' } });
    const forged = await zeep('GetCallLogs', {}, { AuthToken: 'twsu_mallory' });
    const forgedRest = await rest('call-logs', {}, 'twsu_mallory');
    assert.equal(forgedRest.status, 401);
    assert.deepEqual(forged, { ok: false, fault: { faultcode: 'soap:Client', faultstring: forgedRest.body.message, code: 'unauthenticated' } });
  });

  test("domain and user, when given, must name the token's user: another user is a Client fault identity_mismatch", async () => {
    const same = await zeep('GetCallLogs', { domain: 'acme.example', user: 'alice' }, as('alice'));
    assert.ok(same.ok);
    const other = await zeep('GetCallLogs', { domain: 'acme.example', user: 'bob' }, as('alice'));
    const viaRest = await rest('call-logs?domain=acme.example&user=bob');
    assert.equal(viaRest.status, 403);
    assert.deepEqual(other, { ok: false, fault: { faultcode: 'soap:Client', faultstring: viaRest.body.message, code: 'identity_mismatch' } });
  });

  test('an invalid request is a Client fault with code bad_request naming the field', async () => {
    const soap = await zeep('MakeCall', { destination: 'call me' }, as('alice'));
    assert.ok(!soap.ok);
    assert.equal(soap.fault.faultcode, 'soap:Client');
    assert.equal(soap.fault.code, 'bad_request');
    assert.match(soap.fault.faultstring, /^invalid MakeCall request: destination: digits/);
    const limit = await zeep('GetCallLogs', { limit: 501 }, as('alice'));
    assert.ok(!limit.ok);
    assert.equal(limit.fault.code, 'bad_request');
    assert.match(limit.fault.faultstring, /limit/);
  });

  test('MakeCall when no CTI link monitors the device is a Server fault device_not_monitored', async () => {
    const soap = await zeep('MakeCall', { destination: '0611' }, as('bob'));
    const viaRest = await rest(
      'calls',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ destination: '0611' }),
      },
      'twsu_bob',
    );
    assert.equal(viaRest.status, 503);
    assert.deepEqual(soap, { ok: false, fault: { faultcode: 'soap:Server', faultstring: viaRest.body.message, code: 'device_not_monitored' } });
  });

  test('MakeCall sends makeCall to the link monitoring the device and returns its call reference', async () => {
    commands.length = 0;
    const soap = await zeep('MakeCall', { destination: '+49 (40) 123-4567' }, as('alice'));
    assert.deepEqual(soap, { ok: true, result: { device: '201', destination: '+49401234567', callRef: 'L1:4711' } });
    assert.deepEqual(commands, [{ command: 'makeCall', destination: '+49401234567' }]);
  });

  test('malformed XML is a Client fault, logged as a warning, and the service keeps serving', async () => {
    const mark = sut.output().length;
    for (const body of ['<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>', 'not xml at all', '']) {
      const r = await postRaw(body);
      assert.equal(r.status, 500, body);
      assert.match(r.type, /^text\/xml/);
      assert.match(r.body, /<faultcode>soap:Client<\/faultcode>/);
      assert.match(r.body, /<faultstring>malformed XML: /);
      assert.match(r.body, /<detail><code>bad_request<\/code><\/detail>/);
    }
    // Well-formed, but not one of our operations.
    const other = await postRaw(
      '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><x:Reboot xmlns:x="urn:other"/></soap:Body></soap:Envelope>',
    );
    assert.equal(other.status, 500);
    assert.match(other.body, /<faultcode>soap:Client<\/faultcode><faultstring>not a TwsToolkit request/);
    await assertStillServing();
    // Client faults go out with HTTP 500 (WS-I) but are the caller's mistake: the access log rates them warnings.
    const faultLines = await waitFor('the access-log lines of the four faults', () => {
      const lines = sut
        .output()
        .slice(mark)
        .split('\n')
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as { level: string; req?: { url?: string }; res?: { statusCode?: number } }];
          } catch {
            return [];
          }
        })
        .filter((l) => l.req?.url === '/toolkit/soap' && l.res?.statusCode === 500);
      return lines.length >= 4 ? lines : undefined;
    });
    assert.deepEqual(new Set(faultLines.map((l) => l.level)), new Set(['warn']));
  });

  test('a DOCTYPE with entities (XXE, billion laughs) is refused before parsing, with a Client fault', async () => {
    const envelope = (inner: string) =>
      `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="urn:tws:toolkit:1"><soap:Body>` +
      `<t:GetCallLogs><t:domain>acme.example</t:domain><t:user>${inner}</t:user></t:GetCallLogs></soap:Body></soap:Envelope>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` + envelope('&xxe;');
    const laughs =
      `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "alice"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>` +
      envelope('&c;');
    for (const body of [xxe, laughs]) {
      const r = await postRaw(body);
      assert.equal(r.status, 500);
      assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>DTDs and entity declarations/);
      assert.match(r.body, /<detail><code>bad_request<\/code><\/detail>/);
      assert.doesNotMatch(r.body, /root:|alice/);
    }
    await assertStillServing();
  });
});
