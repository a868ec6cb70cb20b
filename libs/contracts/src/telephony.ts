import { z } from 'zod';
import { defineContract, defineRequest, replyEnvelope } from './contract';

/** Normalized telephony event kinds (close to ECMA-269), the only model above the link services. */
export const TELEPHONY_EVENT_KINDS = [
  'serviceInitiated',
  'originated',
  'delivered',
  'established',
  'held',
  'retrieved',
  'transferred',
  'conferenced',
  'diverted',
  'failed',
  'queued',
  'connectionCleared',
  'callCleared',
  'forwarding',
  'doNotDisturb',
  /** The link went up or down (see `LINK_EVENT_DEVICE`); carries `linkUp`. */
  'linkState',
] as const;
export type TelephonyEventKind = (typeof TELEPHONY_EVENT_KINDS)[number];

export const LOCAL_CONNECTION_STATES = ['null', 'initiated', 'alerting', 'connected', 'hold', 'queued', 'fail'] as const;
export type LocalState = (typeof LOCAL_CONNECTION_STATES)[number];

/**
 * Forwarding types of the normalized model (ECMA-269's, without the CSTA spelling): immediate,
 * on busy, on no answer, on do-not-disturb, each also limited to internal or external callers.
 */
export const FORWARDING_TYPES = [
  'immediate',
  'busy',
  'noAnswer',
  'doNotDisturb',
  'immediateInternal',
  'immediateExternal',
  'busyInternal',
  'busyExternal',
  'noAnswerInternal',
  'noAnswerExternal',
  'doNotDisturbInternal',
  'doNotDisturbExternal',
] as const;
export type ForwardingType = (typeof FORWARDING_TYPES)[number];

/**
 * `device` of a `linkState` event: such an event is about a whole link, not one device. Not a
 * dialable number, so it never clashes with a real device; subject `tws.evt.<domainId>.~link.linkState`.
 */
export const LINK_EVENT_DEVICE = '~link';

/**
 * Cause of the events a link service makes up after a link loss (resynchronization from
 * SnapshotDevice), e.g. the `callCleared` of a call that ended while the link was down.
 */
export const RESYNC_CAUSE = 'resynchronized';

/** A subject token must not contain NATS separators or wildcards. */
export const subjectToken = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[^.*>\s]+$/, 'must not contain ".", "*", ">" or spaces');

export const telephonyEventSchema = z.object({
  /** Unique id of this event: consumers are idempotent on it. */
  eventId: z.string().min(1).max(200),
  kind: z.enum(TELEPHONY_EVENT_KINDS),
  linkId: z.string().uuid(),
  domainId: z.string().uuid(),
  /** The monitored device this event was reported for. */
  device: subjectToken,
  /** Call reference, unique across links: `<linkId>:<pbx call id>`. */
  callRef: z.string().min(1).max(200).optional(),
  /** Previous call references merged into this one (transfer, conference). */
  previousCallRefs: z.array(z.string()).optional(),
  callingNumber: z.string().max(64).optional(),
  calledNumber: z.string().max(64).optional(),
  alertingDevice: z.string().max(64).optional(),
  answeringDevice: z.string().max(64).optional(),
  releasingDevice: z.string().max(64).optional(),
  localState: z.enum(LOCAL_CONNECTION_STATES).optional(),
  cause: z.string().max(64).optional(),
  /** forwarding: which forwarding changed, whether it is now on, and where it sends calls. */
  forwardingType: z.enum(FORWARDING_TYPES).optional(),
  forwardingOn: z.boolean().optional(),
  forwardTo: z.string().max(64).optional(),
  /** doNotDisturb: whether do-not-disturb is now on. */
  doNotDisturbOn: z.boolean().optional(),
  /** linkState: the link's new state (`up` once every monitor is back; `down` as soon as it is lost). */
  linkUp: z.boolean().optional(),
  /** linkState: devices monitored on the link now. */
  monitoredDevices: z.number().int().nonnegative().optional(),
  /** linkState: why the link went down. */
  reason: z.string().max(500).optional(),
  /** ISO timestamp at which the link service received the event. */
  occurredAt: z.string().datetime({ offset: true }),
});
export type TelephonyEvent = z.infer<typeof telephonyEventSchema>;

/** JetStream stream holding every normalized telephony event (kept 7 days; ids deduplicated for 10 min). */
export const TELEPHONY_STREAM = {
  name: 'TWS_TELEPHONY',
  subjects: ['tws.evt.>'],
  maxAgeS: 7 * 24 * 3600,
  duplicateWindowS: 600,
} as const;

export const TelephonyEvents = defineContract(
  'telephony event',
  'tws.evt.>',
  (domainId: string, device: string, kind: TelephonyEventKind) => `tws.evt.${domainId}.${device}.${kind}`,
  telephonyEventSchema,
);

const callRef = z.string().min(1).max(200);
const destination = z.string().trim().min(1).max(64);
/** The two calls of a device that transfer, conference, alternate and reconnect act on. */
const twoCalls = { heldCallRef: callRef, activeCallRef: callRef };

/**
 * Call-control commands, addressed to the device; answered by whichever link instance monitors
 * it. Calls are named by their call reference (as in the events); destinations are what the
 * PBX dials (already through the dialing plan).
 */
export const callCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('makeCall'), destination }),
  z.object({ command: z.literal('answerCall'), callRef }),
  /** Hangs this device up; the call goes on if others remain (conference). */
  z.object({ command: z.literal('clearConnection'), callRef }),
  /** Ends the call for every party. */
  z.object({ command: z.literal('clearCall'), callRef }),
  z.object({ command: z.literal('holdCall'), callRef }),
  z.object({ command: z.literal('retrieveCall'), callRef }),
  /** Holds `callRef` and calls `destination`; returns the consultation call's reference. */
  z.object({ command: z.literal('consultationCall'), callRef, destination }),
  /** Connects the other parties of the two calls together and drops this device. */
  z.object({ command: z.literal('transferCall'), ...twoCalls }),
  /** Sends `callRef` to `destination` without consultation (blind transfer). */
  z.object({ command: z.literal('singleStepTransfer'), callRef, destination }),
  z.object({ command: z.literal('conferenceCall'), ...twoCalls }),
  /** Holds the active call and takes the held one back (toggle). */
  z.object({ command: z.literal('alternateCall'), ...twoCalls }),
  /** Hangs up the active call and takes the held one back. */
  z.object({ command: z.literal('reconnectCall'), ...twoCalls }),
  /** Sends a call ringing at this device to `destination`. */
  z.object({ command: z.literal('deflectCall'), callRef, destination }),
  z.object({
    command: z.literal('setForwarding'),
    forwardingType: z.enum(FORWARDING_TYPES),
    on: z.boolean(),
    /** Required to switch a forwarding on. */
    destination: destination.optional(),
    ringCount: z.number().int().min(1).max(99).optional(),
  }),
  z.object({ command: z.literal('getForwarding') }),
  z.object({ command: z.literal('setDoNotDisturb'), on: z.boolean() }),
  z.object({ command: z.literal('getDoNotDisturb') }),
  /** The calls at this device as the PBX sees them now. */
  z.object({ command: z.literal('snapshotDevice') }),
  /** The parties of a call as the PBX sees them now. */
  z.object({ command: z.literal('snapshotCall'), callRef }),
]);
export type CallCommand = z.infer<typeof callCommandSchema>;
export type CallCommandName = CallCommand['command'];

export const forwardingStateSchema = z.object({
  forwardingType: z.enum(FORWARDING_TYPES),
  on: z.boolean(),
  destination: z.string().optional(),
  ringCount: z.number().int().optional(),
});
export type ForwardingState = z.infer<typeof forwardingStateSchema>;

/** What a command returns; each command fills the fields that concern it (documented per command in docs/csta.md). */
export const callCommandResultSchema = z.object({
  /** The call acted on or created (consultation, transfer, conference: the resulting call of this device). */
  callRef: z.string().optional(),
  /** getForwarding. */
  forwarding: z.array(forwardingStateSchema).optional(),
  /** getDoNotDisturb. */
  doNotDisturbOn: z.boolean().optional(),
  /** snapshotDevice: this device's calls. */
  calls: z.array(z.object({ callRef: z.string(), localState: z.enum(LOCAL_CONNECTION_STATES).optional() })).optional(),
  /** snapshotCall: the parties of the call (device as the PBX names it; absent when it did not say). */
  parties: z.array(z.object({ device: z.string().optional(), localState: z.enum(LOCAL_CONNECTION_STATES).optional() })).optional(),
});
export type CallCommandResult = z.infer<typeof callCommandResultSchema>;

/**
 * Error codes of call commands (the `code` of the error reply):
 * - `pbx_refused`: the PBX answered with a CSTAErrorCode; `details[0]` is `{ category, value }`
 *   and the message says what it means ("the call no longer exists on the PBX");
 * - `not_found`: the call reference names no active call of this device on the link;
 * - `unavailable`: the link is down or the PBX did not answer in time (retry later);
 * - `bad_request`: the command is incomplete (e.g. forwarding on without a destination).
 */
export const CALL_COMMAND_ERRORS = ['pbx_refused', 'not_found', 'unavailable', 'bad_request'] as const;

export const CallCommands = defineRequest(
  'call command',
  'tws.cti.cmd.*.*',
  (domainId: string, device: string) => `tws.cti.cmd.${domainId}.${device}`,
  callCommandSchema,
  replyEnvelope(callCommandResultSchema),
);

/** Link state, published by link services in the LINK_STATE_BUCKET KV bucket (key = link id). */
export const linkStateSchema = z.object({
  linkId: z.string().uuid(),
  domainId: z.string().uuid(),
  state: z.enum(['connecting', 'up', 'down']),
  monitoredDevices: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  owner: z.string(),
  updatedAt: z.string(),
  /** Where the link goes (guide 10.4 "Host", "Port") and how many devices it may monitor ("Count"). */
  host: z.string().optional(),
  port: z.number().int().optional(),
  capacity: z.number().int().optional(),
  pbxType: z.string().optional(),
});
export type LinkState = z.infer<typeof linkStateSchema>;
export const LINK_STATE_BUCKET = 'tws_link_state';

// ---------------------------------------------------------------------------------------------
// Link ownership across instances (leases in NATS KV; docs/csta.md "Several instances")

/**
 * KV bucket of the link leases and instance presences of the link services. Keys:
 * `<service>.link.<linkId>` (value: LinkLease) and `<service>.instance.<instanceToken>` (value:
 * InstancePresence). Written with compare-and-set on the revision, so one instance owns a link.
 */
export const LINK_LEASE_BUCKET = 'tws_link_leases';
export const linkLeaseSchema = z.object({
  owner: z.string(),
  service: z.string(),
  /** Writer's clock, for people; expiry is judged on the NATS server's storage time of each entry. */
  renewedAt: z.string(),
  ttlMs: z.number().int().positive(),
});
export type LinkLease = z.infer<typeof linkLeaseSchema>;
export const instancePresenceSchema = z.object({
  instance: z.string(),
  service: z.string(),
  renewedAt: z.string(),
  ttlMs: z.number().int().positive(),
  /** Links this instance owns now. */
  owned: z.array(z.string()),
});
export type InstancePresence = z.infer<typeof instancePresenceSchema>;

/**
 * KV bucket of the PDU trace settings of the link services (guide 10.6), so every instance —
 * those running and those started later — traces the same devices. Keys: `<service>.all` (the
 * all-links trace) and `<service>.domain.<domainId>` (a domain's trace); value: PduTraceSettings.
 * Written with compare-and-set on the revision by the instances that apply a start/stop.
 */
export const PDU_TRACE_BUCKET = 'tws_pdu_trace';
export const pduTraceSettingsSchema = z.object({
  /** Devices traced (`*` = all). Empty: nothing traced. */
  tracing: z.array(z.string()),
  /** The instance that wrote it and when (for people). */
  by: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type PduTraceSettings = z.infer<typeof pduTraceSettingsSchema>;

/** An instance id as one NATS subject token / KV key token (dots and other signs become `_`). */
export function instanceToken(instance: string): string {
  return instance.replace(/[^A-Za-z0-9_-]/g, '_');
}

// ---------------------------------------------------------------------------------------------
// Operations (guide 10.4 provider states, 10.5 device states, 10.6 PDU traces)

/** One CTI provider (PBX link) as guide 10.4 shows it, plus what helps diagnose it. */
export const providerStateSchema = z.object({
  linkId: z.string().uuid(),
  name: z.string(),
  protocol: z.enum(['CSTA', 'VTIXML']),
  pbxType: z.string(),
  host: z.string(),
  port: z.number().int(),
  /** Guide "Connected": the session is up. */
  connected: z.boolean(),
  state: z.enum(['connecting', 'up', 'down']),
  /** Guide "Current": devices monitored right now. */
  monitoredDevices: z.number().int().nonnegative(),
  /** Guide "Count": the most devices the link may monitor. */
  capacity: z.number().int().nonnegative(),
  /** Devices configured for the link beyond its capacity (not monitored). */
  overCapacity: z.number().int().nonnegative(),
  domainId: z.string().uuid(),
  domainName: z.string().optional(),
  activeCalls: z.number().int().nonnegative(),
  lastError: z.string().optional(),
  /** When the current session came up / the link was lost (ISO). */
  upSince: z.string().optional(),
  downSince: z.string().optional(),
  /** Instance that drives the link. */
  owner: z.string(),
});
export type ProviderState = z.infer<typeof providerStateSchema>;

/**
 * Operations subjects: without an instance, one cstaservices instance answers (queue group) for
 * its own links only; with one (`instanceToken`), that instance answers — web-services asks every
 * live instance of the lease bucket and merges.
 */
const opsSubject = (op: string) => (instance?: string) => (instance ? `tws.cti.ops.${op}.${instanceToken(instance)}` : `tws.cti.ops.${op}`);

export const CtiProviderStates = defineRequest(
  'CTI provider states',
  'tws.cti.ops.providers',
  opsSubject('providers'),
  z.object({ domainId: z.string().uuid().optional() }).strict(),
  replyEnvelope(z.object({ providers: z.array(providerStateSchema) })),
);

/** One device as guide 10.5 shows it (site, cluster and CCos only exist on VTI-XML links). */
export const deviceStateSchema = z.object({
  device: z.string(),
  domainId: z.string().uuid(),
  linkId: z.string().uuid(),
  /** Guide "Provider": the PBX address of the link. */
  provider: z.string(),
  /** Guide "State": Connected when the PBX accepted the monitor and the link is up. */
  state: z.enum(['connected', 'disconnected']),
  /** Guide "Type": how the device is monitored. */
  type: z.enum(['cti', 'sipcti']),
  monitorCrossRefId: z.string().optional(),
  /** Why the device is not monitored (MonitorStart refused, over capacity, link down). */
  reason: z.string().optional(),
  activeCalls: z.number().int().nonnegative(),
});
export type DeviceState = z.infer<typeof deviceStateSchema>;

export const CtiDeviceStates = defineRequest(
  'CTI device states',
  'tws.cti.ops.devices',
  opsSubject('devices'),
  z
    .object({
      domainId: z.string().uuid().optional(),
      /** Guide "First number" / "Last number": an inclusive range compared as numbers when both are numeric. */
      first: z.string().max(64).optional(),
      last: z.string().max(64).optional(),
      limit: z.number().int().min(1).max(100_000).default(1000),
    })
    .strict(),
  replyEnvelope(z.object({ devices: z.array(deviceStateSchema), truncated: z.boolean() })),
);

/**
 * PDU traces (guide 10.6): start or stop writing every CSTA message of one device (or `*`, all)
 * to rotating files in the service's trace folder. Every cstaservices instance applies it; the
 * reply comes from the first one to answer.
 */
export const traceFileSchema = z.object({ name: z.string(), size: z.number().int().nonnegative(), modifiedAt: z.string() });
export type TraceFile = z.infer<typeof traceFileSchema>;

export const CtiPduTrace = defineRequest(
  'CTI PDU trace',
  'tws.cti.ops.trace',
  opsSubject('trace'),
  z
    .object({
      action: z.enum(['start', 'stop', 'status']),
      /** A device number, or `*` for every device (and link-level messages). */
      device: z.string().trim().min(1).max(64).optional(),
      /**
       * Trace only this domain's links, into its own files (`cstaservices-pdu-<domainId>.log`), so
       * an administrator reads only his tenants' messages. Without it: every link, one file.
       */
      domainId: z.string().uuid().optional(),
    })
    .strict()
    .refine((r) => r.action === 'status' || r.device !== undefined, { message: 'device: required to start or stop a trace (a number or *)', path: ['device'] }),
  replyEnvelope(
    z.object({
      tracing: z.array(z.string()),
      folder: z.string(),
      files: z.array(z.string()),
      /** The instance that answered, and its files with size and date. */
      instance: z.string().optional(),
      fileDetails: z.array(traceFileSchema).optional(),
    }),
  ),
);

/** Largest chunk of a trace file one request returns (NATS payloads stay under 1 MB in base64). */
export const TRACE_CHUNK_MAX = 256 * 1024;

/** A piece of a PDU trace file of one instance (the files stay on the instance's disk). */
export const CtiTraceFileChunk = defineRequest(
  'CTI trace file chunk',
  'tws.cti.ops.trace-file.*',
  (instance: string) => `tws.cti.ops.trace-file.${instanceToken(instance)}`,
  z
    .object({
      /** As for CtiPduTrace: a domain's files, or (absent) the all-links files. */
      domainId: z.string().uuid().optional(),
      name: z.string().min(1).max(200),
      offset: z.number().int().nonnegative(),
      length: z.number().int().min(1).max(TRACE_CHUNK_MAX).default(TRACE_CHUNK_MAX),
    })
    .strict(),
  replyEnvelope(z.object({ data: z.string(), size: z.number().int().nonnegative(), eof: z.boolean() })),
);
