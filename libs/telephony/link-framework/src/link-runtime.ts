import { KvWatchInclude, type KV, type Subscription } from 'nats';
import {
  CallCommands,
  ConfigChanges,
  CtiDeviceStates,
  CtiPduTrace,
  CtiProviderStates,
  CtiTraceFileChunk,
  LINK_LEASE_BUCKET,
  LINK_STATE_BUCKET,
  PDU_TRACE_BUCKET,
  pduTraceSettingsSchema,
  TELEPHONY_STREAM,
  TelephonyEvents,
  type DeviceState,
  type LinkState,
  type ProviderState,
  type TelephonyEvent,
} from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { LinkLeases, RemoteError, type LinkLeasesOptions, type Messaging } from '@tws/messaging';
import type { LinkConfig, LinkDriver, LinkDriverFactory } from './link-driver';
import { pduSinks, PduTracer } from './pdu-trace';

/** What the runtime uses of NATS. */
export type LinkMessaging = Pick<Messaging, 'ensureStream' | 'kv' | 'serve' | 'subscribe' | 'publishDurable'>;

/** Ownership of the links among the instances of a service (`LinkLeases`, or a fake in tests). */
export interface LinkOwnership {
  start(): void;
  stop(): Promise<void>;
  /** Every link that needs a driver. */
  setWanted(ids: string[]): void;
  /** Whether this instance drives the link now. */
  owns(id: string): boolean;
}

export interface LinkRuntimeOptions<L extends LinkConfig> {
  /** `protocol` of the provider states; also names the links in logs ("CSTA link starting"). */
  protocol: ProviderState['protocol'];
  /** The link service (`cstaservices`): queue group, lease key prefix, trace file names. */
  service: string;
  /** This instance (TWS_INSTANCE_ID or host-pid): link owner, instance subjects, leases. */
  instance: string;
  /** NATS once the service's platform is ready (also waits for the database); retried until it resolves. */
  connect: () => Promise<LinkMessaging>;
  /** The configured links of the protocol (disabled ones are skipped). */
  listLinks: () => Promise<L[]>;
  /** The devices of a domain to monitor, in priority order (its links share them, each up to its `capacity`). */
  listDevices: (domainId: string) => Promise<string[]>;
  /** A domain's name for the provider states. */
  domainName?: (domainId: string) => Promise<string | undefined>;
  createDriver: LinkDriverFactory<L>;
  /** Protocol/number normalization of an event before it is published (e.g. dialing plan). */
  normalize?: (link: L, event: TelephonyEvent) => Promise<TelephonyEvent>;
  /** Counts events received (`received`, `resynchronized`, `link-state`) and what drivers drop. */
  count?: (result: string) => void;
  /** Folder of the PDU trace files. */
  traceFolder: string;
  /** Seconds a link lease lives without renewal, in ms. */
  leaseTtlMs: number;
  /** Ownership of the links (default: `LinkLeases` in the LINK_LEASE_BUCKET). */
  createLeases?: (options: LinkLeasesOptions) => LinkOwnership;
  logger: Logger;
  /** Delay of a reload after a configuration change (ms, default 300). */
  reloadDelayMs?: number;
  /** Delay before watching the PDU trace settings again after the watch failed (ms, default 2000). */
  traceRewatchMs?: number;
}

interface LinkRunner<L extends LinkConfig> {
  entity: L;
  driver: LinkDriver;
  /** Call-command subscriptions, by device. */
  commands: Map<string, Subscription>;
  /** Devices configured beyond the link's capacity (not monitored). */
  overCapacity: number;
  publishChain: Promise<void>;
  closed: boolean;
}

/**
 * The protocol-agnostic core of a link service (cstaservices, later vtixmlservices), without
 * NestJS: one driver per enabled link whose lease this instance holds; monitors the link's
 * devices within its capacity, publishes the driver's events (normalized) on the telephony
 * stream in arrival order per link, routes the call commands of each device to the driver that
 * monitors it, publishes the link state in KV, and answers the operations requests (provider and
 * device states, PDU traces and their files). Reloads links and devices when the configuration
 * changes, without restart; a changed link restarts with what its driver carries.
 */
export class LinkRuntime<L extends LinkConfig> {
  private readonly runners = new Map<string, LinkRunner<L>>();
  /**
   * Where each enabled link's share of its domain's devices starts, and whether it is the
   * domain's last link (the one that reports the devices no link has room for).
   */
  private shares = new Map<string, { offset: number; last: boolean }>();
  private messaging?: LinkMessaging;
  private linkStates?: KV;
  private readonly subscriptions: Subscription[] = [];
  private reloadTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();
  private readonly tracer: PduTracer;
  private readonly domainNames = new Map<string, string>();
  /** Ownership of the links among the instances (NATS KV leases). */
  private leases?: LinkOwnership;
  /** Domain-scoped PDU traces (one file set per domain, for the tenant's administrators). */
  private readonly domainTracers = new Map<string, PduTracer>();
  /** PDU trace settings shared by every instance (PDU_TRACE_BUCKET), and the revision applied per key. */
  private traceSettings?: KV;
  private readonly traceRevisions = new Map<string, number>();
  private traceWatch?: { stop(): void };
  private destroyed = false;
  private readonly logger: Logger;

  constructor(private readonly options: LinkRuntimeOptions<L>) {
    this.logger = options.logger;
    this.tracer = new PduTracer({ folder: options.traceFolder, fileName: `${options.service}-pdu.log` });
  }

  get instance(): string {
    return this.options.instance;
  }

  /** Links driven now, by id. */
  get linkIds(): string[] {
    return [...this.runners.keys()];
  }

  /** The driver of a link this instance drives. */
  driverOf(linkId: string): LinkDriver | undefined {
    return this.runners.get(linkId)?.driver;
  }

  /** Connects (retrying until NATS is there), serves the operations, then loads the links. */
  async start(): Promise<void> {
    const { service, instance } = this.options;
    for (let attempt = 1; !this.destroyed; attempt++) {
      try {
        const m = await this.options.connect();
        this.messaging = m;
        await m.ensureStream(TELEPHONY_STREAM);
        this.linkStates = await m.kv(LINK_STATE_BUCKET);
        if (!this.traceSettings) {
          this.traceSettings = await m.kv(PDU_TRACE_BUCKET);
          // The traces in force (started before this instance) apply before any status or link.
          await this.followTraceSettings(this.traceSettings);
        }
        if (!this.leases) {
          const leaseOptions: LinkLeasesOptions = {
            kv: await m.kv(LINK_LEASE_BUCKET),
            service,
            instance,
            ttlMs: this.options.leaseTtlMs,
            logger: this.logger.child({ component: 'link-leases' }),
            onChange: () => this.scheduleReload(0),
            // Handing a link over: stop it first (in the reload chain, which owns the runners).
            beforeRelease: (id) =>
              (this.reloading = this.reloading.then(async () => {
                const runner = this.runners.get(id);
                if (runner) await this.stopLink(runner, { keepState: true });
              })),
          };
          this.leases = this.options.createLeases ? this.options.createLeases(leaseOptions) : new LinkLeases(leaseOptions);
        }
        this.subscriptions.push(
          m.subscribe(ConfigChanges, ConfigChanges.pattern, () => this.scheduleReload()),
          // Any one instance, for its own links (one instance: all of them).
          m.serve(CtiProviderStates, CtiProviderStates.subject(), (q) => this.providerStates(q.domainId), { queue: service }),
          m.serve(CtiDeviceStates, CtiDeviceStates.subject(), (q) => this.deviceStates(q), { queue: service }),
          // No queue group: every instance applies a trace start/stop; the first reply is returned.
          m.serve(CtiPduTrace, CtiPduTrace.subject(), async (q) => this.pduTrace(q.action, q.device, q.domainId)),
          // This instance by name (web-services asks every live instance and merges).
          m.serve(CtiProviderStates, CtiProviderStates.subject(instance), (q) => this.providerStates(q.domainId)),
          m.serve(CtiDeviceStates, CtiDeviceStates.subject(instance), (q) => this.deviceStates(q)),
          m.serve(CtiPduTrace, CtiPduTrace.subject(instance), async (q) => this.pduTrace(q.action, q.device, q.domainId)),
          m.serve(CtiTraceFileChunk, CtiTraceFileChunk.subject(instance), async (q) => this.traceFileChunk(q)),
        );
        break;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt }, `${service} cannot start its links yet, retrying`);
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      }
    }
    if (this.destroyed) return;
    this.leases!.start();
    this.scheduleReload(0);
  }

  /** Reloads links and devices soon (configuration changed); reloads never overlap. */
  scheduleReload(delayMs = this.options.reloadDelayMs ?? 300): void {
    if (this.destroyed) return;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloading = this.reloading.then(() => this.reload()).catch((e) => this.logger.error({ err: e }, `reloading ${this.options.protocol} links failed`));
    }, delayMs);
  }

  /** Resolves when the reloads scheduled or running now are over (tests). */
  async settled(): Promise<void> {
    let current: Promise<void>;
    do {
      current = this.reloading;
      await current.catch(() => undefined);
    } while (current !== this.reloading);
  }

  /** Brings running links and monitored devices in line with the configuration. */
  async reload(): Promise<void> {
    const enabled = (await this.options.listLinks()).filter((l) => l.enabled);
    this.shares = domainShares(enabled);
    // Every enabled link needs a driver; this instance drives those whose lease it holds.
    this.leases?.setWanted(enabled.map((l) => l.id));
    const links = this.leases ? enabled.filter((l) => this.leases!.owns(l.id)) : enabled;
    const configured = new Set(enabled.map((l) => l.id));
    const wanted = new Map(links.map((l) => [l.id, l]));
    const carried = new Map<string, unknown>();
    for (const [id, runner] of this.runners) {
      const l = wanted.get(id);
      if (!l || l.updatedAt.getTime() !== runner.entity.updatedAt.getTime()) {
        // A link another instance now drives keeps its published state (the new owner's).
        await this.stopLink(runner, { keepState: configured.has(id) && !l });
        // A changed link starts again with what its driver carries (e.g. the calls it knew).
        if (l && runner.driver.carry) carried.set(id, runner.driver.carry());
      }
    }
    for (const entity of links) {
      if (!this.runners.has(entity.id)) this.startLink(entity, carried.get(entity.id));
    }
    this.domainNames.clear();
    // One query per domain: its links share one list (the same snapshot for every link's share).
    const devices = new Map<string, Promise<string[]>>();
    for (const runner of this.runners.values()) {
      const { domainId } = runner.entity;
      if (!devices.has(domainId)) devices.set(domainId, this.options.listDevices(domainId));
      await this.syncDevices(runner, await devices.get(domainId)!);
    }
  }

  private startLink(entity: L, carried?: unknown) {
    const runner: LinkRunner<L> = { entity, driver: undefined as unknown as LinkDriver, commands: new Map(), overCapacity: 0, publishChain: Promise.resolve(), closed: false };
    const driver = this.options.createDriver(
      entity,
      {
        onEvents: (events) => this.onEvents(runner, events),
        onChange: () => void this.publishLinkState(runner),
        onDropped: (what) => this.options.count?.(what),
      },
      carried,
    );
    if (!driver) return;
    runner.driver = driver;
    this.runners.set(entity.id, runner);
    driver.traceTo(this.traceSinkFor(entity.domainId));
    driver.start();
    this.logger.info({ linkId: entity.id, name: entity.name, pbx: driver.where, pbxType: entity.pbxType }, `${this.options.protocol} link starting`);
  }

  private async stopLink(runner: LinkRunner<L>, opts: { keepState?: boolean } = {}) {
    runner.closed = true;
    this.runners.delete(runner.entity.id);
    for (const s of runner.commands.values()) s.unsubscribe();
    await runner.driver.close();
    if (!opts.keepState) await this.linkStates?.delete(runner.entity.id).catch(() => undefined);
    this.logger.info({ linkId: runner.entity.id }, `${this.options.protocol} link stopped`);
  }

  /**
   * The link's share of the domain's devices: with one link, the first `capacity` devices; with
   * several (guide 4.1.1: a link multiplexes the monitoring of several subscribers, up to its
   * capacity), the domain's links take the devices in turn, in link-name order, each as many as
   * its capacity. Monitored by the driver, their commands routed to it.
   */
  private async syncDevices(runner: LinkRunner<L>, all: readonly string[]) {
    const share = this.shares.get(runner.entity.id) ?? { offset: 0, last: true };
    const end = share.offset + runner.entity.capacity;
    runner.overCapacity = share.last ? Math.max(0, all.length - end) : 0;
    if (runner.overCapacity > 0) {
      this.logger.warn(
        { linkId: runner.entity.id, devices: all.length, capacity: runner.entity.capacity, otherLinksCapacity: share.offset },
        `more ${this.options.protocol} devices than the link capacity: the extra ones are not monitored`,
      );
    }
    const wanted = all.slice(share.offset, end);
    const keep = new Set(wanted);
    for (const [number, sub] of runner.commands) {
      if (keep.has(number)) continue;
      sub.unsubscribe();
      runner.commands.delete(number);
    }
    for (const number of wanted) {
      if (runner.commands.has(number)) continue;
      runner.commands.set(
        number,
        this.messaging!.serve(CallCommands, CallCommands.subject(runner.entity.domainId, number), (cmd) => runner.driver.execute(number, cmd), {
          queue: this.options.service,
        }),
      );
    }
    await runner.driver.setDevices(wanted);
    await this.publishLinkState(runner);
  }

  private onEvents(runner: LinkRunner<L>, events: TelephonyEvent[]) {
    for (const e of events) this.options.count?.(e.cause === 'resynchronized' ? 'resynchronized' : e.kind === 'linkState' ? 'link-state' : 'received');
    // Serial per link: events reach the stream in the order the PBX sent them.
    runner.publishChain = runner.publishChain.then(async () => {
      for (const e of events) await this.publish(runner, this.options.normalize ? await this.options.normalize(runner.entity, e) : e);
    });
  }

  private async publish(runner: LinkRunner<L>, evt: TelephonyEvent) {
    for (let attempt = 1; !runner.closed; attempt++) {
      try {
        await this.messaging!.publishDurable(TelephonyEvents, [evt.domainId, evt.device, evt.kind], evt, evt.eventId);
        return;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt, eventId: evt.eventId }, 'cannot publish a telephony event yet, retrying');
        await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  }

  private async publishLinkState(runner: LinkRunner<L>) {
    if (!this.linkStates || runner.closed) return;
    const s = runner.driver.status();
    const state: LinkState = {
      linkId: runner.entity.id,
      domainId: runner.entity.domainId,
      state: s.state,
      monitoredDevices: s.monitoredDevices,
      lastError: s.lastError,
      owner: this.options.instance,
      updatedAt: new Date().toISOString(),
      host: runner.entity.host,
      port: runner.entity.port,
      capacity: runner.entity.capacity,
      pbxType: runner.entity.pbxType,
    };
    await this.linkStates.put(runner.entity.id, JSON.stringify(state)).catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Operations (guide 10.4–10.6)

  private async domainName(domainId: string): Promise<string | undefined> {
    if (!this.domainNames.has(domainId)) {
      const name = await this.options.domainName?.(domainId).catch(() => undefined);
      if (name !== undefined) this.domainNames.set(domainId, name);
    }
    return this.domainNames.get(domainId);
  }

  async providerStates(domainId?: string): Promise<{ providers: ProviderState[] }> {
    const providers: ProviderState[] = [];
    for (const r of this.runners.values()) {
      if (domainId && r.entity.domainId !== domainId) continue;
      const s = r.driver.status();
      const domainName = await this.domainName(r.entity.domainId);
      providers.push({
        linkId: r.entity.id,
        name: r.entity.name,
        protocol: this.options.protocol,
        pbxType: r.entity.pbxType,
        host: r.entity.host,
        port: r.entity.port,
        connected: s.connected,
        state: s.state,
        monitoredDevices: s.monitoredDevices,
        capacity: r.entity.capacity,
        overCapacity: r.overCapacity,
        domainId: r.entity.domainId,
        ...(domainName ? { domainName } : {}),
        activeCalls: s.activeCalls,
        ...(s.lastError ? { lastError: s.lastError } : {}),
        ...(s.upSince ? { upSince: s.upSince } : {}),
        ...(s.downSince ? { downSince: s.downSince } : {}),
        owner: this.options.instance,
      });
    }
    return { providers };
  }

  async deviceStates(q: { domainId?: string; first?: string; last?: string; limit: number }): Promise<{ devices: DeviceState[]; truncated: boolean }> {
    const devices: DeviceState[] = [];
    let truncated = false;
    const inRange = (n: string) => (q.first === undefined || compareNumbers(n, q.first) >= 0) && (q.last === undefined || compareNumbers(n, q.last) <= 0);
    for (const r of this.runners.values()) {
      if (q.domainId && r.entity.domainId !== q.domainId) continue;
      const connected = r.driver.status().connected;
      for (const d of r.driver.deviceStates()) {
        if (!inRange(d.device)) continue;
        if (devices.length >= q.limit) {
          truncated = true;
          break;
        }
        devices.push({
          device: d.device,
          domainId: r.entity.domainId,
          linkId: r.entity.id,
          provider: r.entity.host,
          state: d.monitored && connected ? 'connected' : 'disconnected',
          type: r.driver.deviceType,
          ...(d.crossRefId ? { monitorCrossRefId: d.crossRefId } : {}),
          ...(d.reason ? { reason: d.reason } : {}),
          activeCalls: d.activeCalls,
        });
      }
    }
    devices.sort((a, b) => compareNumbers(a.device, b.device));
    return { devices, truncated };
  }

  /**
   * Start, stop or read a PDU trace: of every link (no domain; file `<service>-pdu.log`) or of
   * one domain's links (file `<service>-pdu-<domainId>.log`, what its administrators download).
   */
  async pduTrace(
    action: 'start' | 'stop' | 'status',
    device?: string,
    domainId?: string,
  ): Promise<{ tracing: string[]; folder: string; files: string[]; instance: string; fileDetails: { name: string; size: number; modifiedAt: string }[] }> {
    const tracer = domainId ? this.domainTracer(domainId) : this.tracer;
    if (action !== 'status') {
      if (!device) throw new RemoteError('bad_request', 'device: required to start or stop a trace (a number or *)');
      const key = this.traceKey(domainId);
      try {
        // Persisted first, so the instances started later trace the same devices.
        const { revision, tracing } = await this.writeTraceSettings(key, action, device);
        this.applyTraceSettings(key, revision, tracing);
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, action, device, domainId }, 'cannot persist the PDU trace settings: applied by the instances running now only');
        tracer.set(changedTracing(tracer.tracing, action, device));
        this.refreshTraceSinks();
      }
      tracer.flush();
      this.logger.warn({ action, device, domainId, folder: tracer.folder }, `PDU trace ${action === 'start' ? 'started' : 'stopped'}`);
    }
    return { tracing: tracer.tracing, folder: tracer.folder, files: tracer.files(), instance: this.options.instance, fileDetails: tracer.fileDetails() };
  }

  /** A piece of one of this instance's trace files, for the download through web-services. */
  async traceFileChunk(q: { domainId?: string; name: string; offset: number; length: number }): Promise<{ data: string; size: number; eof: boolean }> {
    const tracer = q.domainId ? this.domainTracer(q.domainId) : this.tracer;
    const chunk = tracer.readChunk(q.name, q.offset, q.length);
    if (!chunk) throw new RemoteError('not_found', `no trace file ${q.name} on ${this.options.instance}`);
    return { data: chunk.data.toString('base64'), size: chunk.size, eof: chunk.eof };
  }

  private domainTracer(domainId: string): PduTracer {
    let t = this.domainTracers.get(domainId);
    if (!t) {
      t = new PduTracer({ folder: this.options.traceFolder, fileName: `${this.options.service}-pdu-${domainId}.log` });
      this.domainTracers.set(domainId, t);
    }
    return t;
  }

  private traceSinkFor(domainId: string) {
    return pduSinks(this.tracer, this.domainTracers.get(domainId));
  }

  private refreshTraceSinks() {
    for (const r of this.runners.values()) r.driver.traceTo(this.traceSinkFor(r.entity.domainId));
  }

  /** KV key of a trace scope: `<service>.all` or `<service>.domain.<domainId>`. */
  private traceKey(domainId?: string): string {
    return domainId ? `${this.options.service}.domain.${domainId}` : `${this.options.service}.all`;
  }

  /**
   * Applies a start/stop to the persisted settings of a scope, with compare-and-set on the
   * revision (every instance applies the same request: the first one writes, the others find it
   * done). Returns the settings and their revision.
   */
  private async writeTraceSettings(key: string, action: 'start' | 'stop', device: string): Promise<{ revision: number; tracing: string[] }> {
    const kv = this.traceSettings;
    if (!kv) throw new Error('not connected to NATS yet');
    for (let attempt = 1; ; attempt++) {
      const current = await kv.get(key);
      const before = current?.operation === 'PUT' ? parseTraceSettings(current.string()) : [];
      const tracing = changedTracing(before, action, device);
      if (tracing.join('\n') === before.join('\n')) return { revision: current?.revision ?? 0, tracing };
      try {
        const value = JSON.stringify({ tracing, by: this.options.instance, updatedAt: new Date().toISOString() });
        return { revision: await kv.put(key, value, { previousSeq: current?.revision ?? 0 }), tracing };
      } catch (e) {
        if (attempt >= 5) throw e; // written meanwhile by another instance: read again
      }
    }
  }

  /** Applies the settings of a scope unless a later revision is already applied. */
  private applyTraceSettings(key: string, revision: number, tracing: string[]) {
    const known = this.traceRevisions.get(key);
    if (known !== undefined && revision < known) return;
    this.traceRevisions.set(key, revision);
    const prefix = `${this.options.service}.`;
    if (!key.startsWith(prefix)) return;
    const scope = key.slice(prefix.length);
    const tracer = scope === 'all' ? this.tracer : scope.startsWith('domain.') ? this.domainTracer(scope.slice('domain.'.length)) : undefined;
    if (!tracer || tracer.tracing.join('\n') === [...tracing].sort().join('\n')) return;
    tracer.set(tracing);
    tracer.flush();
    this.refreshTraceSinks();
    this.logger.info({ scope, tracing: tracer.tracing }, 'PDU trace settings applied');
  }

  /**
   * Reads the persisted trace settings and follows their changes (KV watch), for as long as the
   * runtime runs. Resolves once the settings in force are applied (or could not be read: the
   * watch keeps trying).
   */
  private followTraceSettings(kv: KV): Promise<void> {
    const pattern = `${this.options.service}.>`;
    return new Promise<void>((loaded) => {
      void (async () => {
        while (!this.destroyed) {
          try {
            // Watch first, then read: nothing written between the two is missed (revisions order them).
            const watch = await kv.watch({ key: pattern, include: KvWatchInclude.UpdatesOnly });
            this.traceWatch = watch;
            if (this.destroyed) watch.stop();
            const keys: string[] = [];
            for await (const k of await kv.keys(pattern)) keys.push(k);
            for (const k of keys) {
              const e = await kv.get(k);
              if (e) this.applyTraceSettings(k, e.revision, e.operation === 'PUT' ? parseTraceSettings(e.string()) : []);
            }
            loaded();
            for await (const e of watch) this.applyTraceSettings(e.key, e.revision, e.operation === 'PUT' ? parseTraceSettings(e.string()) : []);
          } catch (e) {
            if (!this.destroyed) this.logger.warn({ err: (e as Error).message }, 'watching the PDU trace settings failed, retrying');
          }
          loaded();
          if (!this.destroyed) await new Promise((r) => setTimeout(r, this.options.traceRewatchMs ?? 2000));
        }
        loaded();
      })();
    });
  }

  /** Stops every link, releases the leases at once (graceful) and flushes the traces. */
  async stop(): Promise<void> {
    this.destroyed = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const s of this.subscriptions) s.unsubscribe();
    this.traceWatch?.stop();
    await this.reloading.catch(() => undefined);
    await Promise.all([...this.runners.values()].map((r) => this.stopLink(r)));
    // Graceful: the leases go at once, so another instance takes the links over right away.
    await this.leases?.stop().catch((e) => this.logger.warn({ err: (e as Error).message }, 'cannot release the link leases'));
    this.tracer.flush();
    for (const t of this.domainTracers.values()) t.flush();
  }
}

/** The devices traced after a start/stop (`stop *` stops everything), sorted. */
export function changedTracing(before: readonly string[], action: 'start' | 'stop', device: string): string[] {
  const set = new Set(before);
  if (action === 'start') set.add(device);
  else if (device === '*') set.clear();
  else set.delete(device);
  return [...set].sort();
}

function parseTraceSettings(value: string): string[] {
  try {
    const parsed = pduTraceSettingsSchema.safeParse(JSON.parse(value));
    return parsed.success ? [...parsed.data.tracing].sort() : [];
  } catch {
    return [];
  }
}

/** Numeric order for numbers of digits, text order otherwise ("4000" < "10000"). */
export function compareNumbers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each enabled link's place among its domain's links (name order, then id): see syncDevices. */
export function domainShares(enabled: readonly LinkConfig[]): Map<string, { offset: number; last: boolean }> {
  const byDomain = new Map<string, LinkConfig[]>();
  for (const l of enabled) byDomain.set(l.domainId, [...(byDomain.get(l.domainId) ?? []), l]);
  const out = new Map<string, { offset: number; last: boolean }>();
  for (const links of byDomain.values()) {
    links.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    let offset = 0;
    links.forEach((l, i) => {
      out.set(l.id, { offset, last: i === links.length - 1 });
      offset += l.capacity;
    });
  }
  return out;
}
