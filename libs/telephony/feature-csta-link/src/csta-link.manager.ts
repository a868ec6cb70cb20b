import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import type { KV, Subscription } from 'nats';
import { z } from 'zod';
import {
  CallCommands,
  ConfigChanges,
  CtiDeviceStates,
  CtiPduTrace,
  CtiProviderStates,
  CtiTraceFileChunk,
  LINK_LEASE_BUCKET,
  LINK_STATE_BUCKET,
  TELEPHONY_STREAM,
  TelephonyEvents,
  type DeviceState,
  type LinkState,
  type ProviderState,
  type TelephonyEvent,
} from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { LinkLeases, RemoteError, type Messaging } from '@tws/messaging';
import { DatabaseService, MetricsRegistry, NatsService, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { DialingPlans, TenancyRepository, type CstaLinkEntity } from '@tws/tenancy-data-access';
import type { Logger } from '@tws/logging';
import type { CallRegistry } from './call-registry';
import { CstaLink } from './csta-link';
import { UaCstaServerLink } from './ua-csta-server';
import { pbxProfile } from './pbx-profiles';
import { pduSinks, PduTracer } from './pdu-trace';

/** What cstaservices reads from the environment beyond the platform's variables. */
export const cstaServicesEnvSchema = z.object({
  /** Folder of the PDU trace files (guide 10.6); relative to the working directory. */
  TWS_CSTA_TRACE_DIR: z.string().min(1).default('var/trace/cstaservices'),
  /**
   * Seconds a link lease lives without renewal: when an instance dies, another one takes its
   * links over after at most this long (renewed every third of it). docs/csta.md "Several instances".
   */
  TWS_LINK_LEASE_TTL_S: z.coerce.number().min(2).max(300).default(15),
});

interface LinkRunner {
  entity: CstaLinkEntity;
  /** A client of the PBX, or the server desk phones connect to (uaCSTA, guide 11.2). */
  link: CstaLink | UaCstaServerLink;
  /** Call-command subscriptions, by device. */
  commands: Map<string, Subscription>;
  /** Devices configured beyond the link's capacity (not monitored). */
  overCapacity: number;
  publishChain: Promise<void>;
  closed: boolean;
}

/**
 * cstaservices' core: one CstaLink per enabled CSTA link in the database; monitors the CSTA
 * devices of the link's domain (within its capacity), publishes their events, normalized, on
 * the telephony stream in arrival order, carries out the call commands addressed to them, and
 * answers the operations requests (provider and device states, PDU traces). Reloads links and
 * devices when the configuration changes, without restart.
 */
@Injectable()
export class CstaLinkManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners = new Map<string, LinkRunner>();
  private messaging?: Messaging;
  private linkStates?: KV;
  private readonly secrets: SecretBox;
  private readonly subscriptions: Subscription[] = [];
  private reloadTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();
  private readonly eventsCounter;
  private readonly tracer: PduTracer;
  private readonly owner: string;
  private readonly domainNames = new Map<string, string>();
  /** Ownership of the links among the cstaservices instances (NATS KV leases). */
  private leases?: LinkLeases;
  private readonly leaseTtlMs: number;
  /** Domain-scoped PDU traces (one file set per domain, for the tenant's administrators). */
  private readonly domainTracers = new Map<string, PduTracer>();
  private readonly traceFolder: string;
  private destroyed = false;

  constructor(
    private readonly nats: NatsService,
    private readonly db: DatabaseService,
    private readonly tenancy: TenancyRepository,
    private readonly dialingPlans: DialingPlans,
    metrics: MetricsRegistry,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string; TWS_CSTA_TRACE_DIR?: string; TWS_LINK_LEASE_TTL_S?: number; TWS_INSTANCE_ID?: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
    this.eventsCounter = metrics.counter('tws_csta_events_total', 'CSTA events received, by result', ['result']);
    this.traceFolder = config.TWS_CSTA_TRACE_DIR ?? cstaServicesEnvSchema.shape.TWS_CSTA_TRACE_DIR.parse(undefined);
    this.tracer = new PduTracer({ folder: this.traceFolder });
    this.owner = config.TWS_INSTANCE_ID ?? `${hostname()}-${process.pid}`;
    this.leaseTtlMs = (config.TWS_LINK_LEASE_TTL_S ?? 15) * 1000;
  }

  onApplicationBootstrap() {
    void this.init();
  }

  private async init() {
    for (let attempt = 1; ; attempt++) {
      try {
        const [m] = await Promise.all([this.nats.whenReady(), this.db.whenReady()]);
        this.messaging = m;
        await m.ensureStream(TELEPHONY_STREAM);
        this.linkStates = await m.kv(LINK_STATE_BUCKET);
        this.leases ??= new LinkLeases({
          kv: await m.kv(LINK_LEASE_BUCKET),
          service: 'cstaservices',
          instance: this.owner,
          ttlMs: this.leaseTtlMs,
          logger: this.logger.child({ component: 'link-leases' }),
          onChange: () => this.scheduleReload(0),
          // Handing a link over: stop it first (in the reload chain, which owns the runners).
          beforeRelease: (id) =>
            (this.reloading = this.reloading.then(async () => {
              const runner = this.runners.get(id);
              if (runner) await this.stopLink(runner, { keepState: true });
            })),
        });
        this.subscriptions.push(
          m.subscribe(ConfigChanges, ConfigChanges.pattern, () => this.scheduleReload()),
          // Any one instance, for its own links (one instance: all of them).
          m.serve(CtiProviderStates, CtiProviderStates.subject(), (q) => this.providerStates(q.domainId), { queue: 'cstaservices' }),
          m.serve(CtiDeviceStates, CtiDeviceStates.subject(), (q) => this.deviceStates(q), { queue: 'cstaservices' }),
          // No queue group: every instance applies a trace start/stop; the first reply is returned.
          m.serve(CtiPduTrace, CtiPduTrace.subject(), async (q) => this.pduTrace(q.action, q.device, q.domainId)),
          // This instance by name (web-services asks every live instance and merges).
          m.serve(CtiProviderStates, CtiProviderStates.subject(this.owner), (q) => this.providerStates(q.domainId)),
          m.serve(CtiDeviceStates, CtiDeviceStates.subject(this.owner), (q) => this.deviceStates(q)),
          m.serve(CtiPduTrace, CtiPduTrace.subject(this.owner), async (q) => this.pduTrace(q.action, q.device, q.domainId)),
          m.serve(CtiTraceFileChunk, CtiTraceFileChunk.subject(this.owner), async (q) => this.traceFileChunk(q)),
        );
        break;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt }, 'cstaservices cannot start its links yet, retrying');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      }
    }
    this.leases!.start();
    this.scheduleReload(0);
  }

  private scheduleReload(delayMs = 300) {
    if (this.destroyed) return;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloading = this.reloading.then(() => this.reload()).catch((e) => this.logger.error({ err: e }, 'reloading CSTA links failed'));
    }, delayMs);
  }

  /** Brings running links and monitored devices in line with the database. */
  async reload(): Promise<void> {
    const enabled = (await this.tenancy.listCstaLinks()).filter((l) => l.enabled);
    // Every enabled link needs a driver; this instance drives those whose lease it holds.
    this.leases?.setWanted(enabled.map((l) => l.id));
    const links = this.leases ? enabled.filter((l) => this.leases!.owns(l.id)) : enabled;
    const configured = new Set(enabled.map((l) => l.id));
    const wanted = new Map(links.map((l) => [l.id, l]));
    const carried = new Map<string, CallRegistry>();
    for (const [id, runner] of this.runners) {
      const l = wanted.get(id);
      if (!l || l.updatedAt.getTime() !== runner.entity.updatedAt.getTime()) {
        // A link another instance now drives keeps its published state (the new owner's).
        await this.stopLink(runner, { keepState: configured.has(id) && !l });
        // A changed link starts again with what it knew of its calls, reconciled at the first snapshot.
        if (l) carried.set(id, runner.link.calls);
      }
    }
    for (const entity of links) {
      if (!this.runners.has(entity.id)) this.startLink(entity, carried.get(entity.id));
    }
    this.domainNames.clear();
    for (const runner of this.runners.values()) await this.syncDevices(runner);
  }

  private startLink(entity: CstaLinkEntity, calls?: CallRegistry) {
    let password: string | undefined;
    try {
      password = entity.passwordSealed ? this.secrets.open(entity.passwordSealed) : undefined;
    } catch (e) {
      this.logger.error({ linkId: entity.id, err: (e as Error).message }, 'cannot decrypt the CSTA link password; link not started');
      return;
    }
    const profile = pbxProfile(entity.pbxType);
    if (profile.unsupported) {
      this.logger.warn(
        { linkId: entity.id, pbxType: entity.pbxType, speaks: profile.unsupported },
        'this PBX type speaks something cstaservices does not implement yet; trying CSTA XML over TCP anyway',
      );
    }
    const runner: LinkRunner = { entity, link: undefined as unknown as CstaLink, commands: new Map(), overCapacity: 0, publishChain: Promise.resolve(), closed: false };
    runner.link = new (profile.transport === 'uacstaServer' ? UaCstaServerLink : CstaLink)({
      linkId: entity.id,
      domainId: entity.domainId,
      host: entity.host,
      port: entity.port,
      username: entity.username ?? undefined,
      password,
      profile,
      logger: this.logger.child({ linkId: entity.id }),
      onEvents: (events) => this.onEvents(runner, events),
      onChange: () => void this.publishLinkState(runner),
      onDropped: (what) => this.eventsCounter.inc({ result: what }),
      ...(calls ? { calls } : {}),
    });
    this.runners.set(entity.id, runner);
    runner.link.traceTo(this.traceSinkFor(entity.domainId));
    runner.link.start();
    this.logger.info({ linkId: entity.id, name: entity.name, pbx: runner.link.client.where, pbxType: entity.pbxType }, 'CSTA link starting');
  }

  private async stopLink(runner: LinkRunner, opts: { keepState?: boolean } = {}) {
    runner.closed = true;
    this.runners.delete(runner.entity.id);
    for (const s of runner.commands.values()) s.unsubscribe();
    await runner.link.close();
    if (!opts.keepState) await this.linkStates?.delete(runner.entity.id).catch(() => undefined);
    this.logger.info({ linkId: runner.entity.id }, 'CSTA link stopped');
  }

  /**
   * Devices of the link's domain configured with protocol CSTA — users', intercom groups' and
   * phone queues' — within the link's capacity (in number order).
   */
  private async syncDevices(runner: LinkRunner) {
    const all = await this.tenancy.listMonitoredDevices(runner.entity.domainId, 'CSTA');
    runner.overCapacity = Math.max(0, all.length - runner.entity.capacity);
    if (runner.overCapacity > 0) {
      this.logger.warn(
        { linkId: runner.entity.id, devices: all.length, capacity: runner.entity.capacity },
        'more CSTA devices than the link capacity: the extra ones are not monitored',
      );
    }
    const wanted = all.slice(0, runner.entity.capacity).map((d) => d.number);
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
        this.messaging!.serve(CallCommands, CallCommands.subject(runner.entity.domainId, number), (cmd) => runner.link.execute(number, cmd), {
          queue: 'cstaservices',
        }),
      );
    }
    await runner.link.setDevices(wanted);
    await this.publishLinkState(runner);
  }

  private onEvents(runner: LinkRunner, events: TelephonyEvent[]) {
    for (const e of events) this.eventsCounter.inc({ result: e.cause === 'resynchronized' ? 'resynchronized' : e.kind === 'linkState' ? 'link-state' : 'received' });
    // Serial per link: events reach the stream in the order the PBX sent them.
    runner.publishChain = runner.publishChain.then(async () => {
      for (const e of events) await this.publish(runner, await this.canonical(runner, e));
    });
  }

  /**
   * Numbers enter the suite once, here: the domain's dialing plan turns what the PBX presents
   * into the canonical form (E.164 for external numbers), so call logs and reverse lookup match.
   * A number the plan cannot read (no digit) is kept as the PBX sent it.
   */
  private async canonical(runner: LinkRunner, evt: TelephonyEvent): Promise<TelephonyEvent> {
    if (evt.kind === 'linkState') return evt;
    const plan = await this.dialingPlans.forDomain(runner.entity.domainId).catch(() => undefined);
    if (!plan) return evt;
    const out = { ...evt };
    for (const key of ['callingNumber', 'calledNumber', 'alertingDevice', 'answeringDevice', 'releasingDevice', 'forwardTo'] as const) {
      const n = out[key];
      if (!n) continue;
      try {
        out[key] = plan.toCanonical(n, 'pbx');
      } catch {
        /* not a number (e.g. a SIP URI): keep it */
      }
    }
    return out;
  }

  private async publish(runner: LinkRunner, evt: TelephonyEvent) {
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

  private async publishLinkState(runner: LinkRunner) {
    if (!this.linkStates || runner.closed) return;
    const s = runner.link.status();
    const state: LinkState = {
      linkId: runner.entity.id,
      domainId: runner.entity.domainId,
      state: s.state,
      monitoredDevices: s.monitoredDevices,
      lastError: s.lastError,
      owner: this.owner,
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
      const d = await this.tenancy.findDomain(domainId).catch(() => null);
      if (d) this.domainNames.set(domainId, d.name);
    }
    return this.domainNames.get(domainId);
  }

  async providerStates(domainId?: string): Promise<{ providers: ProviderState[] }> {
    const providers: ProviderState[] = [];
    for (const r of this.runners.values()) {
      if (domainId && r.entity.domainId !== domainId) continue;
      const s = r.link.status();
      const domainName = await this.domainName(r.entity.domainId);
      providers.push({
        linkId: r.entity.id,
        name: r.entity.name,
        protocol: 'CSTA',
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
        owner: this.owner,
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
      for (const d of r.link.deviceStates()) {
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
          state: d.monitored && r.link.client.state === 'up' ? 'connected' : 'disconnected',
          // Guide 10.5 "Type": desk phones monitored over their own SIP dialog are SIPCTI.
          type: r.link instanceof UaCstaServerLink ? 'sipcti' : 'cti',
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
   * Start, stop or read a PDU trace: of every link (no domain; file `cstaservices-pdu.log`) or of
   * one domain's links (file `cstaservices-pdu-<domainId>.log`, what its administrators download).
   */
  async pduTrace(
    action: 'start' | 'stop' | 'status',
    device?: string,
    domainId?: string,
  ): Promise<{ tracing: string[]; folder: string; files: string[]; instance: string; fileDetails: { name: string; size: number; modifiedAt: string }[] }> {
    const tracer = domainId ? this.domainTracer(domainId) : this.tracer;
    if (action !== 'status') {
      if (!device) throw new RemoteError('bad_request', 'device: required to start or stop a trace (a number or *)');
      if (action === 'start') tracer.start(device);
      else tracer.stop(device);
      for (const r of this.runners.values()) r.link.traceTo(this.traceSinkFor(r.entity.domainId));
      tracer.flush();
      this.logger.warn({ action, device, domainId, folder: tracer.folder }, `PDU trace ${action === 'start' ? 'started' : 'stopped'}`);
    }
    return { tracing: tracer.tracing, folder: tracer.folder, files: tracer.files(), instance: this.owner, fileDetails: tracer.fileDetails() };
  }

  /** A piece of one of this instance's trace files, for the download through web-services. */
  async traceFileChunk(q: { domainId?: string; name: string; offset: number; length: number }): Promise<{ data: string; size: number; eof: boolean }> {
    const tracer = q.domainId ? this.domainTracer(q.domainId) : this.tracer;
    const chunk = tracer.readChunk(q.name, q.offset, q.length);
    if (!chunk) throw new RemoteError('not_found', `no trace file ${q.name} on ${this.owner}`);
    return { data: chunk.data.toString('base64'), size: chunk.size, eof: chunk.eof };
  }

  private domainTracer(domainId: string): PduTracer {
    let t = this.domainTracers.get(domainId);
    if (!t) {
      t = new PduTracer({ folder: this.traceFolder, fileName: `cstaservices-pdu-${domainId}.log` });
      this.domainTracers.set(domainId, t);
    }
    return t;
  }

  private traceSinkFor(domainId: string) {
    return pduSinks(this.tracer, this.domainTracers.get(domainId));
  }

  async onModuleDestroy() {
    this.destroyed = true;
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const s of this.subscriptions) s.unsubscribe();
    await this.reloading.catch(() => undefined);
    await Promise.all([...this.runners.values()].map((r) => this.stopLink(r)));
    // Graceful: the leases go at once, so another instance takes the links over right away.
    await this.leases?.stop().catch((e) => this.logger.warn({ err: (e as Error).message }, 'cannot release the link leases'));
    this.tracer.flush();
    for (const t of this.domainTracers.values()) t.flush();
  }
}

/** Numeric order for numbers of digits, text order otherwise ("4000" < "10000"). */
export function compareNumbers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}
