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
] as const;
export type TelephonyEventKind = (typeof TELEPHONY_EVENT_KINDS)[number];

export const LOCAL_CONNECTION_STATES = ['null', 'initiated', 'alerting', 'connected', 'hold', 'queued', 'fail'] as const;

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

/** Call-control commands, addressed to the device; answered by whichever link instance monitors it. */
export const callCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('makeCall'), destination: z.string().trim().min(1).max(64) }),
  z.object({ command: z.literal('answerCall'), callRef: z.string().min(1) }),
  z.object({ command: z.literal('clearConnection'), callRef: z.string().min(1) }),
]);
export type CallCommand = z.infer<typeof callCommandSchema>;

export const callCommandResultSchema = z.object({ callRef: z.string().optional() });

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
});
export type LinkState = z.infer<typeof linkStateSchema>;
export const LINK_STATE_BUCKET = 'tws_link_state';
