import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { hostname } from 'node:os';
import type { KV, Subscription } from 'nats';
import {
  CallCommands,
  ConfigChanges,
  LINK_STATE_BUCKET,
  TELEPHONY_STREAM,
  TelephonyEvents,
  type CallCommand,
  type LinkState,
  type TelephonyEvent,
} from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { RemoteError, type Messaging } from '@tws/messaging';
import { DatabaseService, MetricsRegistry, NatsService, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { DialingPlans, TenancyRepository, type CstaLinkEntity } from '@tws/tenancy-data-access';
import type { Logger } from '@tws/logging';
import type { CstaEvent, MakeCallResponse, MonitorStartResponse } from '@tws/csta';
import { CstaClient, CstaRequestError } from './csta-client';
import { translateCstaEvent } from './csta-translation';
import { CallRegistry } from './call-registry';

interface MonitoredDevice {
  number: string;
  crossRefId?: string;
  commands?: Subscription;
}

interface LinkRunner {
  link: CstaLinkEntity;
  client: CstaClient;
  devices: Map<string, MonitoredDevice>;
  byCrossRef: Map<string, string>;
  calls: CallRegistry;
  publishChain: Promise<void>;
  closed: boolean;
}

/**
 * cstaservices' core: one CstaClient per enabled CSTA link in the database; monitors the CSTA
 * devices of the link's domain (within its capacity), publishes their events, normalized, on
 * the telephony stream in arrival order, and carries out the call commands addressed to them.
 * Reloads links and devices when the configuration changes, without restart.
 */
@Injectable()
export class CstaLinkManager implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runners = new Map<string, LinkRunner>();
  private messaging?: Messaging;
  private linkStates?: KV;
  private readonly secrets: SecretBox;
  private configSub?: Subscription;
  private reloadTimer?: NodeJS.Timeout;
  private reloading: Promise<void> = Promise.resolve();
  private readonly eventsCounter;

  constructor(
    private readonly nats: NatsService,
    private readonly db: DatabaseService,
    private readonly tenancy: TenancyRepository,
    private readonly dialingPlans: DialingPlans,
    metrics: MetricsRegistry,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
    this.eventsCounter = metrics.counter('tws_csta_events_total', 'CSTA events received, by result', ['result']);
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
        this.configSub = m.subscribe(ConfigChanges, ConfigChanges.pattern, () => this.scheduleReload());
        break;
      } catch (e) {
        this.logger.warn({ err: (e as Error).message, attempt }, 'cstaservices cannot start its links yet, retrying');
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * attempt)));
      }
    }
    this.scheduleReload(0);
  }

  private scheduleReload(delayMs = 300) {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => {
      this.reloading = this.reloading.then(() => this.reload()).catch((e) => this.logger.error({ err: e }, 'reloading CSTA links failed'));
    }, delayMs);
  }

  /** Brings running links and monitored devices in line with the database. */
  async reload(): Promise<void> {
    const links = (await this.tenancy.listCstaLinks()).filter((l) => l.enabled);
    const wanted = new Map(links.map((l) => [l.id, l]));
    for (const [id, runner] of this.runners) {
      const l = wanted.get(id);
      if (!l || l.updatedAt.getTime() !== runner.link.updatedAt.getTime()) await this.stopLink(runner);
    }
    for (const link of links) {
      if (!this.runners.has(link.id)) this.startLink(link);
    }
    for (const runner of this.runners.values()) await this.syncDevices(runner);
  }

  private startLink(link: CstaLinkEntity) {
    let password: string | undefined;
    try {
      password = link.passwordSealed ? this.secrets.open(link.passwordSealed) : undefined;
    } catch (e) {
      this.logger.error({ linkId: link.id, err: (e as Error).message }, 'cannot decrypt the CSTA link password; link not started');
      return;
    }
    const client = new CstaClient({
      host: link.host,
      port: link.port,
      username: link.username ?? undefined,
      password,
      logger: this.logger.child({ linkId: link.id }),
    });
    const runner: LinkRunner = { link, client, devices: new Map(), byCrossRef: new Map(), calls: new CallRegistry(link.id), publishChain: Promise.resolve(), closed: false };
    this.runners.set(link.id, runner);
    client.on('state', () => void this.publishLinkState(runner));
    client.on('up', () => void this.remonitor(runner));
    client.on('event', (e: CstaEvent) => this.onEvent(runner, e));
    client.start();
    this.logger.info({ linkId: link.id, name: link.name, pbx: client.where }, 'CSTA link starting');
  }

  private async stopLink(runner: LinkRunner) {
    runner.closed = true;
    this.runners.delete(runner.link.id);
    for (const d of runner.devices.values()) d.commands?.unsubscribe();
    await runner.client.close();
    await this.linkStates?.delete(runner.link.id).catch(() => undefined);
    this.logger.info({ linkId: runner.link.id }, 'CSTA link stopped');
  }

  /** Devices of the link's domain configured with protocol CSTA, within the link's capacity. */
  private async syncDevices(runner: LinkRunner) {
    const all = await this.tenancy.listDomainDevices(runner.link.domainId, 'CSTA');
    if (all.length > runner.link.capacity) {
      this.logger.warn({ linkId: runner.link.id, devices: all.length, capacity: runner.link.capacity }, 'more CSTA devices than the link capacity: the extra ones are not monitored');
    }
    const wanted = new Set(all.slice(0, runner.link.capacity).map((d) => d.number));
    for (const [number, d] of runner.devices) {
      if (wanted.has(number)) continue;
      d.commands?.unsubscribe();
      runner.devices.delete(number);
      if (d.crossRefId) {
        runner.byCrossRef.delete(d.crossRefId);
        await runner.client.request({ type: 'MonitorStop', monitorCrossRefId: d.crossRefId }, 'MonitorStopResponse').catch(() => undefined);
      }
    }
    for (const number of wanted) {
      if (runner.devices.has(number)) continue;
      const d: MonitoredDevice = { number };
      runner.devices.set(number, d);
      d.commands = this.messaging!.serve(
        CallCommands,
        CallCommands.subject(runner.link.domainId, number),
        (cmd) => this.execute(runner, number, cmd),
        { queue: 'cstaservices' },
      );
      if (runner.client.state === 'up') await this.monitor(runner, d);
    }
    await this.publishLinkState(runner);
  }

  /** After every (re)connection: monitors are gone on the PBX side, start them all again. */
  private async remonitor(runner: LinkRunner) {
    runner.byCrossRef.clear();
    runner.calls.clear();
    for (const d of runner.devices.values()) {
      d.crossRefId = undefined;
      await this.monitor(runner, d);
    }
    await this.publishLinkState(runner);
  }

  private async monitor(runner: LinkRunner, d: MonitoredDevice) {
    try {
      const r = (await runner.client.request({ type: 'MonitorStart', deviceObject: d.number }, 'MonitorStartResponse')) as MonitorStartResponse;
      d.crossRefId = r.monitorCrossRefId;
      runner.byCrossRef.set(r.monitorCrossRefId, d.number);
    } catch (e) {
      this.logger.warn({ linkId: runner.link.id, device: d.number, err: (e as Error).message }, 'MonitorStart failed');
    }
  }

  private onEvent(runner: LinkRunner, e: CstaEvent) {
    const device = runner.byCrossRef.get(e.monitorCrossRefId);
    if (!device) {
      this.eventsCounter.inc({ result: 'unknown-monitor' });
      this.logger.debug({ linkId: runner.link.id, xref: e.monitorCrossRefId, type: e.type }, 'event for an unknown monitor dropped');
      return;
    }
    const evt = translateCstaEvent(e, {
      linkId: runner.link.id,
      domainId: runner.link.domainId,
      device,
      receivedAt: new Date(),
      callRef: (c, opensCall) => runner.calls.refOf(c, opensCall),
    });
    runner.calls.track(e, device);
    this.eventsCounter.inc({ result: 'received' });
    // Serial per link: events reach the stream in the order the PBX sent them.
    runner.publishChain = runner.publishChain.then(async () => this.publish(runner, await this.canonical(runner, evt)));
  }

  /**
   * Numbers enter the suite once, here: the domain's dialing plan turns what the PBX presents
   * into the canonical form (E.164 for external numbers), so call logs and reverse lookup match.
   * A number the plan cannot read (no digit) is kept as the PBX sent it.
   */
  private async canonical(runner: LinkRunner, evt: TelephonyEvent): Promise<TelephonyEvent> {
    const plan = await this.dialingPlans.forDomain(runner.link.domainId).catch(() => undefined);
    if (!plan) return evt;
    const out = { ...evt };
    for (const key of ['callingNumber', 'calledNumber', 'alertingDevice', 'answeringDevice', 'releasingDevice'] as const) {
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

  /** Carries out a call command for a monitored device. */
  private async execute(runner: LinkRunner, device: string, cmd: CallCommand): Promise<{ callRef?: string }> {
    try {
      switch (cmd.command) {
        case 'makeCall': {
          const r = (await runner.client.request(
            { type: 'MakeCall', callingDevice: device, calledDirectoryNumber: cmd.destination, autoOriginate: 'doNotPrompt' },
            'MakeCallResponse',
          )) as MakeCallResponse;
          return { callRef: runner.calls.refOf(r.callingDevice, true) };
        }
        case 'answerCall':
        case 'clearConnection': {
          const callId = runner.calls.callIdOf(cmd.callRef);
          if (!callId) throw new RemoteError('not_found', `no active call ${cmd.callRef} on this device's link`);
          const connection = { callId, deviceId: device };
          if (cmd.command === 'answerCall') await runner.client.request({ type: 'AnswerCall', callToBeAnswered: connection }, 'AnswerCallResponse');
          else await runner.client.request({ type: 'ClearConnection', connectionToBeCleared: connection }, 'ClearConnectionResponse');
          return { callRef: cmd.callRef };
        }
      }
    } catch (e) {
      if (e instanceof RemoteError) throw e;
      if (e instanceof CstaRequestError) throw new RemoteError('pbx_refused', e.message);
      throw new RemoteError('unavailable', (e as Error).message);
    }
  }

  private async publishLinkState(runner: LinkRunner) {
    if (!this.linkStates || runner.closed) return;
    const state: LinkState = {
      linkId: runner.link.id,
      domainId: runner.link.domainId,
      state: runner.client.state,
      monitoredDevices: [...runner.devices.values()].filter((d) => d.crossRefId).length,
      lastError: runner.client.lastError,
      owner: `${hostname()}-${process.pid}`,
      updatedAt: new Date().toISOString(),
    };
    await this.linkStates.put(runner.link.id, JSON.stringify(state)).catch(() => undefined);
  }

  async onModuleDestroy() {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.configSub?.unsubscribe();
    await Promise.all([...this.runners.values()].map((r) => this.stopLink(r)));
  }
}
