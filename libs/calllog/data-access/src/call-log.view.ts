import type { CallLogIdentity } from './call-log.entity';
import type { CallLogParty } from './call-log.repository';

/** What the toolkit shows for a row. */
export function toCallLogView(r: CallLogParty & Partial<CallLogIdentity> & { id: string }) {
  return {
    id: r.id,
    device: r.device,
    callRef: r.callRef,
    direction: r.direction,
    answered: r.answered,
    missed: r.direction === 'incoming' && !r.answered,
    remoteNumber: r.remoteNumber,
    /** Who the remote number is for the row's user (reverse lookup in the directories), when known. */
    remoteName: r.remoteName ?? null,
    remoteCompany: r.remoteCompany ?? null,
    startedAt: r.startedAt.toISOString(),
    answeredAt: r.answeredAt?.toISOString() ?? null,
    endedAt: r.endedAt?.toISOString() ?? null,
    durationS: r.answeredAt && r.endedAt ? Math.max(0, Math.round((r.endedAt.getTime() - r.answeredAt.getTime()) / 1000)) : 0,
  };
}
