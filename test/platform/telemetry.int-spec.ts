// The OpenTelemetry SDK is process-global: this file is the only one that starts it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { z } from 'zod';
import { defineContract, defineRequest, replyEnvelope } from '@tws/contracts';
import { createLogger } from '@tws/logging';
import { Messaging, RemoteError, type LocalNatsServer } from '@tws/messaging';
import { startTestNats, waitFor } from '@tws/testing';
import { startTelemetry, type TelemetryHandle } from '@tws/telemetry';

const Lookup = defineRequest(
  'lookup request',
  'test.lookup.*',
  (key: string) => `test.lookup.${key}`,
  z.object({ number: z.string() }),
  replyEnvelope(z.object({ name: z.string() })),
);
const Changed = defineContract('test change', 'test.changed.*', (k: string) => `test.changed.${k}`, z.object({ id: z.string() }));

describe('tracing across a NATS hop', () => {
  const exporter = new InMemorySpanExporter();
  let sut: TelemetryHandle;
  let nats: LocalNatsServer;
  let caller: Messaging;
  let server: Messaging;
  const tracer = () => trace.getTracer('telemetry-test');

  before(async () => {
    sut = startTelemetry('test', { spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    nats = await startTestNats();
    caller = await Messaging.connect({ servers: nats.url, name: 'caller', logger: createLogger('caller', 'silent') });
    server = await Messaging.connect({ servers: nats.url, name: 'server', logger: createLogger('server', 'silent') });
    server.serve(Lookup, Lookup.pattern, async (p) => {
      if (p.number === '0') throw new RemoteError('not_found', 'no contact with number 0');
      return { name: 'Alice' };
    });
    await server.nc.flush();
  });

  after(async () => {
    await caller?.drain();
    await server?.drain();
    await nats?.stop();
    await sut?.shutdown();
  });

  const byName = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);
  const parentId = (s: ReadableSpan) => s.parentSpanContext?.spanId;

  test('is enabled when span processors are given', () => {
    assert.equal(sut.enabled, true);
  });

  test('the serving span continues the trace of the request, as a child of the client span', async () => {
    exporter.reset();
    let userSpanId = '';
    let traceId = '';
    await tracer().startActiveSpan('user action', async (span) => {
      userSpanId = span.spanContext().spanId;
      traceId = span.spanContext().traceId;
      assert.deepEqual(await caller.request(Lookup, ['contacts'], { number: '201' }), { name: 'Alice' });
      span.end();
    });

    const [client] = byName('request test.lookup.*');
    assert.ok(client, 'a client span for the request');
    assert.equal(client.kind, SpanKind.CLIENT);
    assert.equal(client.spanContext().traceId, traceId);
    assert.equal(parentId(client), userSpanId);
    assert.equal(client.attributes['messaging.destination'], 'test.lookup.contacts');

    const served = await waitFor('the serving span', () => byName('serve test.lookup.*')[0], 5000);
    assert.equal(served.kind, SpanKind.SERVER);
    assert.equal(served.spanContext().traceId, traceId, 'same trace on both sides of the hop');
    assert.equal(parentId(served), client.spanContext().spanId, 'the client span is the parent');
    assert.equal(served.parentSpanContext?.isRemote, true);
  });

  test('a request made outside any span still links both sides', async () => {
    exporter.reset();
    await caller.request(Lookup, ['contacts'], { number: '202' });
    const [client] = byName('request test.lookup.*');
    const served = await waitFor('the serving span', () => byName('serve test.lookup.*')[0], 5000);
    assert.equal(parentId(client!), undefined, 'the client span is a root');
    assert.equal(served.spanContext().traceId, client!.spanContext().traceId);
    assert.equal(parentId(served), client!.spanContext().spanId);
  });

  test('a failed request is an error on both sides', async () => {
    exporter.reset();
    await assert.rejects(caller.request(Lookup, ['contacts'], { number: '0' }), RemoteError);
    const [client] = byName('request test.lookup.*');
    const served = await waitFor('the serving span', () => byName('serve test.lookup.*')[0], 5000);
    assert.equal(client!.status.code, SpanStatusCode.ERROR);
    assert.equal(served.status.code, SpanStatusCode.ERROR);
    assert.match(served.status.message ?? '', /no contact with number 0/);
  });

  test('a subscriber span joins the trace of the publisher', async () => {
    exporter.reset();
    const received: string[] = [];
    const sub = server.subscribe(Changed, Changed.pattern, (p) => void received.push(p.id));
    await server.nc.flush();
    let publisherSpan = { traceId: '', spanId: '' };
    tracer().startActiveSpan('save company', (span) => {
      publisherSpan = span.spanContext();
      caller.publish(Changed, ['company'], { id: 'c1' });
      span.end();
    });
    await waitFor('the message', () => received.length === 1, 5000);
    const consumed = await waitFor('the receiving span', () => byName('receive test.changed.*')[0], 5000);
    assert.equal(consumed.spanContext().traceId, publisherSpan.traceId);
    assert.equal(parentId(consumed), publisherSpan.spanId);
    sub.unsubscribe();
  });
});
