import type { TelephonyEvent } from '@tws/contracts';
import type { CallLogParty } from '@tws/calllog-data-access';

/**
 * The call-log model: how one normalized event changes the call-log row of the monitored
 * device it was reported for. Pure, so it is tested with event tables.
 *
 * Rules (one row per call and party):
 * - the row starts at the first event of the call seen by that device;
 * - outgoing when the device originated the call (serviceInitiated, originated, or a delivered
 *   event where another device is alerting); incoming when the device itself was alerted;
 * - answered when the call was established (by this device for an incoming call, by the far end
 *   for an outgoing one); an incoming call that ends unanswered is a missed call;
 * - ended when this device's connection is cleared or the whole call is cleared;
 * - transfers and conferences: the link service keeps each device's call reference across the
 *   PBX's call-id change, so the row goes on; a `transferred`/`conferenced` event whose local
 *   state is `null` (the transferring device, a conference leg merged away) ends the row;
 * - a call diverted away from the device (forwarding on no answer, deflection) ends its row;
 *   one forwarded before it rang here (immediate, busy) leaves no row;
 * - after a link loss, the link service closes the calls that ended meanwhile with a
 *   `callCleared` (cause `resynchronized`) and reports an answer it missed as `established`,
 *   so no row stays open forever.
 * Times are min/max of event times, so the outcome does not depend on arrival order.
 */
export function applyCallEvent(current: CallLogParty | undefined, e: TelephonyEvent): CallLogParty | undefined {
  if (!e.callRef || !CALL_KINDS.has(e.kind)) return current;
  // Diverted before it ever rang here: not a call of this device.
  if (!current && e.kind === 'diverted') return undefined;
  const at = new Date(e.occurredAt);
  const row: CallLogParty = current
    ? { ...current }
    : {
        domainId: e.domainId,
        device: e.device,
        callRef: e.callRef,
        direction: 'incoming',
        answered: false,
        remoteNumber: null,
        startedAt: at,
        answeredAt: null,
        endedAt: null,
      };
  if (at < row.startedAt) row.startedAt = at;
  const evidence = directionOf(e);
  if (evidence && (!current || evidence === 'outgoing')) row.direction = evidence;
  const remote = remoteNumberOf(e, row.direction);
  if (remote && (!row.remoteNumber || evidence)) row.remoteNumber = remote;

  switch (e.kind) {
    case 'established':
      row.answered = true;
      row.answeredAt = !row.answeredAt || at < row.answeredAt ? at : row.answeredAt;
      break;
    case 'connectionCleared':
      if (!e.releasingDevice || e.releasingDevice === e.device) row.endedAt = latest(row.endedAt, at);
      break;
    case 'callCleared':
      row.endedAt = latest(row.endedAt, at);
      break;
    case 'transferred':
    case 'conferenced':
    case 'diverted':
      if (e.localState === 'null') row.endedAt = latest(row.endedAt, at);
      break;
  }
  return row;
}

const CALL_KINDS = new Set<TelephonyEvent['kind']>([
  'serviceInitiated', 'originated', 'delivered', 'established', 'connectionCleared', 'callCleared', 'failed', 'held', 'retrieved',
  'transferred', 'conferenced', 'diverted',
]);

function directionOf(e: TelephonyEvent): 'incoming' | 'outgoing' | undefined {
  if (e.kind === 'serviceInitiated' || e.kind === 'originated') return 'outgoing';
  if (e.kind === 'delivered') {
    if (e.alertingDevice === e.device) return 'incoming';
    if (e.callingNumber === e.device || e.alertingDevice) return 'outgoing';
  }
  return undefined;
}

function remoteNumberOf(e: TelephonyEvent, direction: 'incoming' | 'outgoing'): string | undefined {
  const candidate = direction === 'incoming' ? e.callingNumber : (e.calledNumber ?? e.alertingDevice);
  return candidate && candidate !== e.device ? candidate : undefined;
}

function latest(a: Date | null, b: Date): Date {
  return a && a > b ? a : b;
}
