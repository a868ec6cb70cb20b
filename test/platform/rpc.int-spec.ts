// `@ServeRequest` handlers of a real service process (bootstrapService with rpc: true, see
// fixture/) answered over a real nats-server, and the HTTP side of the same errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { defineRequest, replyEnvelope } from '@tws/contracts';
import { createLogger, withCorrelationId } from '@tws/logging';
import { Messaging, RemoteError, startLocalNatsServer, type LocalNatsServer } from '@tws/messaging';
import { createTestDatabase, freePort, startProcess, waitFor, waitReady, type ServiceProcess, type TestDatabase } from '@tws/testing';
import { FixtureRequest } from './fixture/fixture.contract';
import { builtFile, http } from './fixture/process-helpers';

/** The fixture's subject, seen by a caller that does not validate what it sends. */
const LooseFixture = defineRequest('fixture request', 'test.fixture.*', (verb: string) => `test.fixture.${verb}`, z.unknown(), replyEnvelope(z.unknown()));

describe('a service with @ServeRequest handlers', () => {
  let db: TestDatabase;
  let natsDir: string;
  let nats: LocalNatsServer;
  let sut: ServiceProcess;
  let client: Messaging;
  let httpPort: number;

  before(async () => {
    db = await createTestDatabase();
    natsDir = mkdtempSync(join(tmpdir(), 'tws-rpc-nats-'));
    const natsPort = await freePort();
    httpPort = await freePort();
    // NATS is not there yet: the handlers must attach when it appears.
    sut = startProcess('fixture', builtFile('test/platform/fixture/main.js'), {
      HTTP_PORT: String(httpPort),
      DATABASE_URL: db.url,
      NATS_URL: `nats://127.0.0.1:${natsPort}`,
      TWS_INSTANCE_ID: 'fixture-1',
    });
    await waitFor('/health/live', async () => {
      if (sut.child.exitCode !== null) throw new Error(`exited ${sut.child.exitCode}: ${sut.output()}`);
      return (await http(httpPort, '/health/live').catch(() => undefined))?.status === 200;
    }, 20_000, 100);
    nats = await startLocalNatsServer({ port: natsPort, dataDir: natsDir });
    await waitReady(sut, httpPort, 30_000);
    client = await Messaging.connect({ servers: nats.url, name: 'client', logger: createLogger('client', 'silent') });
  });

  after(async () => {
    await client?.drain();
    await sut?.stop();
    await nats?.stop();
    await db?.drop();
    rmSync(natsDir, { recursive: true, force: true });
  });

  /** Handlers attach asynchronously after NATS connects; retry only "nobody listens yet". */
  const request = (verb: string, text: string) =>
    waitFor(`an answer on test.fixture.${verb}`, async () => {
      try {
        return { ok: await client.request(FixtureRequest, [verb], { text }) };
      } catch (e) {
        if (e instanceof RemoteError && e.code === 'no_responders') throw e;
        return { error: e };
      }
    }, 10_000);

  test('answers once NATS has appeared, with the caller correlation id', async () => {
    const r = await withCorrelationId('rpc-cid-1', () => request('echo', 'hello'));
    assert.deepEqual(r, { ok: { text: 'hello', correlationId: 'rpc-cid-1', instance: 'fixture-1' } });
  });

  test('a RemoteError thrown by the handler reaches the caller with its code and message', async () => {
    const { error } = await request('missing', 'device 201');
    assert.ok(error instanceof RemoteError, `expected RemoteError, got ${String(error)}`);
    assert.equal(error.code, 'not_found');
    assert.equal(error.message, 'nothing called device 201');
  });

  test('a ContractViolation thrown by the handler is bad_request with its details', async () => {
    const { error } = await request('invalid', 'x');
    assert.ok(error instanceof RemoteError);
    assert.equal(error.code, 'bad_request');
    assert.deepEqual(error.details, [{ path: 'text', message: 'is not acceptable' }]);
  });

  test('an invalid request is refused with bad_request naming the field', async () => {
    await assert.rejects(client.request(LooseFixture, ['echo'], { text: 7, extra: true }), (e: unknown) => {
      assert.ok(e instanceof RemoteError);
      assert.equal(e.code, 'bad_request');
      assert.match(e.message, /text/);
      return true;
    });
  });

  test('an unexpected failure is internal for the caller and logged by the service', async () => {
    const { error } = await request('crash', 'everything');
    assert.ok(error instanceof RemoteError);
    assert.equal(error.code, 'internal');
    await waitFor('the failure in the service log', () => sut.output().includes('fixture crashed on everything'), 5000);
  });

  test('HTTP: a RemoteError from another service maps to the matching status', async () => {
    const cases: [string, number][] = [
      ['no_responders', 503],
      ['timeout', 504],
      ['not_found', 404],
      ['conflict', 409],
      ['something_else', 502],
    ];
    for (const [code, status] of cases) {
      const r = await http(httpPort, `/fixture/remote/${code}`);
      assert.equal(r.status, status, code);
      assert.deepEqual(r.json, { error: code, message: `the other service said ${code}` });
    }
  });

  test('HTTP: an unexpected failure is a 500 that does not leak its message, and is logged', async () => {
    const r = await http(httpPort, '/fixture/crash', { headers: { 'x-correlation-id': 'crash-1' } });
    assert.equal(r.status, 500);
    assert.equal(r.json.error, 'internal');
    assert.doesNotMatch(r.text, /secret internal detail/);
    await waitFor('the failure in the service log', () => sut.output().split('\n').some((l) => l.includes('secret internal detail') && l.includes('crash-1')), 5000);
  });
});
