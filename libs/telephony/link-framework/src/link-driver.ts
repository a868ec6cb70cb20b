import type { CallCommand, CallCommandResult, TelephonyEvent } from '@tws/contracts';
import type { PduSink } from './pdu-trace';

/** A link as the framework reads it from the configuration (a row of the link table). */
export interface LinkConfig {
  id: string;
  domainId: string;
  name: string;
  enabled: boolean;
  host: string;
  port: number;
  /** The most devices the link may monitor. */
  capacity: number;
  pbxType: string;
  /** A link whose `updatedAt` changed is restarted. */
  updatedAt: Date;
}

/** A link's figures (guide 10.4 provider states; the link state in KV). */
export interface LinkDriverStatus {
  state: 'connecting' | 'up' | 'down';
  connected: boolean;
  monitoredDevices: number;
  activeCalls: number;
  lastError?: string;
  /** ISO dates of the current session / of the loss. */
  upSince?: string;
  downSince?: string;
}

/** One device of a link (guide 10.5 device states). */
export interface LinkDeviceStatus {
  device: string;
  monitored: boolean;
  crossRefId?: string;
  /** Why it is not monitored. */
  reason?: string;
  activeCalls: number;
}

/** What a driver tells the runtime. */
export interface LinkDriverHooks {
  /** Normalized events, in the order they must be published. */
  onEvents(events: TelephonyEvent[]): void;
  /** The link state or the monitored count changed. */
  onChange(): void;
  /** Something the driver dropped (counted in the events metric under `what`). */
  onDropped(what: string): void;
}

/**
 * What a protocol adapter (CSTA, VTI-XML) implements: one link to a PBX, without NATS or a
 * database. The runtime (`LinkRuntime`) owns one per link it drives: it tells it the devices to
 * monitor, routes the call commands of those devices to it, publishes its events, and reads its
 * status for the link state, provider and device states.
 */
export interface LinkDriver {
  /** Where the link goes, for logs ("host:port"). */
  readonly where: string;
  /** Guide 10.5 "Type" of its devices: `sipcti` for desk phones over their own SIP dialog. */
  readonly deviceType: 'cti' | 'sipcti';
  /** Connects (and reconnects with backoff, re-monitors and resynchronizes on its own). */
  start(): void;
  close(): Promise<void>;
  /** Brings the monitored devices in line with `numbers`. */
  setDevices(numbers: readonly string[]): Promise<void>;
  /** Carries out a call command for one of its devices; errors are `RemoteError`s. */
  execute(device: string, command: CallCommand): Promise<CallCommandResult>;
  status(): LinkDriverStatus;
  deviceStates(): LinkDeviceStatus[];
  /** Sends the link's PDUs to `sink` (or stops, with undefined). */
  traceTo(sink: PduSink | undefined): void;
  /**
   * What a restarted link (configuration change) takes over from this one, handed to the driver
   * factory (e.g. the calls known, reconciled at the first snapshot).
   */
  carry?(): unknown;
}

/** Builds the driver of a link; undefined when the link cannot start (the factory says why). */
export type LinkDriverFactory<L extends LinkConfig> = (link: L, hooks: LinkDriverHooks, carried?: unknown) => LinkDriver | undefined;
