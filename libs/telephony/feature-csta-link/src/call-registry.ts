import type { ConnectionId, CstaEvent } from '@tws/csta';

/**
 * Call identity on one link. PBXs reuse call ids (snom's are small integers, and every PBX
 * restarts its numbering after a reset), so a call reference is minted the first time a call id
 * is seen and forgotten when the call ends: `<linkId>:<callId>.<mint time base36>`, unique over
 * time and across links, still readable in logs.
 */
export class CallRegistry {
  private readonly refs = new Map<string, { ref: string; devices: Set<string>; endedAt?: number }>();
  private readonly byRef = new Map<string, string>();
  private lastMint = 0;

  constructor(
    private readonly linkId: string,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Reference of the call with this id, minting one for a call not seen yet. An ended call keeps
   * its reference for the clearing events that trail it, until an event that opens a call
   * (`opensCall`) reuses the id for a new one.
   */
  refOf(c: ConnectionId | undefined, opensCall = false): string | undefined {
    if (!c?.callId) return undefined;
    const known = this.refs.get(c.callId);
    if (known && !(known.endedAt !== undefined && opensCall)) return known.ref;
    if (known) this.byRef.delete(known.ref);
    this.evictEnded();
    // Strictly increasing mint stamps: two calls reusing one id in the same millisecond differ.
    this.lastMint = Math.max(this.now(), this.lastMint + 1);
    const ref = `${this.linkId}:${c.callId}.${this.lastMint.toString(36)}`;
    this.refs.set(c.callId, { ref, devices: new Set() });
    this.byRef.set(ref, c.callId);
    return ref;
  }

  /** The PBX call id of an active call reference of this link. */
  callIdOf(ref: string): string | undefined {
    const callId = this.byRef.get(ref);
    return callId !== undefined && this.refs.get(callId)?.endedAt === undefined ? callId : undefined;
  }

  /**
   * Follows which monitored devices are on each call, after the event was translated; the call
   * is forgotten at CallCleared or when the last monitored device leaves it.
   */
  track(e: CstaEvent, device: string): void {
    const callId = callIdIn(e);
    if (!callId) return;
    const entry = this.refs.get(callId);
    if (!entry) return;
    if (e.type === 'CallClearedEvent') return this.forget(callId);
    if (e.type === 'ConnectionClearedEvent' && (!e.releasingDevice || e.releasingDevice === device)) {
      entry.devices.delete(device);
      if (entry.devices.size === 0) this.forget(callId);
      return;
    }
    if (e.type === 'ConnectionClearedEvent') return;
    entry.devices.add(device);
  }

  /** The link was lost: the PBX forgot every call and monitor. */
  clear(): void {
    this.refs.clear();
    this.byRef.clear();
  }

  /** Calls in progress. */
  get active(): number {
    return [...this.refs.values()].filter((e) => e.endedAt === undefined).length;
  }

  private forget(callId: string) {
    const entry = this.refs.get(callId);
    if (entry && entry.endedAt === undefined) entry.endedAt = this.now();
  }

  /** Ended calls are kept a minute for their trailing events, then dropped. */
  private evictEnded() {
    const limit = this.now() - 60_000;
    for (const [callId, e] of this.refs) {
      if (e.endedAt !== undefined && e.endedAt < limit) {
        this.refs.delete(callId);
        this.byRef.delete(e.ref);
      }
    }
  }
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
  }
}
