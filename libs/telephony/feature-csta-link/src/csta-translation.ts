import { randomUUID } from 'node:crypto';
import type { CstaEvent, ConnectionId } from '@tws/csta';
import type { TelephonyEvent, TelephonyEventKind } from '@tws/contracts';

export interface TranslationContext {
  linkId: string;
  /** Call reference of a PBX connection (see CallRegistry); `opensCall` for events that start a call. */
  callRef: (c: ConnectionId | undefined, opensCall?: boolean) => string | undefined;
  domainId: string;
  /** The monitored device the event was reported for (from its monitorCrossRefID). */
  device: string;
  receivedAt: Date;
  eventId?: string;
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
};

/** Events that may be the first of a new call reusing a call id. */
const OPENING = new Set<CstaEvent['type']>(['ServiceInitiatedEvent', 'OriginatedEvent', 'DeliveredEvent']);

/**
 * Translates one CSTA event into the normalized telephony model. Pure (apart from a fresh
 * event id when none is given), so it is tested with frames in and events out.
 */
export function translateCstaEvent(e: CstaEvent, ctx: TranslationContext): TelephonyEvent {
  const base = {
    eventId: ctx.eventId ?? randomUUID(),
    kind: KIND[e.type],
    linkId: ctx.linkId,
    domainId: ctx.domainId,
    device: ctx.device,
    localState: e.localConnectionInfo,
    cause: e.cause,
    occurredAt: ctx.receivedAt.toISOString(),
  };
  const ref = (c: ConnectionId | undefined) => ctx.callRef(c, OPENING.has(e.type));
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
    case 'TransferedEvent':
    case 'ConferencedEvent': {
      // The call continues under the new callID of this device's connection, if listed.
      const list = e.type === 'TransferedEvent' ? e.transferredConnections : e.conferenceConnections;
      const mine = list.find((c) => c.newConnection?.deviceId === ctx.device)?.newConnection ?? list[0]?.newConnection;
      const olds = [e.primaryOldCall, e.secondaryOldCall].map(ref).filter((r): r is string => r !== undefined);
      specific = { callRef: ref(mine) ?? olds[0], previousCallRefs: olds };
      break;
    }
    case 'DivertedEvent':
      specific = { callRef: ref(e.connection), alertingDevice: e.newDestination, ...parties(e) };
      break;
    case 'FailedEvent':
      specific = { callRef: ref(e.failedConnection), ...parties(e) };
      break;
    case 'QueuedEvent':
      specific = { callRef: ref(e.queuedConnection), ...parties(e) };
      break;
  }
  // Drop undefined fields so the payload is minimal and validates as given.
  return Object.fromEntries(Object.entries({ ...base, ...specific }).filter(([, v]) => v !== undefined)) as TelephonyEvent;
}
