import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import { z } from 'zod';
import type { DeviceState, ProviderState, TelephonyEvent } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { LinkRuntime, type LinkDriver, type LinkDriverHooks } from '@tws/link-framework';
import { DatabaseService, MetricsRegistry, NatsService, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { DialingPlans, TenancyRepository, type CstaLinkEntity } from '@tws/tenancy-data-access';
import type { Logger } from '@tws/logging';
import type { CallRegistry } from './call-registry';
import { CstaLink } from './csta-link';
import { UaCstaServerLink } from './ua-csta-server';
import { pbxProfile } from './pbx-profiles';

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

/**
 * cstaservices' core, a NestJS adapter of the link framework (`@tws/link-framework`
 * `LinkRuntime`: leases, capacity, command routing, ordered publication, link state, provider
 * and device states, PDU traces). What is CSTA here: the links and devices of protocol CSTA from
 * the database, the driver by PBX profile (`CstaLink` client, or `UaCstaServerLink` for desk
 * phones), the dialing-plan canonicalization of numbers, the metric and the environment.
 */
@Injectable()
export class CstaLinkManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runtime: LinkRuntime<CstaLinkEntity>;
  private readonly secrets: SecretBox;

  constructor(
    nats: NatsService,
    db: DatabaseService,
    private readonly tenancy: TenancyRepository,
    private readonly dialingPlans: DialingPlans,
    metrics: MetricsRegistry,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string; TWS_CSTA_TRACE_DIR?: string; TWS_LINK_LEASE_TTL_S?: number; TWS_INSTANCE_ID?: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
    const eventsCounter = metrics.counter('tws_csta_events_total', 'CSTA events received, by result', ['result']);
    this.runtime = new LinkRuntime<CstaLinkEntity>({
      protocol: 'CSTA',
      service: 'cstaservices',
      instance: config.TWS_INSTANCE_ID ?? `${hostname()}-${process.pid}`,
      connect: async () => (await Promise.all([nats.whenReady(), db.whenReady()]))[0],
      listLinks: () => this.tenancy.listCstaLinks(),
      // Devices of the domain configured with protocol CSTA — users', intercom groups' and phone
      // queues' — in number order (the runtime shares them among the domain's links, within capacity).
      listDevices: async (domainId) => (await this.tenancy.listMonitoredDevices(domainId, 'CSTA')).map((d) => d.number),
      domainName: async (domainId) => (await this.tenancy.findDomain(domainId))?.name,
      createDriver: (link, hooks, carried) => this.createDriver(link, hooks, carried as CallRegistry | undefined),
      normalize: (link, evt) => this.canonical(link, evt),
      count: (result) => eventsCounter.inc({ result }),
      traceFolder: config.TWS_CSTA_TRACE_DIR ?? cstaServicesEnvSchema.shape.TWS_CSTA_TRACE_DIR.parse(undefined),
      leaseTtlMs: (config.TWS_LINK_LEASE_TTL_S ?? 15) * 1000,
      logger,
    });
  }

  onApplicationBootstrap() {
    void this.runtime.start();
  }

  /** The CSTA driver of a link by its PBX profile: a client of the PBX, or the server desk phones connect to (guide 11.2). */
  private createDriver(entity: CstaLinkEntity, hooks: LinkDriverHooks, calls?: CallRegistry): LinkDriver | undefined {
    let password: string | undefined;
    try {
      password = entity.passwordSealed ? this.secrets.open(entity.passwordSealed) : undefined;
    } catch (e) {
      this.logger.error({ linkId: entity.id, err: (e as Error).message }, 'cannot decrypt the CSTA link password; link not started');
      return undefined;
    }
    const profile = pbxProfile(entity.pbxType);
    if (profile.unsupported) {
      this.logger.warn(
        { linkId: entity.id, pbxType: entity.pbxType, speaks: profile.unsupported },
        'this PBX type speaks something cstaservices does not implement yet; trying CSTA XML over TCP anyway',
      );
    }
    return new (profile.transport === 'uacstaServer' ? UaCstaServerLink : CstaLink)({
      linkId: entity.id,
      domainId: entity.domainId,
      host: entity.host,
      port: entity.port,
      username: entity.username ?? undefined,
      password,
      profile,
      logger: this.logger.child({ linkId: entity.id }),
      onEvents: (events) => hooks.onEvents(events),
      onChange: () => hooks.onChange(),
      onDropped: (what) => hooks.onDropped(what),
      ...(calls ? { calls } : {}),
    });
  }

  /**
   * Numbers enter the suite once, here: the domain's dialing plan turns what the PBX presents
   * into the canonical form (E.164 for external numbers), so call logs and reverse lookup match.
   * A number the plan cannot read (no digit) is kept as the PBX sent it.
   */
  private async canonical(link: CstaLinkEntity, evt: TelephonyEvent): Promise<TelephonyEvent> {
    if (evt.kind === 'linkState') return evt;
    const plan = await this.dialingPlans.forDomain(link.domainId).catch(() => undefined);
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

  /** Brings running links and monitored devices in line with the database. */
  reload(): Promise<void> {
    return this.runtime.reload();
  }

  providerStates(domainId?: string): Promise<{ providers: ProviderState[] }> {
    return this.runtime.providerStates(domainId);
  }

  deviceStates(q: { domainId?: string; first?: string; last?: string; limit: number }): Promise<{ devices: DeviceState[]; truncated: boolean }> {
    return this.runtime.deviceStates(q);
  }

  /** Start, stop or read a PDU trace (files `cstaservices-pdu.log`, `cstaservices-pdu-<domainId>.log`). */
  pduTrace(action: 'start' | 'stop' | 'status', device?: string, domainId?: string) {
    return this.runtime.pduTrace(action, device, domainId);
  }

  traceFileChunk(q: { domainId?: string; name: string; offset: number; length: number }) {
    return this.runtime.traceFileChunk(q);
  }

  async onModuleDestroy() {
    await this.runtime.stop();
  }
}
