import type { ConnectionId, CstaEvent, LocalConnectionState, TransferedEvent, ConferencedEvent } from '@tws/csta';

/** A monitored device's part in a call: the reference its events carry, and its last known state. */
interface Party {
  ref: string;
  state?: LocalConnectionState;
  /** False once the device left the call (cleared, diverted away, transferred out). */
  active: boolean;
  /** Registry sequence number of the last event that touched this party. */
  seq: number;
  /** The device saw the call established (its own answer, or the far end's). */
  established?: boolean;
}

/** How long an ended call is remembered, for its trailing events (and a diverted call's next leg). */
const ENDED_KEPT_MS = 60_000;

interface CallEntry {
  callId: string;
  /** The call's own reference (what a device not yet known on the call gets). */
  ref: string;
  parties: Map<string, Party>;
  endedAt?: number;
  endSeq?: number;
  /** Set when a transfer or conference replaced this call id by another. */
  mergedInto?: string;
  /**
   * The call "ended" because its last monitored party diverted it away (forwarding, a queue
   * distributing it): the PBX call goes on, and a monitored device it reaches next continues it.
   */
  divertedAway?: boolean;
}

/** One normalized event a transfer or conference yields for one device. */
export interface MergeOutput {
  ref: string;
  /** `null` when this device's part under `ref` is over (transferred out, or a leg merged away). */
  localState: LocalConnectionState | undefined;
}

/** What a snapshot shows that the registry did not know, as events to publish. */
export interface ResyncOutput {
  kind: 'callCleared' | 'established' | 'held' | 'retrieved';
  ref: string;
  callId: string;
  localState: LocalConnectionState;
}

/**
 * Call identity on one link. PBXs reuse call ids (snom's are small integers, and every PBX
 * restarts its numbering after a reset), so a call reference is minted the first time a call id
 * is seen and retired when the call ends: `<linkId>:<callId>.<mint time base36>`, unique over
 * time and across links, still readable in logs.
 *
 * Identity follows call-id changes: when a transfer or a conference replaces call ids, each
 * monitored device keeps the reference it had (its call goes on, only the PBX's id changed), and
 * references of the old calls keep working for commands (they now reach the new call id).
 *
 * It also remembers, per device, which calls it is on and in which state, so after a link loss
 * a SnapshotDevice can be compared with what was known (`reconcile`).
 */
export class CallRegistry {
  private readonly calls = new Map<string, CallEntry>();
  /** Reference → the PBX call id it designates now (follows merges). */
  private readonly byRef = new Map<string, string>();
  private lastMint = 0;
  private seqCounter = 0;

  constructor(
    private readonly linkId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Increases with every event observed: `reconcile` uses it to tell old knowledge from new. */
  get seq(): number {
    return this.seqCounter;
  }

  /**
   * Reference of the call with this id as `device` knows it, minting one for a call not seen
   * yet. An ended call keeps its reference for the clearing events that trail it, until an event
   * that opens a call (`opensCall`) reuses the id for a new one.
   */
  refOf(c: ConnectionId | undefined, opensCall = false, device?: string): string | undefined {
    if (!c?.callId) return undefined;
    const known = this.calls.get(c.callId);
    if (known?.endedAt !== undefined && opensCall && known.divertedAway && this.now() - known.endedAt < ENDED_KEPT_MS) {
      // Diverted away then reaching a monitored device again (queue → member): the same call.
      known.endedAt = known.endSeq = undefined;
      known.divertedAway = false;
    }
    if (known && !(known.endedAt !== undefined && opensCall)) {
      return (device !== undefined ? known.parties.get(device)?.ref : undefined) ?? known.ref;
    }
    return this.mint(c.callId).ref;
  }

  /** The PBX call id an active call reference of this link designates now. */
  callIdOf(ref: string): string | undefined {
    const callId = this.byRef.get(ref);
    return callId !== undefined && this.calls.get(callId)?.endedAt === undefined ? callId : undefined;
  }

  /**
   * Follows which monitored devices are on each call and in which state, after the event was
   * translated; the call ends at CallCleared or when the last monitored device leaves it.
   * Transfers and conferences go through `merge` instead.
   */
  track(e: CstaEvent, device: string): void {
    const seq = ++this.seqCounter;
    if (e.type === 'TransferedEvent' || e.type === 'ConferencedEvent' || e.type === 'ForwardingEvent' || e.type === 'DoNotDisturbEvent') return;
    const callId = callIdIn(e);
    if (!callId) return;
    const entry = this.calls.get(callId);
    if (!entry || entry.endedAt !== undefined) return;
    if (e.type === 'CallClearedEvent') return this.end(entry, seq);
    const leaves =
      (e.type === 'ConnectionClearedEvent' && (!e.releasingDevice || e.releasingDevice === device)) ||
      (e.type === 'DivertedEvent' && e.divertingDevice === device) ||
      e.localConnectionInfo === 'null';
    if (e.type === 'ConnectionClearedEvent' && !leaves) return;
    const party = entry.parties.get(device) ?? { ref: entry.ref, active: true, seq };
    party.seq = seq;
    if (leaves) {
      party.active = false;
      party.state = 'null';
    } else {
      party.active = true;
      if (e.localConnectionInfo !== undefined) party.state = e.localConnectionInfo;
      if (e.type === 'EstablishedEvent') party.established = true;
    }
    entry.parties.set(device, party);
    if (leaves && ![...entry.parties.values()].some((p) => p.active)) {
      this.end(entry, seq);
      if (e.type === 'DivertedEvent') entry.divertedAway = true;
    }
  }

  /**
   * A transfer or a conference seen by `device`: applies the call-id change once (the first
   * monitored party to report it), then tells which references this device's events carry.
   */
  merge(e: TransferedEvent | ConferencedEvent, device: string): { outputs: MergeOutput[]; previousRefs: string[] } {
    const seq = ++this.seqCounter;
    const list = e.type === 'TransferedEvent' ? e.transferredConnections : e.conferenceConnections;
    const olds = [...new Set([e.primaryOldCall.callId, e.secondaryOldCall?.callId].filter((id): id is string => !!id))];
    const newCallId = list.find((c) => c.newConnection?.deviceId === device)?.newConnection?.callId ?? list.find((c) => c.newConnection?.callId)?.newConnection?.callId ?? olds[0]!;
    const controller = e.type === 'TransferedEvent' ? e.transferringDevice : e.conferencingDevice;

    // Old references, as known before the merge (a later copy of the event finds them unchanged).
    const oldEntries = olds.map((id) => this.calls.get(id) ?? this.mint(id));
    const previousRefs = [...new Set(oldEntries.map((o) => o.ref))];
    const myOldRefs = [...new Set(oldEntries.map((o) => o.parties.get(device)?.ref).filter((r): r is string => !!r))];

    let target = this.calls.get(newCallId);
    const alreadyMerged = target !== undefined && oldEntries.every((o) => o.callId === newCallId || o.mergedInto === newCallId);
    if (!alreadyMerged) {
      if (!target || (target.endedAt !== undefined && !olds.includes(newCallId))) {
        target = { callId: newCallId, ref: oldEntries[0]!.ref, parties: new Map() };
        this.calls.set(newCallId, target);
      }
      for (const old of oldEntries) {
        if (old.callId === newCallId) continue;
        for (const [d, p] of old.parties) if (p.active && !target.parties.has(d)) target.parties.set(d, { ...p, seq });
        old.mergedInto = newCallId;
        old.endedAt ??= this.now();
        old.endSeq ??= seq;
        // References of the old calls keep working for commands: they now reach the new id.
        this.byRef.set(old.ref, newCallId);
      }
      this.byRef.set(target.ref, newCallId);
      if (e.type === 'TransferedEvent' && controller) {
        const p = target.parties.get(controller);
        if (p) Object.assign(p, { active: false, state: 'null', seq });
      }
    }
    const t = target!;

    const leaving = (e.type === 'TransferedEvent' && controller === device) || e.localConnectionInfo === 'null';
    let outputs: MergeOutput[];
    if (leaving) {
      const p = t.parties.get(device);
      if (p) Object.assign(p, { active: false, state: 'null', seq });
      outputs = (myOldRefs.length ? myOldRefs : [t.ref]).map((ref) => ({ ref, localState: 'null' as const }));
    } else {
      let p = t.parties.get(device);
      if (!p) {
        p = { ref: myOldRefs[0] ?? t.ref, active: true, seq };
        t.parties.set(device, p);
      }
      Object.assign(p, { active: true, seq, ...(e.localConnectionInfo !== undefined ? { state: e.localConnectionInfo } : {}) });
      outputs = [
        { ref: p.ref, localState: e.localConnectionInfo },
        // The conferencing device's other leg is merged away: its row (if any) ends.
        ...myOldRefs.filter((r) => r !== p.ref).map((ref) => ({ ref, localState: 'null' as const })),
      ];
    }
    // Only the transferring device was monitored: nobody is left to follow the new call.
    if (![...t.parties.values()].some((p) => p.active)) this.end(t, seq);
    return { outputs, previousRefs };
  }

  /** Calls the device is on, as known (for resynchronization and device states). */
  activeCallsOf(device: string): { callId: string; ref: string; state?: LocalConnectionState }[] {
    const out: { callId: string; ref: string; state?: LocalConnectionState }[] = [];
    for (const entry of this.calls.values()) {
      if (entry.endedAt !== undefined) continue;
      const p = entry.parties.get(device);
      if (p?.active) out.push({ callId: entry.callId, ref: p.ref, ...(p.state ? { state: p.state } : {}) });
    }
    return out;
  }

  /**
   * After a link loss: compares what the PBX now reports for `device` (SnapshotDevice) with what
   * was known before `sinceSeq` (the registry's `seq` when the snapshot was asked for), and
   * returns the events that bring the call model up to date:
   * - a call the device was on that the snapshot does not list ended meanwhile → callCleared;
   * - a call whose state moved on → established, held or retrieved.
   * Calls that started during the outage are registered (their later events carry a reference)
   * without an event. Knowledge newer than `sinceSeq` (events that raced the snapshot) wins.
   */
  reconcile(device: string, snapshot: { callId: string; state?: LocalConnectionState }[], sinceSeq: number): ResyncOutput[] {
    const out: ResyncOutput[] = [];
    const listed = new Set(snapshot.map((s) => s.callId));
    const seq = ++this.seqCounter;
    for (const entry of [...this.calls.values()]) {
      if (entry.endedAt !== undefined) continue;
      const p = entry.parties.get(device);
      if (!p?.active || p.seq > sinceSeq || listed.has(entry.callId)) continue;
      Object.assign(p, { active: false, state: 'null', seq });
      out.push({ kind: 'callCleared', ref: p.ref, callId: entry.callId, localState: 'null' });
      if (![...entry.parties.values()].some((x) => x.active)) this.end(entry, seq);
    }
    for (const item of snapshot) {
      let entry = this.calls.get(item.callId);
      if (entry && entry.endedAt !== undefined) {
        // Ended by an event that raced the snapshot: that event is newer, keep it ended.
        if ((entry.endSeq ?? 0) > sinceSeq) continue;
        entry = undefined; // ended long ago: the PBX reuses the id for a call of the outage
      }
      entry ??= this.mint(item.callId);
      const p = entry.parties.get(device);
      if (!p) {
        entry.parties.set(device, { ref: entry.ref, active: true, seq, ...(item.state ? { state: item.state } : {}) });
        continue;
      }
      if (p.seq > sinceSeq || item.state === undefined || p.state === item.state) {
        p.active = true;
        continue;
      }
      const kind = transition(p.state, item.state);
      if (kind) out.push({ kind, ref: p.ref, callId: entry.callId, localState: item.state });
      Object.assign(p, { active: true, state: item.state, seq, ...(kind === 'established' ? { established: true } : {}) });
    }
    return out;
  }

  /**
   * Calls where `device` is connected but never saw the call established: its own side does not
   * tell whether the far end answered meanwhile (an outgoing call), only a SnapshotCall does.
   */
  unestablishedCallsOf(device: string): { callId: string; ref: string }[] {
    const out: { callId: string; ref: string }[] = [];
    for (const entry of this.calls.values()) {
      const p = entry.endedAt === undefined ? entry.parties.get(device) : undefined;
      if (p?.active && p.state === 'connected' && !p.established) out.push({ callId: entry.callId, ref: p.ref });
    }
    return out;
  }

  /** The far end answered (seen in a snapshot): returns the event to publish, once. */
  markEstablished(device: string, callId: string): ResyncOutput | undefined {
    const entry = this.calls.get(callId);
    const p = entry?.endedAt === undefined ? entry?.parties.get(device) : undefined;
    if (!p || p.established) return undefined;
    p.established = true;
    p.seq = ++this.seqCounter;
    return { kind: 'established', ref: p.ref, callId, localState: 'connected' };
  }

  /** Forgets everything (the link is removed). */
  clear(): void {
    this.calls.clear();
    this.byRef.clear();
  }

  /** Calls in progress. */
  get active(): number {
    let n = 0;
    for (const e of this.calls.values()) if (e.endedAt === undefined) n++;
    return n;
  }

  private mint(callId: string): CallEntry {
    const previous = this.calls.get(callId);
    if (previous && this.byRef.get(previous.ref) === callId) this.byRef.delete(previous.ref);
    this.evictEnded();
    // Strictly increasing mint stamps: two calls reusing one id in the same millisecond differ.
    this.lastMint = Math.max(this.now(), this.lastMint + 1);
    const entry: CallEntry = { callId, ref: `${this.linkId}:${callId}.${this.lastMint.toString(36)}`, parties: new Map() };
    this.calls.set(callId, entry);
    this.byRef.set(entry.ref, callId);
    return entry;
  }

  private end(entry: CallEntry, seq: number) {
    if (entry.endedAt !== undefined) return;
    entry.endedAt = this.now();
    entry.endSeq = seq;
    for (const p of entry.parties.values()) p.active = false;
  }

  /** Ended calls are kept a minute for their trailing events, then dropped. */
  private evictEnded() {
    const limit = this.now() - ENDED_KEPT_MS;
    for (const [callId, e] of this.calls) {
      if (e.endedAt !== undefined && e.endedAt < limit) {
        this.calls.delete(callId);
        for (const [ref, id] of this.byRef) if (id === callId || ref === e.ref) this.byRef.delete(ref);
      }
    }
  }
}

/** The normalized event a state change seen only in a snapshot stands for. */
function transition(from: LocalConnectionState | undefined, to: LocalConnectionState): ResyncOutput['kind'] | undefined {
  if (to === 'connected' && (from === 'alerting' || from === 'initiated' || from === 'queued')) return 'established';
  if (to === 'connected' && from === 'hold') return 'retrieved';
  if (to === 'hold') return 'held';
  return undefined;
}

function callIdIn(e: CstaEvent): string | undefined {
  switch (e.type) {
    case 'ServiceInitiatedEvent': return e.initiatedConnection.callId;
    case 'OriginatedEvent': return e.originatedConnection.callId;
    case 'DeliveredEvent': return e.connection.callId;
    case 'EstablishedEvent': return e.establishedConnection.callId;
    case 'HeldEvent': return e.heldConnection.callId;
    case 'RetrievedEvent': return e.retrievedConnection.callId;
    case 'ConnectionClearedEvent': return e.droppedConnection.callId;
    case 'CallClearedEvent': return e.clearedCall.callId;
    case 'DivertedEvent': return e.connection.callId;
    case 'FailedEvent': return e.failedConnection.callId;
    case 'QueuedEvent': return e.queuedConnection.callId;
    case 'TransferedEvent':
    case 'ConferencedEvent': return e.primaryOldCall.callId;
    case 'ForwardingEvent':
    case 'DoNotDisturbEvent': return undefined;
  }
}
