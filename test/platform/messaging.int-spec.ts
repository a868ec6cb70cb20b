import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JSONCodec, StringCodec, type JetStreamManager, type Subscription } from 'nats';
import { z } from 'zod';
import { ContractViolation, defineContract, defineRequest, replyEnvelope } from '@tws/contracts';
import { createLogger, currentCorrelationId, withCorrelationId } from '@tws/logging';
import { freePort, startTestNats, waitFor } from '@tws/testing';
import { RemoteError, RequestTimeoutError } from '@tws/messaging';
import { startLocalNatsServer, type LocalNatsServer } from '@tws/messaging';
import { Messaging } from '@tws/messaging';

const json = JSONCodec<unknown>();
const text = StringCodec();

/** A logger whose lines the tests can read (what an operator would see). */
function memoryLogger(name: string) {
  const lines: { level: string; msg: string; [k: string]: unknown }[] = [];
  const logger = createLogger(name, 'info', { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

// Test-only contracts: an echo request and an event family.
const Echo = defineRequest(
  'echo request',
  'test.echo.*',
  (key: string) => `test.echo.${key}`,
  z.object({ text: z.string().min(1) }),
  replyEnvelope(z.object({ text: z.string(), correlationId: z.string().optional() })),
);
/** The same subject as seen by a caller on an older, looser version of the contract. */
const LooseEcho = defineRequest('echo request', 'test.echo.*', (key: string) => `test.echo.${key}`, z.object({ text: z.unknown() }), replyEnvelope(z.unknown()));

const Note = defineContract('test note', 'test.note.*', (key: string) => `test.note.${key}`, z.object({ id: z.string().min(1), n: z.number().int() }));

const STREAM = 'TEST_EVENTS';

/**
 * Subscriptions are registered asynchronously: a request sent on another connection right after
 * `serve()` could reach the server first. Flushing makes the test say what it means.
 */
async function served(m: Messaging, contract: typeof Echo, subject: string, handler: (p: z.output<typeof Echo.request>) => Promise<unknown>): Promise<Subscription> {
  const sub = m.serve(contract, subject, handler);
  await m.nc.flush();
  return sub;
}
async function unsubscribed(m: Messaging, sub: Subscription): Promise<void> {
  sub.unsubscribe();
  await m.nc.flush();
}
const TestEvent = defineContract(
  'test event',
  'test.evt.>',
  (group: string, id: string) => `test.evt.${group}.${id}`,
  z.object({ id: z.string().min(1), n: z.number().int() }),
);

describe('Messaging against a real nats-server', () => {
  let nats: LocalNatsServer;
  let sut: Messaging;
  /** A second connection: the other service. */
  let peer: Messaging;
  let jsm: JetStreamManager;
  const sutLog = memoryLogger('sut');
  const peerLog = memoryLogger('peer');

  before(async () => {
    nats = await startTestNats();
    sut = await Messaging.connect({ servers: nats.url, name: 'sut', logger: sutLog.logger });
    peer = await Messaging.connect({ servers: nats.url, name: 'peer', logger: peerLog.logger });
    jsm = await sut.nc.jetstreamManager();
  });

  after(async () => {
    await sut?.drain();
    await peer?.drain();
    await nats?.stop();
  });

  describe('request / serve', () => {
    test('returns the result of the serving handler', async () => {
      const sub = await served(peer, Echo, Echo.pattern, async (p) => ({ text: p.text.toUpperCase() }));
      try {
        assert.deepEqual(await sut.request(Echo, ['a'], { text: 'hello' }), { text: 'HELLO' });
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('an invalid request is refused by the caller before anything is sent', async () => {
      let calls = 0;
      const sub = await served(peer, Echo, Echo.pattern, async (p) => (calls++, { text: p.text }));
      try {
        await assert.rejects(sut.request(Echo, ['b'], { text: '' }), (e: unknown) => {
          assert.ok(e instanceof ContractViolation);
          assert.match(e.message, /text/);
          return true;
        });
        // A valid request on the same connection goes through: the invalid one never reached the handler.
        await sut.request(Echo, ['b'], { text: 'ok' });
        assert.equal(calls, 1);
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('an invalid request that reaches the server gets bad_request naming the field', async () => {
      let calls = 0;
      const sub = await served(peer, Echo, Echo.pattern, async (p) => (calls++, { text: p.text }));
      try {
        await assert.rejects(sut.request(LooseEcho, ['c'], { text: 42 }), (e: unknown) => {
          assert.ok(e instanceof RemoteError, `expected RemoteError, got ${String(e)}`);
          assert.equal(e.code, 'bad_request');
          assert.match(e.message, /text/);
          assert.deepEqual((e.details as { path: string }[]).map((d) => d.path), ['text']);
          return true;
        });
        assert.equal(calls, 0, 'the handler must not see an invalid request');
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('a handler failure comes back as a RemoteError with its code and message', async () => {
      const sub = await served(peer, Echo, Echo.pattern, async (p) => {
        if (p.text === 'missing') throw new RemoteError('not_found', 'device 201 not found');
        throw new Error('database is on fire');
      });
      try {
        await assert.rejects(sut.request(Echo, ['d'], { text: 'missing' }), (e: unknown) => {
          assert.ok(e instanceof RemoteError);
          assert.equal(e.code, 'not_found');
          assert.equal(e.message, 'device 201 not found');
          return true;
        });
        await assert.rejects(sut.request(Echo, ['d'], { text: 'boom' }), (e: unknown) => {
          assert.ok(e instanceof RemoteError);
          assert.equal(e.code, 'internal');
          assert.match(e.message, /database is on fire/);
          return true;
        });
        // The unexpected failure is logged where it happened.
        assert.ok(peerLog.lines.some((l) => l.msg === 'request handler failed' && l.level === 'error'));
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('nobody listening: RequestTimeoutError no_responders naming the subject, quickly', async () => {
      const started = Date.now();
      await assert.rejects(sut.request(Echo, ['nobody'], { text: 'anyone?' }, 5000), (e: unknown) => {
        assert.ok(e instanceof RequestTimeoutError, `expected RequestTimeoutError, got ${String(e)}`);
        assert.equal(e.code, 'no_responders');
        assert.match(e.message, /nobody handles test\.echo\.nobody/);
        return true;
      });
      assert.ok(Date.now() - started < 4000, 'no responders must be reported without waiting for the timeout');
    });

    test('a responder that never answers: RequestTimeoutError timeout after the given delay', async () => {
      const sub = peer.nc.subscribe('test.echo.silent'); // listens, never replies
      try {
        await peer.nc.flush();
        await assert.rejects(sut.request(Echo, ['silent'], { text: 'hello?' }, 300), (e: unknown) => {
          assert.ok(e instanceof RequestTimeoutError);
          assert.equal(e.code, 'timeout');
          assert.match(e.message, /no reply on test\.echo\.silent within 300 ms/);
          return true;
        });
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('a reply that breaks the reply contract is a ContractViolation', async () => {
      const sub = peer.nc.subscribe('test.echo.liar', {
        callback: (_err, msg) => msg.respond(json.encode({ ok: true, result: { text: 42 } })),
      });
      try {
        await peer.nc.flush();
        await assert.rejects(sut.request(Echo, ['liar'], { text: 'hi' }), (e: unknown) => {
          assert.ok(e instanceof ContractViolation, `expected ContractViolation, got ${String(e)}`);
          assert.match(e.message, /echo request reply/);
          assert.match(e.message, /text/);
          return true;
        });
      } finally {
        await unsubscribed(peer, sub);
      }
    });

    test('the correlation id of the caller is the current one on the serving side', async () => {
      const seen: (string | undefined)[] = [];
      const sub = await served(peer, Echo, Echo.pattern, async (p) => {
        seen.push(currentCorrelationId());
        return { text: p.text, correlationId: currentCorrelationId() };
      });
      try {
        const r = await withCorrelationId('abc', () => sut.request(Echo, ['cid'], { text: 'x' }));
        assert.deepEqual(r, { text: 'x', correlationId: 'abc' });
        assert.deepEqual(seen, ['abc']);
      } finally {
        await unsubscribed(peer, sub);
      }
    });
  });

  describe('publish / subscribe', () => {
    test('publish refuses an invalid payload before sending it', async () => {
      const got: unknown[] = [];
      const raw = peer.nc.subscribe('test.note.p1', { callback: (_e, m) => void got.push(json.decode(m.data)) });
      try {
        await peer.nc.flush();
        assert.throws(() => sut.publish(Note, ['p1'], { id: '', n: 1.5 }), (e: unknown) => {
          assert.ok(e instanceof ContractViolation);
          assert.match(e.message, /id/);
          assert.match(e.message, /n/);
          return true;
        });
        sut.publish(Note, ['p1'], { id: 'valid', n: 1 });
        await waitFor('the valid note', () => got.length > 0, 5000);
        // Same connection, same subject: order is kept, so the invalid one would have come first.
        assert.deepEqual(got, [{ id: 'valid', n: 1 }]);
      } finally {
        await unsubscribed(peer, raw);
      }
    });

    test('subscribe drops invalid messages, logs them and keeps delivering valid ones', async () => {
      const got: unknown[] = [];
      const sub = peer.subscribe(Note, Note.pattern, (p) => void got.push(p));
      try {
        await peer.nc.flush();
        sut.nc.publish('test.note.s1', text.encode('this is not json'));
        sut.nc.publish('test.note.s1', json.encode({ id: 'x', n: 'one' }));
        sut.publish(Note, ['s1'], { id: 'first', n: 1 });
        sut.nc.publish('test.note.s1', json.encode({ n: 2 }));
        sut.publish(Note, ['s1'], { id: 'second', n: 2 });
        await waitFor('both valid notes', () => got.length >= 2, 5000);
        assert.deepEqual(got, [
          { id: 'first', n: 1 },
          { id: 'second', n: 2 },
        ]);
        assert.equal(peerLog.lines.filter((l) => l.msg === 'dropped test note').length, 3);
        assert.equal(sub.isClosed(), false);
      } finally {
        await unsubscribed(peer, sub);
      }
    });
  });

  describe('JetStream', () => {
    test('ensureStream is idempotent and updates the subjects of an existing stream', async () => {
      await sut.ensureStream({ name: STREAM, subjects: ['test.evt.>'] });
      await sut.ensureStream({ name: STREAM, subjects: ['test.evt.>'] });
      assert.deepEqual((await jsm.streams.info(STREAM)).config.subjects, ['test.evt.>']);

      await sut.ensureStream({ name: STREAM, subjects: ['test.evt.>', 'test.audit.>'] });
      assert.deepEqual((await jsm.streams.info(STREAM)).config.subjects, ['test.evt.>', 'test.audit.>']);
      // The new subject is captured: a durable publish on it is accepted by the stream.
      const Audit = defineContract('test audit', 'test.audit.*', (k: string) => `test.audit.${k}`, z.object({ what: z.string() }));
      await sut.publishDurable(Audit, ['login'], { what: 'login' }, 'audit-1');
      assert.equal((await jsm.streams.info(STREAM)).state.messages, 1);
    });

    test('ensureStream accepts a short retention (shorter than the duplicate window)', async () => {
      // e.g. a stream of link states kept one minute: the dedup window must fit inside it.
      await sut.ensureStream({ name: 'TEST_SHORT', subjects: ['test.short.>'], maxAgeS: 60 });
      await sut.ensureStream({ name: 'TEST_SHORT', subjects: ['test.short.>'], maxAgeS: 30 });
      const info = await jsm.streams.info('TEST_SHORT');
      assert.equal(info.config.max_age, 30e9);
      assert.ok(info.config.duplicate_window <= 30e9);
    });

    test('publishDurable with the same message id twice stores one message', async () => {
      const before = (await jsm.streams.info(STREAM)).state.messages;
      await sut.publishDurable(TestEvent, ['dup', 'e1'], { id: 'e1', n: 1 }, 'dup-e1');
      await sut.publishDurable(TestEvent, ['dup', 'e1'], { id: 'e1', n: 1 }, 'dup-e1');
      await sut.publishDurable(TestEvent, ['dup', 'e2'], { id: 'e2', n: 2 }, 'dup-e2');
      assert.equal((await jsm.streams.info(STREAM)).state.messages, before + 2);
    });

    test('publishDurable refuses an invalid payload', async () => {
      const before = (await jsm.streams.info(STREAM)).state.messages;
      await assert.rejects(sut.publishDurable(TestEvent, ['dup', 'bad'], { id: '', n: 0 }, 'dup-bad'), ContractViolation);
      assert.equal((await jsm.streams.info(STREAM)).state.messages, before);
    });

    test('consume: a failing handler gets the message again and it is handled once', async () => {
      const attempts = new Map<string, number>();
      const handled: string[] = [];
      const consumer = await peer.consume(TestEvent, { stream: STREAM, durable: 'retry', filterSubject: 'test.evt.retry.>' }, (p) => {
        const n = (attempts.get(p.id) ?? 0) + 1;
        attempts.set(p.id, n);
        if (n === 1) throw new Error('database hiccup');
        handled.push(p.id);
      });
      try {
        await sut.publishDurable(TestEvent, ['retry', 'r1'], { id: 'r1', n: 1 }, 'retry-r1');
        await waitFor('r1 handled after a retry', () => handled.includes('r1'), 15_000);
        await waitFor('every message acknowledged', async () => {
          const i = await jsm.consumers.info(STREAM, 'retry');
          return i.num_ack_pending === 0 && i.num_pending === 0;
        });
        assert.deepEqual(handled, ['r1']);
        assert.equal(attempts.get('r1'), 2);
        assert.ok(peerLog.lines.some((l) => l.msg === 'test event handler failed, will retry'));
      } finally {
        await consumer.stop();
      }
    });

    test('consume: an invalid message is terminated (not retried) and later ones are processed', async () => {
      const handled: string[] = [];
      const consumer = await peer.consume(TestEvent, { stream: STREAM, durable: 'term', filterSubject: 'test.evt.term.>' }, (p) => {
        handled.push(p.id);
      });
      try {
        const js = sut.nc.jetstream();
        await js.publish('test.evt.term.bad1', text.encode('{not json'));
        await js.publish('test.evt.term.bad2', json.encode({ id: 'bad2', n: 'two' }));
        await sut.publishDurable(TestEvent, ['term', 'ok1'], { id: 'ok1', n: 1 }, 'term-ok1');
        await waitFor('ok1 handled', () => handled.includes('ok1'), 10_000);
        await waitFor('nothing left pending', async () => {
          const i = await jsm.consumers.info(STREAM, 'term');
          return i.num_ack_pending === 0 && i.num_pending === 0;
        });
        const info = await jsm.consumers.info(STREAM, 'term');
        assert.equal(info.num_redelivered, 0, 'invalid messages must not be redelivered');
        assert.deepEqual(handled, ['ok1']);
        assert.equal(peerLog.lines.filter((l) => l.msg === 'terminated invalid test event').length, 2);
      } finally {
        await consumer.stop();
      }
    });

    test('consume: a restarted durable consumer gets only unacknowledged and new messages', async () => {
      const spec = { stream: STREAM, durable: 'restart', filterSubject: 'test.evt.restart.>' };
      const first: string[] = [];
      let refused = 0;
      const c1 = await peer.consume(TestEvent, spec, (p) => {
        if (p.id === 'r2') {
          refused++;
          throw new Error('not now'); // stays unacknowledged
        }
        first.push(p.id);
      });
      await sut.publishDurable(TestEvent, ['restart', 'r1'], { id: 'r1', n: 1 }, 'restart-r1');
      await sut.publishDurable(TestEvent, ['restart', 'r2'], { id: 'r2', n: 2 }, 'restart-r2');
      await waitFor('r1 handled and r2 refused', () => first.includes('r1') && refused > 0, 10_000);
      await c1.stop();

      await sut.publishDurable(TestEvent, ['restart', 'r3'], { id: 'r3', n: 3 }, 'restart-r3');
      const second: string[] = [];
      const c2 = await peer.consume(TestEvent, spec, (p) => void second.push(p.id));
      try {
        await waitFor('r2 and r3 handled by the new consumer', async () => {
          if (second.includes('r2') && second.includes('r3')) return true;
          const i = await jsm.consumers.info(STREAM, 'restart');
          throw new Error(`handled ${JSON.stringify(second)}; consumer ${JSON.stringify({ ack_pending: i.num_ack_pending, pending: i.num_pending, waiting: i.num_waiting, redelivered: i.num_redelivered })}`);
        }, 15_000);
        await waitFor('everything acknowledged', async () => {
          const i = await jsm.consumers.info(STREAM, 'restart');
          return i.num_ack_pending === 0 && i.num_pending === 0;
        });
        assert.deepEqual(first, ['r1']);
        assert.deepEqual([...second].sort(), ['r2', 'r3'], 'r1 was acknowledged and must not be replayed');
      } finally {
        await c2.stop();
      }
    });
  });

  describe('JetStream: a consumer that vanishes', () => {
    test('consume creates the deleted durable consumer again and keeps handling messages', async () => {
      const spec = { stream: STREAM, durable: 'phoenix', filterSubject: 'test.evt.phoenix.>' };
      const handled: string[] = [];
      const consumer = await peer.consume(TestEvent, spec, (p) => void handled.push(p.id));
      try {
        await sut.publishDurable(TestEvent, ['phoenix', 'p1'], { id: 'p1', n: 1 }, 'phoenix-p1');
        await waitFor('p1 handled', () => handled.includes('p1'), 10_000);

        // An operator, or a NATS that lost its data. (nats-server 2.9 sometimes fails the delete
        // with "directory not empty" while it writes the consumer state: try again.)
        await waitFor('the consumer deleted', async () => (await jsm.consumers.delete(STREAM, 'phoenix')) || undefined, 5000);
        await sut.publishDurable(TestEvent, ['phoenix', 'p2'], { id: 'p2', n: 2 }, 'phoenix-p2');
        await waitFor('p2 handled by the consumer created again', () => handled.includes('p2'), 20_000);
        assert.equal((await jsm.consumers.info(STREAM, 'phoenix')).config.filter_subject, 'test.evt.phoenix.>');
        assert.ok(peerLog.lines.some((l) => l.level === 'warn' && l.msg.startsWith('durable consumer is gone')), 'the operator is told');
      } finally {
        await consumer.stop();
      }
    });
  });

  describe('KV', () => {
    test('a value put by one connection is read by another', async () => {
      const kvA = await sut.kv('test_state');
      const kvB = await peer.kv('test_state');
      await kvA.put('link.1', json.encode({ state: 'up' }));
      assert.deepEqual((await kvB.get('link.1'))?.json(), { state: 'up' });
      await kvB.put('link.1', json.encode({ state: 'down' }));
      assert.deepEqual((await kvA.get('link.1'))?.json(), { state: 'down' });
      assert.equal(await kvA.get('absent'), null);
    });
  });

  test('connected is false after drain', async () => {
    const m = await Messaging.connect({ servers: nats.url, name: 'short-lived', logger: createLogger('x', 'silent') });
    assert.equal(m.connected, true);
    await m.drain();
    assert.equal(m.connected, false);
  });
});

describe('Messaging.drain when the server is gone', () => {
  test('closes the connection instead of reconnecting forever', async () => {
    const server = await startTestNats();
    const sut = await Messaging.connect({ servers: server.url, name: 'sut', logger: createLogger('sut', 'silent'), reconnectTimeWaitMs: 100 });
    try {
      await server.stop();
      await waitFor('sut notices the loss', () => !sut.connected, 10_000);
      await sut.drain();
      assert.equal(sut.nc.isClosed(), true, 'a connection left open keeps reconnecting and keeps the process alive');
    } finally {
      await sut.nc.close();
      await server.stop();
    }
  });
});

describe('Messaging when the NATS server restarts', () => {
  let dataDir: string;
  let port: number;
  let server: LocalNatsServer | undefined;
  let sut: Messaging;
  let peer: Messaging;
  const peerLog = memoryLogger('peer');

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tws-nats-restart-'));
    port = await freePort();
    server = await startLocalNatsServer({ port, dataDir: join(dataDir, 'js') });
    const opts = { servers: server.url, reconnectTimeWaitMs: 100 };
    sut = await Messaging.connect({ ...opts, name: 'sut', logger: createLogger('sut', 'silent') });
    peer = await Messaging.connect({ ...opts, name: 'peer', logger: peerLog.logger });
  });

  after(async () => {
    await sut?.drain();
    await peer?.drain();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('connected goes false then true, and requests, streams and consumers work again', async () => {
    await sut.ensureStream({ name: STREAM, subjects: ['test.evt.>'] });
    const handled: string[] = [];
    const consumer = await peer.consume(TestEvent, { stream: STREAM, durable: 'survivor' }, (p) => void handled.push(p.id));
    const sub = await served(peer, Echo, Echo.pattern, async (p) => ({ text: p.text }));
    try {
      assert.deepEqual(await sut.request(Echo, ['r'], { text: 'before' }), { text: 'before' });
      await sut.publishDurable(TestEvent, ['x', 'before'], { id: 'before', n: 1 }, 'before');
      await waitFor('event before the restart handled', () => handled.includes('before'));
      // Acks are asynchronous: stopping the server before it got this one would rightly redeliver it.
      const jsm = await sut.nc.jetstreamManager();
      await waitFor('its ack reached the server', async () => (await jsm.consumers.info(STREAM, 'survivor')).num_ack_pending === 0);

      await server!.stop();
      server = undefined;
      await waitFor('sut notices the loss', () => !sut.connected, 10_000);
      await assert.rejects(sut.ping(500));

      server = await startLocalNatsServer({ port, dataDir: join(dataDir, 'js') });
      await waitFor('sut reconnected', () => sut.connected, 15_000);
      await waitFor('peer reconnected', () => peer.connected, 15_000);
      await sut.ping();

      assert.deepEqual(await sut.request(Echo, ['r'], { text: 'after' }), { text: 'after' });
      await sut.publishDurable(TestEvent, ['x', 'after'], { id: 'after', n: 2 }, 'after');
      await waitFor('event after the restart handled by the same consumer', () => handled.includes('after'), 20_000);
      // At least once: nats-server 2.9 may lose a consumer's latest ack state when it restarts
      // (seen: 'before' handled again), which handlers absorb by being idempotent on the event id.
      // Nothing may be lost, and the consumer is not re-created from scratch.
      assert.deepEqual([...new Set(handled)], ['before', 'after']);
      assert.equal(handled.filter((id) => id === 'after').length, 1);
      assert.ok(!peerLog.lines.some((l) => l.msg.startsWith('durable consumer is gone')), JSON.stringify(peerLog.lines.filter((l) => l.level !== 'info')));
    } finally {
      await unsubscribed(peer, sub);
      await consumer.stop();
    }
  });
});
