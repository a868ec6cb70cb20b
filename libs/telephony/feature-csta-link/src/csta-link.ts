import { isCstaEvent, type ConnectionId, type CstaEvent, type LocalConnectionState } from '@tws/csta';
import type { CallCommand, CallCommandResult, ForwardingState, TelephonyEvent } from '@tws/contracts';
import type { LinkDriver, PduSink } from '@tws/link-framework';
import type { Logger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { CallRegistry } from './call-registry';
import { CstaClient, CstaRequestError, CstaUnavailableError, type CstaClientOptions, type CstaPdu } from './csta-client';
import { CSTA_FORWARDING_TYPE, forwardingTypeFromCsta, linkStateEvent, resyncEvent, translateCstaEvent } from './csta-translation';
import type { CstaTransport } from './csta-transport';
import type { PbxProfile } from './pbx-profiles';

export interface CstaLinkOptions {
  linkId: string;
  domainId: string;
  host: string;
  port: number;
  username?: string;
  password?: string;
  profile: PbxProfile;
  logger: Logger;
  /** Receives the normalized events of the link, in the order they must be published. */
  onEvents: (events: TelephonyEvent[]) => void;
  /** Called when the link state or the monitored count changes. */
  onChange?: () => void;
  /** Called for what the link drops: an event for a monitor it does not know, a bad frame or document. */
  onDropped?: (what: 'unknown-monitor' | 'bad-frame') => void;
  /** Requests in flight while monitoring or snapshotting many devices (default 32). */
  concurrency?: number;
  /** Snapshot every device also at the first connection, to know the calls in progress (default true). */
  snapshotOnFirstConnect?: boolean;
  /**
   * The call registry of the link this one replaces (configuration change): the calls known
   * are reconciled with the first snapshots, so none stays open.
   */
  calls?: CallRegistry;
  /** The connection carrying the CSTA, when not a TCP client of `host:port` (desk-phone server mode). */
  transport?: CstaTransport;
  /** `device` of this link's linkState events (default `~link`; a phone's number in server mode). */
  linkEventDevice?: string;
  /** Overrides of the client's timing (tests). */
  client?: Partial<Pick<CstaClientOptions, 'backoffMs' | 'maxBackoffMs' | 'requestTimeoutMs' | 'sessionDurationS' | 'heartbeatS' | 'connectTimeoutMs'>>;
  now?: () => number;
}

interface MonitoredDevice {
  number: string;
  crossRefId?: string;
  /** Why it is not monitored (MonitorStart refused…). */
  reason?: string;
}

/** Counters of what the link received, for metrics and tests. */
export interface CstaLinkStats {
  events: number;
  /** Events for a monitor this link does not know (stopped, or never started). */
  unknownMonitor: number;
  frameErrors: number;
  /** Events the switch sent before the MonitorStartResponse, held and delivered after it. */
  earlyEvents: number;
  recoveries: number;
  resyncEvents: number;
}

/** Events arriving for a monitor not registered yet are held this long at most, in this number. */
const EARLY_EVENT_LIMIT = 1000;

/**
 * One CSTA link, without NATS or a database: the client, the monitored devices, the call
 * registry, recovery after a link loss, and call commands: the CSTA `LinkDriver` of the link
 * framework, whose runtime (in cstaservices' manager) owns one per link and publishes what
 * `onEvents` yields; tests and benchmarks drive it directly.
 *
 * Recovery: when the link comes back, every device is monitored again, then SnapshotDevice of
 * each device is compared with the calls known before the loss — calls that ended meanwhile get
 * a `callCleared`, calls whose state moved get `established`/`held`/`retrieved` (cause
 * `resynchronized`, dated when the loss was detected) — and a `linkState` up event follows.
 */
export class CstaLink implements LinkDriver {
  readonly deviceType = 'cti';
  readonly client: CstaTransport;
  readonly calls: CallRegistry;
  readonly stats: CstaLinkStats = { events: 0, unknownMonitor: 0, frameErrors: 0, earlyEvents: 0, recoveries: 0, resyncEvents: 0 };
  private readonly devices = new Map<string, MonitoredDevice>();
  private readonly byCrossRef = new Map<string, string>();
  /** Events for cross-reference ids not known yet, while MonitorStart requests are in flight. */
  private readonly early = new Map<string, CstaEvent[]>();
  private earlyCount = 0;
  private monitorsInFlight = 0;
  private generation = 0;
  private everUp = false;
  private lostAt?: Date;
  private closed = false;
  /** Resolves when the current recovery (re-monitor + resync) is over. */
  recovered: Promise<void> = Promise.resolve();
  private tracer?: PduSink;
  private readonly onPdu = (p: CstaPdu) => this.trace(p);

  constructor(private readonly options: CstaLinkOptions) {
    const now = options.now ?? Date.now;
    this.calls = options.calls ?? new CallRegistry(options.linkId, now);
    this.client = options.transport ?? new CstaClient({
      host: options.host,
      port: options.port,
      username: options.username,
      password: options.password,
      edition: options.profile.edition,
      sessionStyle: options.profile.sessionStyle,
      heartbeatS: options.profile.heartbeatS,
      logger: options.logger,
      ...options.client,
    });
    this.client.on('state', () => options.onChange?.());
    this.client.on('up', () => {
      this.recovered = this.recover(++this.generation);
    });
    this.client.on('down', (reason: string) => this.lost(reason));
    this.client.on('event', (e: CstaEvent) => this.onEvent(e));
    this.client.on('frameError', () => {
      this.stats.frameErrors++;
      options.onDropped?.('bad-frame');
    });
  }

  get linkId(): string {
    return this.options.linkId;
  }

  /** LinkDriver: where the CSTA comes from, for logs. */
  get where(): string {
    return this.client.where;
  }

  /** LinkDriver: what a restarted link takes over (the calls known, reconciled at the first snapshot). */
  carry(): CallRegistry {
    return this.calls;
  }

  start(): void {
    this.client.start();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.generation++;
    await this.client.close();
    this.tracer?.flush();
  }

  /** Sends this link's PDUs to `tracer` (or stops, with undefined). */
  traceTo(tracer: PduSink | undefined): void {
    this.client.off('pdu', this.onPdu);
    this.tracer = tracer;
    if (tracer) this.client.on('pdu', this.onPdu);
  }

  /** Brings the monitored devices in line with `numbers` (MonitorStart/MonitorStop as needed). */
  async setDevices(numbers: readonly string[]): Promise<void> {
    const wanted = new Set(numbers);
    const stops: Promise<unknown>[] = [];
    for (const [number, d] of this.devices) {
      if (wanted.has(number)) continue;
      this.devices.delete(number);
      if (d.crossRefId) {
        this.byCrossRef.delete(d.crossRefId);
        if (this.client.state === 'up') {
          stops.push(this.client.call({ type: 'MonitorStop', monitorCrossRefId: d.crossRefId }, { device: number }).catch(() => undefined));
        }
      }
    }
    const added: MonitoredDevice[] = [];
    for (const number of wanted) {
      if (this.devices.has(number)) continue;
      const d: MonitoredDevice = { number };
      this.devices.set(number, d);
      added.push(d);
    }
    await Promise.all(stops);
    if (this.client.state === 'up' && added.length) {
      const gen = this.generation;
      await this.pool(added, (d) => this.monitor(d, gen));
      await this.pool(added, (d) => this.resync(d, gen, undefined));
    }
    // The monitored count changed on a live link (devices configured after it came up, or
    // removed): say so, as the link-up event does.
    if (this.client.state === 'up' && (added.length || stops.length)) {
      this.publish([linkStateEvent(this.options, true, this.monitoredCount, new Date())]);
    }
    this.options.onChange?.();
  }

  get deviceNumbers(): string[] {
    return [...this.devices.keys()];
  }

  isMonitored(device: string): boolean {
    return this.devices.get(device)?.crossRefId !== undefined;
  }

  get monitoredCount(): number {
    let n = 0;
    for (const d of this.devices.values()) if (d.crossRefId) n++;
    return n;
  }

  /** Per-device monitoring state (guide 10.5). */
  deviceStates(): { device: string; monitored: boolean; crossRefId?: string; reason?: string; activeCalls: number }[] {
    return [...this.devices.values()].map((d) => ({
      device: d.number,
      monitored: d.crossRefId !== undefined,
      ...(d.crossRefId ? { crossRefId: d.crossRefId } : {}),
      ...(d.crossRefId ? {} : { reason: d.reason ?? (this.client.state === 'up' ? 'not monitored yet' : `link ${this.client.state}`) }),
      activeCalls: this.calls.activeCallsOf(d.number).length,
    }));
  }

  // -------------------------------------------------------------------------------------------
  // Events and recovery

  private onEvent(e: CstaEvent): void {
    const device = this.byCrossRef.get(e.monitorCrossRefId);
    if (!device) {
      if (this.monitorsInFlight > 0 && this.earlyCount < EARLY_EVENT_LIMIT) {
        // Some switches report a monitor's first events before its MonitorStartResponse.
        const held = this.early.get(e.monitorCrossRefId) ?? [];
        held.push(e);
        this.early.set(e.monitorCrossRefId, held);
        this.earlyCount++;
        return;
      }
      this.stats.unknownMonitor++;
      this.options.onDropped?.('unknown-monitor');
      this.options.logger.debug({ linkId: this.linkId, xref: e.monitorCrossRefId, type: e.type }, 'event for an unknown monitor dropped');
      return;
    }
    this.stats.events++;
    this.publish(translateCstaEvent(e, { linkId: this.linkId, domainId: this.options.domainId, device, receivedAt: new Date(), calls: this.calls }));
  }

  private publish(events: TelephonyEvent[]): void {
    if (events.length) this.options.onEvents(events);
  }

  private lost(reason: string): void {
    if (this.closed) return;
    this.lostAt ??= new Date();
    for (const d of this.devices.values()) {
      d.crossRefId = undefined;
      d.reason = undefined;
    }
    this.byCrossRef.clear();
    this.early.clear();
    this.earlyCount = 0;
    this.options.logger.warn({ linkId: this.linkId, reason }, 'CSTA link lost: monitors are gone on the PBX');
    this.publish([linkStateEvent(this.options, false, 0, this.lostAt, reason)]);
    this.options.onChange?.();
  }

  /** After every (re)connection: monitors are gone on the PBX side; start them all, then resync. */
  private async recover(gen: number): Promise<void> {
    const started = Date.now();
    const lostAt = this.lostAt;
    const firstTime = !this.everUp;
    this.everUp = true;
    this.byCrossRef.clear();
    for (const d of this.devices.values()) d.crossRefId = undefined;
    const devices = [...this.devices.values()];
    await this.pool(devices, (d) => this.monitor(d, gen));
    if (gen !== this.generation) return;
    if (!firstTime || (this.options.snapshotOnFirstConnect ?? true)) {
      await this.pool(devices, (d) => this.resync(d, gen, lostAt));
      if (gen !== this.generation) return;
    }
    if (!firstTime) this.stats.recoveries++;
    this.lostAt = undefined;
    const monitored = this.monitoredCount;
    this.options.logger.info(
      { linkId: this.linkId, monitored, devices: devices.length, ms: Date.now() - started, recovered: !firstTime },
      firstTime ? 'CSTA link up: devices monitored' : 'CSTA link recovered: devices monitored again and resynchronized',
    );
    this.publish([linkStateEvent(this.options, true, monitored, new Date())]);
    this.options.onChange?.();
  }

  private async monitor(d: MonitoredDevice, gen: number): Promise<void> {
    if (gen !== this.generation || !this.devices.has(d.number)) return;
    this.monitorsInFlight++;
    try {
      const r = await this.client.call({ type: 'MonitorStart', deviceObject: d.number }, { device: d.number });
      if (gen !== this.generation || this.devices.get(d.number) !== d) return;
      d.crossRefId = r.monitorCrossRefId;
      d.reason = undefined;
      this.byCrossRef.set(r.monitorCrossRefId, d.number);
      const held = this.early.get(r.monitorCrossRefId);
      if (held) {
        this.early.delete(r.monitorCrossRefId);
        this.earlyCount -= held.length;
        this.stats.earlyEvents += held.length;
        for (const e of held) this.onEvent(e);
      }
    } catch (e) {
      d.reason = `MonitorStart failed: ${(e as Error).message}`;
      this.options.logger.warn({ linkId: this.linkId, device: d.number, err: (e as Error).message }, 'MonitorStart failed');
    } finally {
      this.monitorsInFlight--;
      if (this.monitorsInFlight === 0 && this.earlyCount > 0) {
        this.stats.unknownMonitor += this.earlyCount;
        for (let i = 0; i < this.earlyCount; i++) this.options.onDropped?.('unknown-monitor');
        this.early.clear();
        this.earlyCount = 0;
      }
    }
  }

  /** SnapshotDevice, compared with what the registry knew (see CallRegistry.reconcile). */
  private async resync(d: MonitoredDevice, gen: number, lostAt: Date | undefined): Promise<void> {
    if (gen !== this.generation || !d.crossRefId) return;
    const since = this.calls.seq;
    let snapshot;
    try {
      snapshot = await this.client.call({ type: 'SnapshotDevice', snapshotObject: d.number }, { device: d.number });
    } catch (e) {
      this.options.logger.warn({ linkId: this.linkId, device: d.number, err: (e as Error).message }, 'SnapshotDevice failed: calls of this device are not resynchronized');
      return;
    }
    if (gen !== this.generation) return;
    const found = this.calls.reconcile(
      d.number,
      snapshot.calls.map((c) => ({ callId: c.connection.callId, ...(c.localConnectionState ? { state: c.localConnectionState } : {}) })),
      since,
    );
    // A call this device placed that the far end may have answered meanwhile: its own state
    // says nothing (connected either way), the call's parties do.
    if (lostAt) {
      for (const c of this.calls.unestablishedCallsOf(d.number)) {
        const call = await this.client.call({ type: 'SnapshotCall', snapshotObject: { callId: c.callId, deviceId: d.number } }, { device: d.number }).catch(() => undefined);
        if (gen !== this.generation) return;
        if (call?.parties.some((p) => p.deviceOnCall !== d.number && p.localConnectionState === 'connected')) {
          const answered = this.calls.markEstablished(d.number, c.callId);
          if (answered) found.push(answered);
        }
      }
    }
    if (found.length === 0) return;
    this.stats.resyncEvents += found.length;
    const at = lostAt ?? new Date();
    this.publish(found.map((o) => resyncEvent(o, { linkId: this.linkId, domainId: this.options.domainId, device: d.number, at })));
  }

  /** Runs `fn` over `items` with at most `concurrency` in flight. */
  private async pool<T>(items: readonly T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < items.length) await fn(items[next++]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 32, items.length) }, worker));
  }

  private trace(p: CstaPdu): void {
    if (!this.tracer?.active) return;
    let device = p.device;
    if (device === undefined && p.message && isCstaEvent(p.message)) device = this.byCrossRef.get(p.message.monitorCrossRefId);
    this.tracer.record({ at: new Date(), linkId: this.linkId, direction: p.direction, invokeId: p.invokeId, device, xml: p.xml });
  }

  // -------------------------------------------------------------------------------------------
  // Call commands

  /**
   * Carries out a call command for a monitored device. Errors are RemoteErrors: `not_found`
   * (unknown call reference), `pbx_refused` (CSTAErrorCode; details `{ category, value }`),
   * `unavailable` (link down, lost, or no answer), `bad_request`.
   */
  async execute(device: string, cmd: CallCommand): Promise<CallCommandResult> {
    const client = this.client;
    const opt = { device };
    const conn = (callRef: string): ConnectionId => {
      const callId = this.calls.callIdOf(callRef);
      if (!callId) throw new RemoteError('not_found', `no active call ${callRef} on the CSTA link of device ${device}`);
      return { callId, deviceId: device };
    };
    try {
      switch (cmd.command) {
        case 'makeCall': {
          const r = await client.call({ type: 'MakeCall', callingDevice: device, calledDirectoryNumber: cmd.destination, autoOriginate: 'doNotPrompt' }, opt);
          return { callRef: this.calls.refOf(r.callingDevice, true, device) };
        }
        case 'answerCall':
          await client.call({ type: 'AnswerCall', callToBeAnswered: conn(cmd.callRef) }, opt);
          return { callRef: cmd.callRef };
        case 'clearConnection':
          await client.call({ type: 'ClearConnection', connectionToBeCleared: conn(cmd.callRef) }, opt);
          return { callRef: cmd.callRef };
        case 'clearCall':
          await client.call({ type: 'ClearCall', callToBeCleared: conn(cmd.callRef) }, opt);
          return { callRef: cmd.callRef };
        case 'holdCall':
          await client.call({ type: 'HoldCall', callToBeHeld: conn(cmd.callRef) }, opt);
          return { callRef: cmd.callRef };
        case 'retrieveCall':
          await client.call({ type: 'RetrieveCall', callToBeRetrieved: conn(cmd.callRef) }, opt);
          return { callRef: cmd.callRef };
        case 'consultationCall': {
          const r = await client.call({ type: 'ConsultationCall', existingCall: conn(cmd.callRef), consultedDevice: cmd.destination }, opt);
          return { callRef: this.calls.refOf(r.initiatedCall, true, device) };
        }
        case 'transferCall':
          await client.call({ type: 'TransferCall', heldCall: conn(cmd.heldCallRef), activeCall: conn(cmd.activeCallRef) }, opt);
          return {};
        case 'singleStepTransfer':
          await client.call({ type: 'SingleStepTransferCall', activeCall: conn(cmd.callRef), transferredTo: cmd.destination }, opt);
          return {};
        case 'conferenceCall':
          // The conferencing device stays in the call under the reference of its held call.
          await client.call({ type: 'ConferenceCall', heldCall: conn(cmd.heldCallRef), activeCall: conn(cmd.activeCallRef) }, opt);
          return { callRef: cmd.heldCallRef };
        case 'alternateCall':
          await client.call({ type: 'AlternateCall', heldCall: conn(cmd.heldCallRef), activeCall: conn(cmd.activeCallRef) }, opt);
          return { callRef: cmd.heldCallRef };
        case 'reconnectCall':
          await client.call({ type: 'ReconnectCall', heldCall: conn(cmd.heldCallRef), activeCall: conn(cmd.activeCallRef) }, opt);
          return { callRef: cmd.heldCallRef };
        case 'deflectCall':
          await client.call({ type: 'DeflectCall', callToBeDiverted: conn(cmd.callRef), newDestination: cmd.destination }, opt);
          return { callRef: cmd.callRef };
        case 'setForwarding':
          if (cmd.on && cmd.destination === undefined) {
            throw new RemoteError('bad_request', 'destination: required to switch a forwarding on', [{ path: 'destination', message: 'required when on is true' }]);
          }
          await client.call(
            {
              type: 'SetForwarding',
              device,
              forwardingType: CSTA_FORWARDING_TYPE[cmd.forwardingType],
              activateForward: cmd.on,
              ...(cmd.destination !== undefined ? { forwardDN: cmd.destination } : {}),
              ...(cmd.ringCount !== undefined ? { ringCount: cmd.ringCount } : {}),
            },
            opt,
          );
          return {};
        case 'getForwarding': {
          const r = await client.call({ type: 'GetForwarding', device }, opt);
          const forwarding: ForwardingState[] = [];
          for (const f of r.forwardingList) {
            const type = forwardingTypeFromCsta(f.forwardingType);
            if (!type) continue; // a vendor value the model has no name for
            forwarding.push({ forwardingType: type, on: f.forwardStatus, ...(f.forwardDN ? { destination: f.forwardDN } : {}), ...(f.ringCount !== undefined ? { ringCount: f.ringCount } : {}) });
          }
          return { forwarding };
        }
        case 'setDoNotDisturb':
          await client.call({ type: 'SetDoNotDisturb', device, doNotDisturbOn: cmd.on }, opt);
          return {};
        case 'getDoNotDisturb':
          return { doNotDisturbOn: (await client.call({ type: 'GetDoNotDisturb', device }, opt)).doNotDisturbOn };
        case 'snapshotDevice': {
          const r = await client.call({ type: 'SnapshotDevice', snapshotObject: device }, opt);
          return {
            calls: r.calls.map((c) => ({ callRef: this.calls.refOf(c.connection, false, device)!, ...state(c.localConnectionState) })),
          };
        }
        case 'snapshotCall': {
          const r = await client.call({ type: 'SnapshotCall', snapshotObject: conn(cmd.callRef) }, opt);
          return { parties: r.parties.map((p) => ({ ...(p.deviceOnCall ? { device: p.deviceOnCall } : {}), ...state(p.localConnectionState) })) };
        }
      }
    } catch (e) {
      throw toRemoteError(e);
    }
  }

  /** Figures for provider states (guide 10.4). */
  status() {
    return {
      state: this.client.state,
      connected: this.client.state === 'up',
      monitoredDevices: this.monitoredCount,
      configuredDevices: this.devices.size,
      activeCalls: this.calls.active,
      lastError: this.client.lastError,
      upSince: this.client.upSince?.toISOString(),
      downSince: this.client.state === 'up' ? undefined : this.client.downSince?.toISOString(),
    };
  }
}

function state(s: LocalConnectionState | undefined): { localState?: LocalConnectionState } {
  return s ? { localState: s } : {};
}

/** Call-command errors as the CallCommands contract names them. */
export function toRemoteError(e: unknown): RemoteError {
  if (e instanceof RemoteError) return e;
  if (e instanceof CstaRequestError) return new RemoteError('pbx_refused', e.message, e.code ? [e.code] : undefined);
  if (e instanceof CstaUnavailableError) return new RemoteError('unavailable', e.message);
  return new RemoteError('unavailable', (e as Error).message ?? String(e));
}
