import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleRef } from '@nestjs/core';
import { z } from 'zod';
import { createLogger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { ApiError, notFound } from '@tws/service';
import { ToolkitSoapEndpoint } from './toolkit-soap.endpoint';
import { ToolkitSoapHandler } from './toolkit-soap.handler';
import { type CallLogItem, type Caller, type ToolkitSoapOptions, type ToolkitUseCases } from './toolkit-soap.options';
import { TOOLKIT_WSDL } from './toolkit.wsdl';

// Stand-ins for the REST schemas (a feature library may not import another): same shapes.
const schemas: ToolkitSoapOptions['schemas'] = {
  login: z.object({ domain: z.string().min(1), username: z.string().min(1).optional(), password: z.string().optional(), application: z.string().optional() }).strict(),
  makeCall: z
    .object({ domain: z.string().min(1).optional(), user: z.string().min(1).optional(), destination: z.string().regex(/^[0-9+]+$/, 'digits only'), device: z.string().optional() })
    .strict(),
  callLogs: z.object({ domain: z.string().min(1).optional(), user: z.string().min(1).optional(), limit: z.coerce.number().int().min(1).max(500).default(50), before: z.string().optional() }),
};

const ALICE: Caller = { userId: 'a11ce000-0000-4000-8000-000000000001', username: 'alice', domainId: 'd0000000-0000-4000-8000-000000000001', domain: 'acme', companyId: 'c0000000-0000-4000-8000-000000000001' };
/** Stand-in for tws.auth.verify: one valid token. */
const authenticate = async (token: string | undefined): Promise<Caller> => {
  if (token === 'twsu_alice') return ALICE;
  throw new ApiError(401, 'unauthenticated', token ? 'access token unknown, expired or revoked' : 'sign in first');
};

const LOG: CallLogItem = {
  id: 'c0ffee00-0000-4000-8000-000000000001',
  device: '201',
  callRef: 'L1:101',
  direction: 'incoming',
  answered: false,
  missed: true,
  remoteNumber: '+49401234567',
  remoteName: 'Jürgen Müller',
  remoteCompany: null,
  startedAt: '2026-11-28T11:00:00.000Z',
  answeredAt: null,
  endedAt: '2026-11-28T11:00:20.000Z',
  durationS: 0,
};

/** A handler and endpoint over fake use cases, as the module wires them (minus HTTP). */
async function endpointOver(useCases: Partial<ToolkitUseCases>) {
  const calls: { op: string; input: unknown; caller?: string }[] = [];
  const recorded: ToolkitUseCases = {
    login: async (input, client) => (calls.push({ op: 'login', input }), useCases.login!(input, client)),
    authenticate,
    makeCall: async (caller, input) => (calls.push({ op: 'makeCall', input, caller: caller.username }), useCases.makeCall!(caller, input)),
    callLogs: async (caller, query) => (calls.push({ op: 'callLogs', input: query, caller: caller.username }), useCases.callLogs!(caller, query)),
  };
  const moduleRef = { get: () => recorded } as unknown as ModuleRef;
  const handler = new ToolkitSoapHandler({ useCases: Object as never, schemas }, moduleRef);
  handler.onModuleInit();
  const sut = new ToolkitSoapEndpoint(handler, createLogger('test', 'silent'));
  await sut.onModuleInit();
  return { sut, calls };
}

/** A request; signed in as alice (AuthToken header) unless `header` says otherwise. */
const envelope = (body: string, header = '<t:AuthToken>twsu_alice</t:AuthToken>') =>
  `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="urn:tws:toolkit:1">` +
  (header ? `<s:Header>${header}</s:Header>` : '') +
  `<s:Body>${body}</s:Body></s:Envelope>`;
const makeCall = (fields: string) => envelope(`<t:MakeCall>${fields}</t:MakeCall>`);
const fault = (faultcode: string, faultstring: string, code: string) =>
  `<soap:Fault><faultcode>${faultcode}</faultcode><faultstring>${faultstring}</faultstring><detail><code>${code}</code></detail></soap:Fault>`;

describe('ToolkitSoapEndpoint', () => {
  test('MakeCall validates, calls the use case and answers MakeCallResponse with the number dialed', async () => {
    const { sut, calls } = await endpointOver({ makeCall: async (_c, i) => ({ device: '201', destination: i.destination, dialed: `0${i.destination}`, callRef: 'L1:7' }) });
    const r = await sut.handle(makeCall('<t:domain>acme</t:domain><t:user>alice</t:user><t:destination>0611</t:destination>'));
    assert.equal(r.status, 200);
    assert.match(r.body, /<MakeCallResponse xmlns="urn:tws:toolkit:1"><device>201<\/device><destination>00611<\/destination><callRef>L1:7<\/callRef><\/MakeCallResponse>/);
    assert.deepEqual(calls, [{ op: 'makeCall', input: { domain: 'acme', user: 'alice', destination: '0611' }, caller: 'alice' }]);
  });

  test('a call reference the PBX did not give is left out, not sent empty', async () => {
    const { sut } = await endpointOver({ makeCall: async (_c, i) => ({ device: '201', destination: i.destination, dialed: i.destination, callRef: null }) });
    const r = await sut.handle(makeCall('<t:domain>acme</t:domain><t:user>alice</t:user><t:destination>0611</t:destination>'));
    assert.equal(r.status, 200);
    assert.doesNotMatch(r.body, /callRef/);
  });

  test('GetCallLogs answers one callLog per row, in WSDL order, absent values omitted', async () => {
    const { sut, calls } = await endpointOver({ callLogs: async () => ({ items: [LOG] }) });
    const r = await sut.handle(envelope('<t:GetCallLogs><t:domain>acme</t:domain><t:user>alice</t:user><t:limit>5</t:limit></t:GetCallLogs>'));
    assert.equal(r.status, 200);
    assert.match(
      r.body,
      /<callLog><id>c0ffee00-0000-4000-8000-000000000001<\/id><device>201<\/device><callRef>L1:101<\/callRef><direction>incoming<\/direction><answered>false<\/answered><missed>true<\/missed><remoteNumber>\+49401234567<\/remoteNumber><remoteName>Jürgen Müller<\/remoteName><startedAt>2026-11-28T11:00:00.000Z<\/startedAt><endedAt>2026-11-28T11:00:20.000Z<\/endedAt><durationS>0<\/durationS><\/callLog>/,
    );
    assert.deepEqual(calls, [{ op: 'callLogs', input: { domain: 'acme', user: 'alice', limit: 5 }, caller: 'alice' }]);
  });

  test('xsd:dateTime arguments reach the schema as written', async () => {
    const { sut, calls } = await endpointOver({ callLogs: async () => ({ items: [] }) });
    const r = await sut.handle(envelope('<t:GetCallLogs><t:domain>acme</t:domain><t:user>alice</t:user><t:before>2026-11-28T12:00:00+01:00</t:before></t:GetCallLogs>'));
    assert.equal(r.status, 200);
    assert.deepEqual(calls[0]!.input, { domain: 'acme', user: 'alice', limit: 50, before: '2026-11-28T12:00:00+01:00' });
  });

  test('a request the schema refuses is a Client fault bad_request naming the field; the use case is not called', async () => {
    const { sut, calls } = await endpointOver({ makeCall: async () => assert.fail('must not be called') });
    const r = await sut.handle(makeCall('<t:domain>acme</t:domain><t:user>alice</t:user><t:destination>call me</t:destination>'));
    assert.equal(r.status, 500);
    assert.ok(r.body.includes(fault('soap:Client', 'invalid MakeCall request: destination: digits only', 'bad_request')), r.body);
    assert.deepEqual(calls, []);
  });

  test('use-case errors become Faults with the REST code and message: 4xx Client, 5xx Server', async () => {
    const cases: [unknown, string][] = [
      [notFound('user "bob" in domain "acme"'), fault('soap:Client', 'user &quot;bob&quot; in domain &quot;acme&quot; not found', 'not_found')],
      [new ApiError(503, 'device_not_monitored', 'device 202 is not monitored'), fault('soap:Server', 'device 202 is not monitored', 'device_not_monitored')],
      [new RemoteError('timeout', 'no reply on tws.cti.cmd within 10000 ms'), fault('soap:Server', 'no reply on tws.cti.cmd within 10000 ms', 'timeout')],
      [new Error('secret internals <here>'), fault('soap:Server', 'internal error (logged with the correlation id)', 'internal')],
    ];
    for (const [error, expected] of cases) {
      const { sut } = await endpointOver({
        makeCall: async () => {
          throw error;
        },
      });
      const r = await sut.handle(makeCall('<t:domain>acme</t:domain><t:user>bob</t:user><t:destination>0611</t:destination>'));
      assert.equal(r.status, 500);
      assert.ok(r.body.includes(expected), `${(error as Error).message}: ${r.body}`);
      assert.doesNotMatch(r.body, /secret internals|at .*\.js/);
    }
  });

  test('DTDs are refused before any parsing, even without entities', async () => {
    const { sut, calls } = await endpointOver({ callLogs: async () => ({ items: [] }) });
    for (const head of ['<!DOCTYPE x>', '<!doctype x [<!ENTITY e SYSTEM "file:///etc/passwd">]>']) {
      const r = await sut.handle(head + envelope('<t:GetCallLogs><t:domain>acme</t:domain><t:user>alice</t:user></t:GetCallLogs>'));
      assert.equal(r.status, 500);
      assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>DTDs and entity declarations/);
    }
    assert.deepEqual(calls, []);
  });

  test('malformed XML, unknown operations and non-SOAP documents are Client faults', async () => {
    const { sut } = await endpointOver({});
    const malformed = await sut.handle('<a><b></a>');
    assert.match(malformed.body, /<faultcode>soap:Client<\/faultcode><faultstring>malformed XML: Expected closing tag 'b'/);
    for (const xml of [envelope('<t:Reboot/>'), '<html><body/></html>', envelope('&undeclared;')]) {
      const r = await sut.handle(xml);
      assert.equal(r.status, 500);
      assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>not a TwsToolkit request: expected a SOAP 1.1 Envelope whose Body holds one Login, MakeCall or GetCallLogs/, xml);
      assert.match(r.body, /<detail><code>bad_request<\/code><\/detail>/);
    }
  });

  test('Login validates, calls the use case with the HTTP client, and answers the tokens in WSDL order', async () => {
    let seen: unknown;
    const { sut, calls } = await endpointOver({
      login: async (_i, client) => {
        seen = client;
        return { accessToken: 'twsu_x', accessExpiresAt: '2026-11-28T12:15:00.000Z', refreshToken: 'twsr_y', refreshExpiresAt: '2026-11-29T12:00:00.000Z', method: 'TWS', user: ALICE };
      },
    });
    const client = { address: '192.0.2.7', headers: { 'x-remote-user': 'alice' } };
    const r = await sut.handle(envelope('<t:Login><t:domain>acme</t:domain><t:username>alice</t:username><t:password>pw</t:password></t:Login>', ''), client);
    assert.equal(r.status, 200, r.body);
    assert.match(
      r.body,
      /<LoginResponse xmlns="urn:tws:toolkit:1"><accessToken>twsu_x<\/accessToken><accessExpiresAt>2026-11-28T12:15:00.000Z<\/accessExpiresAt><refreshToken>twsr_y<\/refreshToken><refreshExpiresAt>2026-11-29T12:00:00.000Z<\/refreshExpiresAt><method>TWS<\/method><userId>a11ce000-0000-4000-8000-000000000001<\/userId><username>alice<\/username><domain>acme<\/domain><\/LoginResponse>/,
    );
    assert.deepEqual(calls, [{ op: 'login', input: { domain: 'acme', username: 'alice', password: 'pw' } }]);
    assert.deepEqual(seen, client, 'the client address and headers reach the use case (throttling, trusted proxy)');
  });

  test('the access token may come as the token element; without a valid one the operation is a Client fault unauthenticated', async () => {
    const { sut, calls } = await endpointOver({ callLogs: async () => ({ items: [] }) });
    const viaElement = await sut.handle(envelope('<t:GetCallLogs><t:limit>3</t:limit><t:token>twsu_alice</t:token></t:GetCallLogs>', ''));
    assert.equal(viaElement.status, 200, viaElement.body);
    assert.deepEqual(calls, [{ op: 'callLogs', input: { limit: 3 }, caller: 'alice' }], 'the token is not an argument of the use case');
    calls.length = 0;
    for (const [header, body, message] of [
      ['', '<t:GetCallLogs/>', 'sign in first'],
      ['<t:AuthToken>twsu_forged</t:AuthToken>', '<t:GetCallLogs/>', 'access token unknown, expired or revoked'],
      ['', '<t:MakeCall><t:destination>0611</t:destination><t:token>twsu_forged</t:token></t:MakeCall>', 'access token unknown, expired or revoked'],
    ] as const) {
      const r = await sut.handle(envelope(body, header));
      assert.equal(r.status, 500);
      assert.ok(r.body.includes(fault('soap:Client', message, 'unauthenticated')), r.body);
    }
    assert.deepEqual(calls, [], 'no use case ran without a valid token');
  });

  test('the WSDL is served with the address the client used', async () => {
    const { sut } = await endpointOver({});
    assert.match(sut.wsdl('http://pbx-gw.example:8001'), /<soap:address location="http:\/\/pbx-gw.example:8001\/toolkit\/soap"\/>/);
    assert.equal(sut.wsdl(), TOOLKIT_WSDL);
  });
});
