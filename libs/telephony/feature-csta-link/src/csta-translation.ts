import { randomUUID } from 'node:crypto';
import type { CstaEvent, ConnectionId } from '@tws/csta';
import { LINK_EVENT_DEVICE, RESYNC_CAUSE, type ForwardingType, type TelephonyEvent, type TelephonyEventKind } from '@tws/contracts';
import type { CallRegistry, ResyncOutput } from './call-registry';

export interface TranslationContext {
  linkId: string;
  domainId: string;
  /** The monitored device the event was reported for (from its monitorCrossRefID). */
  device: string;
  receivedAt: Date;
  /** Id of the (first) event; further events of the same CSTA event get `<eventId>.<n>`. */
  eventId?: string;
  /** The link's call identities: read and updated by the translation. */
  calls: CallRegistry;
}

const KIND: Record<CstaEvent['type'], TelephonyEventKind> = {
  ServiceInitiatedEvent: 'serviceInitiated',
  OriginatedEvent: 'originated',
  DeliveredEvent: 'delivered',
  EstablishedEvent: 'established',
  HeldEvent: 'held',
  RetrievedEvent: 'retrieved',
  ConnectionClearedEvent: 'connectionCleared',
  CallClearedEvent: 'callCleared',
  TransferedEvent: 'transferred',
  ConferencedEvent: 'conferenced',
  DivertedEvent: 'diverted',
  FailedEvent: 'failed',
  QueuedEvent: 'queued',
  ForwardingEvent: 'forwarding',
  DoNotDisturbEvent: 'doNotDisturb',
};

/** ECMA-269 forwarding types and the normalized model's names for them. */
export const CSTA_FORWARDING_TYPE: Readonly<Record<ForwardingType, string>> = {
  immediate: 'forwardImmediate',
  busy: 'forwardBusy',
  noAnswer: 'forwardNoAns',
  doNotDisturb: 'forwardDND',
  immediateInternal: 'forwardImmInt',
  immediateExternal: 'forwardImmExt',
  busyInternal: 'forwardBusyInt',
  busyExternal: 'forwardBusyExt',
  noAnswerInternal: 'forwardNoAnsInt',
  noAnswerExternal: 'forwardNoAnsExt',
  doNotDisturbInternal: 'forwardDNDInt',
  doNotDisturbExternal: 'forwardDNDExt',
};
const FORWARDING_FROM_CSTA = new Map(Object.entries(CSTA_FORWARDING_TYPE).map(([k, v]) => [v, k as ForwardingType]));

/** The normalized forwarding type of an ECMA one; undefined for a value no edition defines. */
export function forwardingTypeFromCsta(type: string | undefined): ForwardingType | undefined {
  return type === undefined ? undefined : FORWARDING_FROM_CSTA.get(type);
}

/** Events that may be the first of a new call reusing a call id. */
const OPENING = new Set<CstaEvent['type']>(['ServiceInitiatedEvent', 'OriginatedEvent', 'DeliveredEvent']);

/**
 * Translates one CSTA event into the normalized telephony model: usually one event; a transfer
 * or a conference gives one per call reference of the device it touches (the transferring
 * device leaves two calls). Deterministic given the registry, so it is tested with frames in and
 * events out. The registry is updated as a side effect (call ids, parties, states).
 */
export function translateCstaEvent(e: CstaEvent, ctx: TranslationContext): TelephonyEvent[] {
  const { calls, device } = ctx;
  const base = (i = 0) => ({
    eventId: ctx.eventId === undefined ? randomUUID() : i === 0 ? ctx.eventId : `${ctx.eventId}.${i}`,
    kind: KIND[e.type],
    linkId: ctx.linkId,
    domainId: ctx.domainId,
    device,
    localState: e.localConnectionInfo,
    cause: e.cause,
    occurredAt: ctx.receivedAt.toISOString(),
  });

  if (e.type === 'TransferedEvent' || e.type === 'ConferencedEvent') {
    const { outputs, previousRefs } = calls.merge(e, device);
    return outputs.map((o, i) => compact({ ...base(i), callRef: o.ref, previousCallRefs: previousRefs, localState: o.localState }));
  }

  const ref = (c: ConnectionId | undefined) => calls.refOf(c, OPENING.has(e.type), device);
  const parties = (p: { callingDevice?: string; calledDevice?: string }) => ({ callingNumber: p.callingDevice, calledNumber: p.calledDevice });
  let specific: Partial<TelephonyEvent>;
  switch (e.type) {
    case 'ServiceInitiatedEvent':
      specific = { callRef: ref(e.initiatedConnection), callingNumber: e.initiatingDevice };
      break;
    case 'OriginatedEvent':
      specific = { callRef: ref(e.originatedConnection), ...parties(e) };
      break;
    case 'DeliveredEvent':
      specific = { callRef: ref(e.connection), alertingDevice: e.alertingDevice, ...parties(e) };
      break;
    case 'EstablishedEvent':
      specific = { callRef: ref(e.establishedConnection), answeringDevice: e.answeringDevice, ...parties(e) };
      break;
    case 'HeldEvent':
      specific = { callRef: ref(e.heldConnection) };
      break;
    case 'RetrievedEvent':
      specific = { callRef: ref(e.retrievedConnection) };
      break;
    case 'ConnectionClearedEvent':
      specific = { callRef: ref(e.droppedConnection), releasingDevice: e.releasingDevice };
      break;
    case 'CallClearedEvent':
      specific = { callRef: ref(e.clearedCall) };
      break;
    case 'DivertedEvent':
      specific = { callRef: ref(e.connection), alertingDevice: e.newDestination, ...parties(e) };
      break;
    case 'FailedEvent':
      specific = { callRef: ref(e.failedConnection), ...parties(e) };
      break;
    case 'QueuedEvent':
      specific = { callRef: ref(e.queuedConnection), ...parties(e) };
      break;
    case 'ForwardingEvent':
      specific = { forwardingType: forwardingTypeFromCsta(e.forwardingType), forwardingOn: e.forwardStatus, forwardTo: e.forwardStatus ? e.forwardTo : undefined };
      break;
    case 'DoNotDisturbEvent':
      specific = { doNotDisturbOn: e.doNotDisturbOn };
      break;
  }
  calls.track(e, device);
  return [compact({ ...base(), ...specific })];
}

/** The event a resynchronization finding stands for (cause `resynchronized`, dated `at`). */
export function resyncEvent(o: ResyncOutput, ctx: Omit<TranslationContext, 'calls' | 'receivedAt'> & { at: Date }): TelephonyEvent {
  return compact({
    eventId: ctx.eventId ?? randomUUID(),
    kind: o.kind,
    linkId: ctx.linkId,
    domainId: ctx.domainId,
    device: ctx.device,
    callRef: o.ref,
    localState: o.localState,
    cause: RESYNC_CAUSE,
    occurredAt: ctx.at.toISOString(),
  });
}

/** A `linkState` event (device `~link`). */
export function linkStateEvent(
  link: { linkId: string; domainId: string; /** Desk-phone server mode: the phone whose uaCSTA dialog this is. */ linkEventDevice?: string },
  up: boolean,
  monitoredDevices: number,
  at: Date,
  reason?: string,
): TelephonyEvent {
  return compact({
    eventId: randomUUID(),
    kind: 'linkState',
    linkId: link.linkId,
    domainId: link.domainId,
    device: link.linkEventDevice ?? LINK_EVENT_DEVICE,
    linkUp: up,
    monitoredDevices,
    reason: reason?.slice(0, 500),
    occurredAt: at.toISOString(),
  });
}

/** Drops undefined fields so the payload is minimal and validates as given. */
function compact(e: Partial<TelephonyEvent>): TelephonyEvent {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined)) as TelephonyEvent;
}
