import { after, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CallCommands, LINK_STATE_BUCKET, PDU_TRACE_BUCKET, type CallCommand, type CallCommandResult, type LinkState, type TelephonyEvent } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import type { LinkLeasesOptions } from '@tws/messaging';
import type { LinkConfig, LinkDeviceStatus, LinkDriver, LinkDriverHooks, LinkDriverStatus } from './link-driver';
import { compareNumbers, LinkRuntime, type LinkMessaging, type LinkOwnership } from './link-runtime';
import type { PduSink } from './pdu-trace';

const DOMAIN = '00000000-0000-4000-8000-00000000000d';
const linkId = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

/** An in-memory driver: records what the runtime asks, and lets the test emit events. */
class FakeDriver implements LinkDriver {
  readonly deviceType = 'cti';
  devices: string[] = [];
  executed: { device: string; command: CallCommand }[] = [];
  closed = false;
  started = false;
  sink?: PduSink;
  state: LinkDriverStatus['state'] = 'up';
  constructor(
    readonly link: LinkConfig,
    readonly hooks: LinkDriverHooks,
    readonly carried: unknown,
  ) {}
  get where() {
    return `${this.link.host}:${this.link.port}`;
  }
  start() {
    this.started = true;
  }
  async close() {
    this.closed = true;
  }
  async setDevices(numbers: readonly string[]) {
    this.devices = [...numbers];
    this.hooks.onChange();
  }
  async execute(device: string, command: CallCommand): Promise<CallCommandResult> {
    this.executed.push({ device, command });
    return { callRef: `${this.link.id}:${device}` };
  }
  status(): LinkDriverStatus {
    return { state: this.state, connected: this.state === 'up', monitoredDevices: this.devices.length, activeCalls: 0 };
  }
  deviceStates(): LinkDeviceStatus[] {
    return this.devices.map((device) => ({ device, monitored: true, crossRefId: `x${device}`, activeCalls: 0 }));
  }
  traceTo(sink: PduSink | undefined) {
    this.sink = sink;
  }
  carry() {
    return `calls of ${this.link.id}@${this.link.updatedAt.getTime()}`;
  }
}

interface FakeEntry {
  key: string;
  value: string;
  revision: number;
  operation: 'PUT' | 'DEL';
  string(): string;
}

/** A KV bucket in memory: revisions, compare-and-set (`previousSeq`), keys, watch of updates. */
class FakeKv {
  readonly entries = new Map<string, FakeEntry>();
  private revision = 0;
  private watchers: { prefix: string; push: (e: FakeEntry) => void }[] = [];
  /** Writes that fail (NATS down). */
  failing = false;

  get values(): Map<string, string> {
    return new Map([...this.entries].filter(([, e]) => e.operation === 'PUT').map(([k, e]) => [k, e.value]));
  }
  private write(key: string, value: string, operation: FakeEntry['operation'], previousSeq?: number): number {
    if (this.failing) throw new Error('no KV');
    if (previousSeq !== undefined && (this.entries.get(key)?.revision ?? 0) !== previousSeq) throw new Error('wrong last sequence');
    const e: FakeEntry = { key, value, revision: ++this.revision, operation, string: () => value };
    this.entries.set(key, e);
    for (const w of this.watchers) if (key.startsWith(w.prefix)) w.push(e);
    return e.revision;
  }
  async put(key: string, value: string, opts: { previousSeq?: number } = {}) {
    return this.write(key, value, 'PUT', opts.previousSeq);
  }
  async delete(key: string) {
    this.write(key, '', 'DEL');
  }
  async get(key: string) {
    if (this.failing) throw new Error('no KV');
    return this.entries.get(key) ?? null;
  }
  async keys(pattern: string) {
    const prefix = pattern.replace(/>$/, '');
    return (async function* (keys: string[]) {
      yield* keys;
    })([...this.entries.keys()].filter((k) => k.startsWith(prefix)));
  }
  async watch(opts: { key: string }) {
    const queue: FakeEntry[] = [];
    let wake: (() => void) | undefined;
    let stopped = false;
    const watcher = { prefix: opts.key.replace(/>$/, ''), push: (e: FakeEntry) => (queue.push(e), wake?.()) };
    this.watchers.push(watcher);
    const remove = () => (this.watchers = this.watchers.filter((w) => w !== watcher));
    return {
      stop: () => {
        stopped = true;
        remove();
        wake?.();
      },
      async *[Symbol.asyncIterator]() {
        while (!stopped) {
          const e = queue.shift();
          if (e) yield e;
          else await new Promise<void>((r) => (wake = r));
        }
      },
    };
  }
}

/** NATS in memory: served subjects, published events, KV buckets. */
class FakeNats {
  served = new Map<string, (q: any) => Promise<unknown>>();
  configHandlers: (() => void)[] = [];
  published: { subject: string[]; event: TelephonyEvent }[] = [];
  buckets = new Map<string, FakeKv>();
  /** Publications that fail before one goes through. */
  failures = 0;
  /** Delay of a publication (ms) by event id. */
  delays = new Map<string, number>();

  readonly messaging: LinkMessaging = {
    ensureStream: async () => undefined,
    kv: async (bucket: string) => this.bucket(bucket) as any,
    serve: ((_contract: unknown, subject: string, handler: (q: any) => Promise<unknown>) => {
      this.served.set(subject, handler);
      return { unsubscribe: () => this.served.delete(subject) };
    }) as any,
    subscribe: ((_contract: unknown, _subject: string, handler: () => void) => {
      this.configHandlers.push(handler);
      return { unsubscribe: () => undefined };
    }) as any,
    publishDurable: (async (_contract: unknown, args: string[], payload: TelephonyEvent) => {
      const delay = this.delays.get(payload.eventId);
      if (delay) await new Promise((r) => setTimeout(r, delay));
      if (this.failures > 0) {
        this.failures--;
        throw new Error('no stream');
      }
      this.published.push({ subject: args, event: payload });
    }) as any,
  };

  bucket(name: string): FakeKv {
    const kv = this.buckets.get(name) ?? new FakeKv();
    this.buckets.set(name, kv);
    return kv;
  }

  linkState(id: string): LinkState | undefined {
    const v = this.buckets.get(LINK_STATE_BUCKET)?.values.get(id);
    return v ? JSON.parse(v) : undefined;
  }
}

/** Leases decided by the test. */
class FakeLeases implements LinkOwnership {
  owned = new Set<string>();
  wanted: string[] = [];
  constructor(readonly options: LinkLeasesOptions) {}
  start() {}
  async stop() {}
  setWanted(ids: string[]) {
    this.wanted = ids;
  }
  owns(id: string) {
    return this.owned.has(id);
  }
}

const logs: { level: string; msg: string }[] = [];
const logger = {
  info: (_o: unknown, msg: string) => void logs.push({ level: 'info', msg }),
  warn: (_o: unknown, msg: string) => void logs.push({ level: 'warn', msg }),
  error: (_o: unknown, msg: string) => void logs.push({ level: 'error', msg }),
  debug: () => undefined,
  child: () => logger,
} as unknown as Logger;

async function until(what: string, check: () => boolean, timeoutMs = 2000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function link(n: number, over: Partial<LinkConfig> = {}): LinkConfig {
  return { id: linkId(n), domainId: DOMAIN, name: `L${n}`, enabled: true, host: `pbx${n}`, port: 2555, capacity: 10, pbxType: 'ECMA-323 XML', updatedAt: new Date(1000), ...over };
}

function event(n: number, over: Partial<TelephonyEvent> = {}): TelephonyEvent {
  return { eventId: `e${n}`, kind: 'delivered', linkId: linkId(1), domainId: DOMAIN, device: '4001', callingNumber: '4002', occurredAt: new Date(0).toISOString(), ...over };
}

describe('LinkRuntime (fake driver, NATS and leases in memory)', () => {
  const traceDir = mkdtempSync(join(tmpdir(), 'tws-link-runtime-'));
  after(() => rmSync(traceDir, { recursive: true, force: true }));

  let nats: FakeNats;
  let links: LinkConfig[];
  let devices: string[];
  let drivers: FakeDriver[];
  let leases: FakeLeases | undefined;
  let counted: string[];
  /** The domains whose devices were listed, in order. */
  let listed: string[];

  function runtime(opts: { leases?: boolean; instance?: string; normalize?: (l: LinkConfig, e: TelephonyEvent) => Promise<TelephonyEvent> } = {}) {
    const sut = new LinkRuntime<LinkConfig>({
      protocol: 'CSTA',
      service: 'testservices',
      instance: opts.instance ?? 'inst-1',
      connect: async () => nats.messaging,
      listLinks: async () => links,
      listDevices: async (domainId) => {
        listed.push(domainId);
        return devices;
      },
      domainName: async () => 'acme',
      createDriver: (l, hooks, carried) => {
        const d = new FakeDriver(l, hooks, carried);
        drivers.push(d);
        return d;
      },
      ...(opts.normalize ? { normalize: opts.normalize } : {}),
      count: (r) => void counted.push(r),
      traceFolder: traceDir,
      leaseTtlMs: 15_000,
      reloadDelayMs: 0,
      logger,
      createLeases: (o) => {
        leases = new FakeLeases(o);
        if (opts.leases === false) leases.owns = () => true;
        return leases;
      },
    });
    return sut;
  }
  const live = () => drivers.filter((d) => !d.closed);

  beforeEach(() => {
    nats = new FakeNats();
    links = [link(1)];
    devices = ['4001', '4002', '4003'];
    drivers = [];
    leases = undefined;
    counted = [];
    listed = [];
    logs.length = 0;
  });

  test('reconcile: a link is added, changed (restarted carrying the old driver’s state) and removed', async () => {
    const sut = runtime({ leases: false });
    await sut.start();
    await until('the first link', () => live().length === 1 && live()[0].devices.length === 3);
    assert.deepEqual(leases!.wanted, [linkId(1)]);
    assert.equal(live()[0].started, true);
    assert.equal(nats.linkState(linkId(1))?.owner, 'inst-1');
    assert.ok(logs.some((l) => l.msg === 'CSTA link starting'));

    links = [link(1), link(2, { host: 'pbx2' })];
    await sut.reload();
    assert.deepEqual(live().map((d) => d.link.id), [linkId(1), linkId(2)]);

    links = [link(1, { updatedAt: new Date(2000), host: 'pbx1b' }), link(2)];
    await sut.reload();
    const restarted = live().find((d) => d.link.id === linkId(1))!;
    assert.equal(drivers[0].closed, true, 'the old driver is closed');
    assert.equal(restarted.link.host, 'pbx1b');
    assert.equal(restarted.carried, `calls of ${linkId(1)}@1000`, 'the new driver takes over what the old one carried');
    assert.equal(drivers[1].closed, false, 'an unchanged link keeps running');

    links = [link(1, { updatedAt: new Date(2000) })];
    await sut.reload();
    assert.deepEqual(live().map((d) => d.link.id), [linkId(1)]);
    assert.equal(nats.linkState(linkId(2)), undefined, 'a removed link’s state is deleted');
    assert.ok(logs.some((l) => l.msg === 'CSTA link stopped'));

    links = [link(1, { updatedAt: new Date(2000), enabled: false })];
    await sut.reload();
    assert.equal(live().length, 0, 'a disabled link stops');
    await sut.stop();
  });

  test('a configuration change reloads (devices added and removed)', async () => {
    const sut = runtime({ leases: false });
    await sut.start();
    await until('devices', () => live()[0]?.devices.length === 3);
    devices = ['4001', '4004'];
    nats.configHandlers.forEach((h) => h());
    await until('new devices', () => live()[0].devices.join() === '4001,4004');
    assert.ok(nats.served.has(CallCommands.subject(DOMAIN, '4004')));
    assert.ok(!nats.served.has(CallCommands.subject(DOMAIN, '4002')), 'the commands of a removed device are no longer served');
    await sut.stop();
  });

  test('capacity: the first devices are monitored, the others counted as over capacity', async () => {
    links = [link(1, { capacity: 2 })];
    const sut = runtime({ leases: false });
    await sut.start();
    await until('devices', () => live()[0]?.devices.length === 2);
    assert.deepEqual(live()[0].devices, ['4001', '4002']);
    assert.ok(!nats.served.has(CallCommands.subject(DOMAIN, '4003')), 'no commands for a device beyond the capacity');
    assert.ok(logs.some((l) => l.level === 'warn' && l.msg === 'more CSTA devices than the link capacity: the extra ones are not monitored'));
    const { providers } = await sut.providerStates();
    assert.equal(providers.length, 1);
    assert.deepEqual(
      { capacity: providers[0].capacity, overCapacity: providers[0].overCapacity, monitored: providers[0].monitoredDevices, protocol: providers[0].protocol, domainName: providers[0].domainName },
      { capacity: 2, overCapacity: 1, monitored: 2, protocol: 'CSTA', domainName: 'acme' },
    );
    assert.equal(nats.linkState(linkId(1))?.monitoredDevices, 2);
    await sut.stop();
  });

  test('several links of a domain share its devices in name order, each up to its capacity; a device is monitored once', async () => {
    links = [link(2, { name: 'B node', capacity: 2 }), link(1, { name: 'A node', capacity: 2 })];
    devices = ['4001', '4002', '4003', '4004', '4005'];
    const sut = runtime({ leases: false });
    await sut.start();
    await until('both links with their devices', () => live().length === 2 && live().every((d) => d.devices.length === 2));
    const of = (n: number) => live().find((d) => d.link.id === linkId(n))!;
    assert.deepEqual(of(1).devices, ['4001', '4002'], 'A node first');
    assert.deepEqual(of(2).devices, ['4003', '4004']);
    const { providers } = await sut.providerStates();
    assert.deepEqual(
      providers.map((p) => [p.name, p.monitoredDevices, p.overCapacity]).sort(),
      [['A node', 2, 0], ['B node', 2, 1]],
      'the one device no link has room for is reported once, on the last link',
    );
    await nats.served.get(CallCommands.subject(DOMAIN, '4003'))!({ command: 'makeCall', destination: '4001' });
    assert.deepEqual(of(2).executed.map((x) => x.device), ['4003'], 'the command reaches the link that monitors the device');
    assert.equal(of(1).executed.length, 0);
    listed = [];
    await sut.reload();
    assert.deepEqual(listed, [DOMAIN], 'the domain\'s devices are listed once per reload, not once per link');

    // A link switched off: the other one takes the first devices.
    links = [link(2, { name: 'B node', capacity: 2 }), link(1, { name: 'A node', capacity: 2, enabled: false })];
    await sut.reload();
    assert.deepEqual(live().map((d) => [d.link.id, d.devices]), [[linkId(2), ['4001', '4002']]]);
    await sut.stop();
  });

  test('command routing: a command for a device reaches the driver of the link that monitors it', async () => {
    links = [link(1), link(2, { domainId: '00000000-0000-4000-8000-0000000000d2' })];
    const sut = runtime({ leases: false });
    await sut.start();
    await until('devices', () => live().length === 2 && live().every((d) => d.devices.length === 3));
    const result = await nats.served.get(CallCommands.subject('00000000-0000-4000-8000-0000000000d2', '4002'))!({ command: 'answerCall', callRef: 'c1' });
    assert.deepEqual(result, { callRef: `${linkId(2)}:4002` });
    assert.deepEqual(drivers[1].executed, [{ device: '4002', command: { command: 'answerCall', callRef: 'c1' } }]);
    assert.deepEqual(drivers[0].executed, []);

    const { devices: states } = await sut.deviceStates({ domainId: DOMAIN, first: '4002', limit: 10 });
    assert.deepEqual(
      states.map((d) => [d.device, d.linkId, d.state, d.type, d.monitorCrossRefId]),
      [
        ['4002', linkId(1), 'connected', 'cti', 'x4002'],
        ['4003', linkId(1), 'connected', 'cti', 'x4003'],
      ],
    );
    drivers[0].state = 'down';
    assert.equal((await sut.deviceStates({ domainId: DOMAIN, limit: 1 })).truncated, true);
    assert.equal((await sut.deviceStates({ domainId: DOMAIN, limit: 10 })).devices[0].state, 'disconnected', 'a device of a link down is disconnected');
    await sut.stop();
  });

  test('publication: in arrival order per link, normalized, retried until it goes through, counted', async () => {
    const sut = runtime({
      leases: false,
      normalize: async (_l, e) => {
        // Slower for the first event: the order must not change.
        if (e.eventId === 'e1') await new Promise((r) => setTimeout(r, 30));
        return e.callingNumber ? { ...e, callingNumber: `+33${e.callingNumber}` } : e;
      },
    });
    await sut.start();
    await until('the driver', () => live()[0]?.devices.length === 3);
    nats.delays.set('e2', 20);
    nats.failures = 1;
    live()[0].hooks.onEvents([event(1), event(2)]);
    live()[0].hooks.onEvents([event(3, { kind: 'linkState', cause: undefined }), event(4, { cause: 'resynchronized' })]);
    live()[0].hooks.onDropped('unknown-monitor');
    await until('four publications', () => nats.published.length === 4, 5000);
    assert.deepEqual(nats.published.map((p) => p.event.eventId), ['e1', 'e2', 'e3', 'e4']);
    assert.deepEqual(nats.published[0].subject, [DOMAIN, '4001', 'delivered']);
    assert.equal(nats.published[0].event.callingNumber, '+334002');
    assert.deepEqual(counted.sort(), ['link-state', 'received', 'received', 'resynchronized', 'unknown-monitor']);
    assert.ok(logs.some((l) => l.msg === 'cannot publish a telephony event yet, retrying'));
    await sut.stop();
  });

  test('leases: only owned links run; losing a lease stops the link and keeps its state for the new owner', async () => {
    links = [link(1), link(2, { domainId: '00000000-0000-4000-8000-0000000000d2' })];
    const sut = runtime();
    await sut.start();
    await until('the reload', () => leases!.wanted.length === 2);
    assert.equal(live().length, 0, 'no lease, no link');

    leases!.owned.add(linkId(1)).add(linkId(2));
    leases!.options.onChange();
    await until('two links', () => live().length === 2 && live().every((d) => d.devices.length === 3));
    assert.ok(nats.served.has(CallCommands.subject(DOMAIN, '4001')));

    leases!.owned.delete(linkId(2));
    leases!.options.onChange();
    await until('link 2 stopped', () => drivers[1].closed);
    await sut.settled();
    assert.deepEqual(sut.linkIds, [linkId(1)]);
    assert.equal(nats.linkState(linkId(2))?.owner, 'inst-1', 'the link state stays (the next owner overwrites it)');

    // Handing a link over: it is stopped before the lease is released.
    await leases!.options.beforeRelease!(linkId(1));
    assert.equal(drivers[0].closed, true);
    assert.deepEqual(sut.linkIds, []);
    await sut.stop();
  });

  test('PDU traces: start per domain or for all, the drivers get the sink; files named after the service', async () => {
    const sut = runtime({ leases: false });
    await sut.start();
    await until('the driver', () => live().length === 1);
    assert.equal(live()[0].sink, undefined, 'nothing traced: no sink');
    const started = await sut.pduTrace('start', '4001', DOMAIN);
    assert.deepEqual(started.tracing, ['4001']);
    assert.ok(live()[0].sink?.active);
    live()[0].sink!.record({ at: new Date(0), linkId: linkId(1), direction: 'in', invokeId: '9999', device: '4001', xml: '<E/>' });
    const status = await sut.pduTrace('status', undefined, DOMAIN);
    const name = `testservices-pdu-${DOMAIN}.log`;
    assert.deepEqual(status.fileDetails.map((f) => f.name), [name]);
    const chunk = await sut.traceFileChunk({ domainId: DOMAIN, name, offset: 0, length: 1000 });
    assert.match(Buffer.from(chunk.data, 'base64').toString(), /IN {2}9999 4001 <E\/>/);
    await assert.rejects(sut.traceFileChunk({ name, offset: 0, length: 10 }), { code: 'not_found' }, 'not a file of the all-links trace');
    await assert.rejects(sut.pduTrace('start'), { code: 'bad_request' });
    await sut.pduTrace('stop', '*', DOMAIN);
    assert.equal(live()[0].sink, undefined);
    await sut.stop();
  });

  test('PDU trace settings in KV: written on start/stop, followed by the running instances, applied by one started later', async () => {
    const kv = nats.bucket(PDU_TRACE_BUCKET);
    const settings = (key: string) => JSON.parse(kv.values.get(key) ?? 'null') as { tracing: string[]; by: string } | null;
    const domainKey = `testservices.domain.${DOMAIN}`;
    const first = runtime({ leases: false });
    await first.start();
    await until('the first driver', () => live().length === 1);
    await first.pduTrace('start', '4001', DOMAIN);
    await first.pduTrace('start', '*');
    assert.deepEqual(settings(domainKey), { ...settings(domainKey)!, tracing: ['4001'], by: 'inst-1' }, 'the domain trace is persisted');
    assert.deepEqual(settings('testservices.all')?.tracing, ['*'], 'the all-links trace is persisted under its own key');

    // An instance started later (restart, new replica, takeover) traces the same, from its first link on.
    const before = drivers.length;
    const later = runtime({ leases: false, instance: 'inst-2' });
    await later.start();
    assert.deepEqual((await later.pduTrace('status', undefined, DOMAIN)).tracing, ['4001']);
    assert.deepEqual((await later.pduTrace('status')).tracing, ['*']);
    await until('the later instance’s driver', () => drivers.length === before + 1);
    assert.ok(drivers[before].sink?.active, 'its driver gets the trace sink when it starts');

    // A stop through one instance reaches the other (KV watch); the same request applied again writes nothing.
    const revision = kv.entries.get(domainKey)!.revision;
    assert.deepEqual((await later.pduTrace('stop', '4001', DOMAIN)).tracing, []);
    const stopped = kv.entries.get(domainKey)!.revision;
    assert.ok(stopped > revision, 'the stop is written');
    await until('the first instance follows', () => first['domainTracers'].get(DOMAIN)?.active === false);
    assert.deepEqual((await first.pduTrace('stop', '4001', DOMAIN)).tracing, []);
    assert.equal(kv.entries.get(domainKey)!.revision, stopped, 'a request every instance applies is written once');
    await first.pduTrace('stop', '*');
    assert.deepEqual(settings('testservices.all')?.tracing, []);
    await until('the later instance follows', () => !later['tracer'].active);

    // KV unavailable: the trace still applies on the instance asked (and says why it is not persisted).
    kv.failing = true;
    assert.deepEqual((await first.pduTrace('start', '4009', DOMAIN)).tracing, ['4009']);
    assert.ok(logs.some((l) => l.msg === 'cannot persist the PDU trace settings: applied by the instances running now only'));
    kv.failing = false;
    await later.stop();
    await first.stop();
  });

  test('compareNumbers: numeric order for digits, text order otherwise', () => {
    assert.deepEqual(['10000', '4000', 'b', '4001', 'a'].sort(compareNumbers), ['4000', '4001', '10000', 'a', 'b']);
  });
});
