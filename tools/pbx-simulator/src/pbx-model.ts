import type { CstaEventBody, LocalConnectionState } from '@tws/csta';

/**
 * The simulated switch: internal devices with their features (forwarding, do not disturb),
 * calls and their connections, and the ECMA-269 events a real switch reports for each step.
 * It knows nothing about sockets; listeners receive `(device, event)` for every internal device
 * involved, synchronously and in order.
 *
 * Call ids change the way ECMA-269 allows: a transfer, a single-step transfer and a conference
 * each produce a call with a new id (TransferedEvent / ConferencedEvent list the new and old
 * connections), so the suite has to follow the change.
 *
 * Queues (hunt groups, the guide's phone queues) are internal numbers of their own: a call that
 * reaches one waits there (QueuedEvent, the queue's connection `queued`) and is distributed, in
 * arrival order, to a free member (DivertedEvent at the queue, cause `distributed`, then
 * DeliveredEvent at the member). Distribution runs at the end of every operation, so the events
 * of the step that freed a member come first.
 */

export type SimConnectionState = Extract<LocalConnectionState, 'initiated' | 'alerting' | 'connected' | 'hold' | 'queued' | 'fail'>;

export interface SimConnection {
  deviceId: string;
  state: SimConnectionState;
  internal: boolean;
}

export interface SimCall {
  callId: string;
  callingDevice: string;
  calledDevice: string;
  direction: 'outgoing' | 'incoming' | 'internal';
  startedAt: Date;
  answeredAt?: Date;
  /** The device the call was last diverted from (forwarding, deflection, a queue). */
  lastRedirectionDevice?: string;
  /** The queue that offered the call to the member now alerting (until it answers or the call moves on). */
  offeredBy?: string;
  /** In the order the parties joined. */
  connections: SimConnection[];
}

/** The forwardings the simulated switch applies; other ECMA types are stored and reported, not applied. */
export const SIM_FORWARDING_TYPES = ['forwardImmediate', 'forwardBusy', 'forwardNoAns', 'forwardDND'] as const;
export type SimForwardingType = (typeof SIM_FORWARDING_TYPES)[number];

export interface DeviceFeatures {
  doNotDisturb: boolean;
  /** Active forwardings by ECMA forwarding type. */
  forwarding: Map<string, { destination: string; ringCount?: number }>;
}

export type PbxErrorCode = 'unknownDevice' | 'unknownCall' | 'noConnection' | 'invalidState' | 'invalidNumber' | 'invalidForwarding' | 'invalidQueue';

/**
 * How a queue picks among its free members: `linear` — the first free one in list order (a
 * linear hunt group); `circular` — the first free one after the member offered the previous call.
 */
export const QUEUE_STRATEGIES = ['linear', 'circular'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

export interface QueueConfig {
  /** The queue's own number (monitorable like a device, never a phone). */
  number: string;
  /** Phones the calls are distributed to; may be empty (calls wait, then overflow or fail). */
  members: string[];
  strategy?: QueueStrategy;
  /**
   * Longest wait (ms) before the call overflows (or fails without `overflow`); absent = waits
   * until someone is free or the caller hangs up; 0 = no waiting when no member is free.
   */
  maxWaitMs?: number;
  /** Where a call that waited `maxWaitMs` goes (DivertedEvent cause `overflow`); without it the call fails (`noAvailableAgents`). */
  overflow?: string;
}

/** A queue as the control API shows it: its configuration and its waiting calls, oldest first. */
export interface QueueView extends Required<Pick<QueueConfig, 'number' | 'members' | 'strategy'>> {
  maxWaitMs?: number;
  overflow?: string;
  waiting: { callId: string; callingDevice: string; since: string }[];
}

interface WaitingCall {
  call: SimCall;
  since: Date;
  /** Diversions the call went through before it reached the queue (loop guard). */
  diversions: number;
  timer?: NodeJS.Timeout;
}

interface QueueState extends Omit<QueueView, 'waiting'> {
  /** Waiting calls, oldest first. */
  entries: WaitingCall[];
  /** circular: index of the member to try first. */
  next: number;
}

export class PbxError extends Error {
  constructor(
    readonly code: PbxErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PbxError';
  }
}

export type PbxEventListener = (device: string, event: CstaEventBody) => void;

/** Digits with an optional leading "+", plus * and #: what a phone can dial. */
const DIALABLE = /^\+?[0-9*#]{1,32}$/;

export function isDialable(number: string): boolean {
  return DIALABLE.test(number);
}

/** A forwarding chain longer than this is a loop (4001 → 4002 → 4001 …): the call fails instead. */
const MAX_DIVERSIONS = 5;

export interface PbxModelOptions {
  /**
   * Ring time before "no answer" (ms): the call is forwarded on no answer when that is set,
   * otherwise the caller gives up. 0 (default) rings until someone acts.
   */
  noAnswerMs?: number;
  /** Queues (hunt groups); their numbers must not be devices. */
  queues?: readonly QueueConfig[];
}

export class PbxModel {
  /** Phones and queues: every number the switch owns. */
  private readonly internal: Set<string>;
  private readonly phones: ReadonlySet<string>;
  private readonly queueStates = new Map<string, QueueState>();
  /** Members a call was offered to and did not answer: it goes to the others first. */
  private readonly triedMembers = new Map<string, Set<string>>();
  /** Nesting of public operations: queues distribute when the outermost one ends. */
  private depth = 0;
  private readonly activeCalls = new Map<string, SimCall>();
  /** Calls by party, so finding a device's calls does not scan every call of a large switch. */
  private readonly callsByDevice = new Map<string, Set<string>>();
  private readonly features = new Map<string, DeviceFeatures>();
  private readonly listeners = new Set<PbxEventListener>();
  private readonly noAnswerTimers = new Map<string, NodeJS.Timeout>();
  private lastCallId = 0;

  constructor(
    devices: readonly string[],
    private readonly options: PbxModelOptions = {},
  ) {
    for (const d of devices) if (!isDialable(d)) throw new PbxError('invalidNumber', `device "${d}" is not a dialable number`);
    this.phones = new Set(devices);
    this.internal = new Set(devices);
    for (const q of options.queues ?? []) this.setQueue(q);
  }

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: PbxEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The phones (queues are listed by `queues()`). */
  get devices(): string[] {
    return [...this.phones];
  }

  get deviceCount(): number {
    return this.phones.size;
  }

  /** A phone or a queue of this switch (both can be monitored). */
  isInternal(device: string): boolean {
    return this.internal.has(device);
  }

  isQueue(device: string): boolean {
    return this.queueStates.has(device);
  }

  calls(): SimCall[] {
    return [...this.activeCalls.values()];
  }

  call(callId: string): SimCall | undefined {
    return this.activeCalls.get(callId);
  }

  callsOf(device: string): SimCall[] {
    const ids = this.callsByDevice.get(device);
    return ids ? [...ids].map((id) => this.activeCalls.get(id)!).filter(Boolean) : [];
  }

  /** Whether the device is internal or currently a party to a call (externals exist only while they call). */
  isKnownDevice(device: string): boolean {
    return this.isInternal(device) || this.callsOf(device).length > 0;
  }

  /** A device with any connection (ringing, talking, holding, failed) is busy for a new call. */
  isBusy(device: string): boolean {
    return this.callsOf(device).length > 0;
  }

  featuresOf(device: string): DeviceFeatures {
    this.requireInternal(device);
    let f = this.features.get(device);
    if (!f) {
      f = { doNotDisturb: false, forwarding: new Map() };
      this.features.set(device, f);
    }
    return f;
  }

  /** Stops the no-answer and queue timers (the simulator is shutting down). */
  dispose(): void {
    for (const t of this.noAnswerTimers.values()) clearTimeout(t);
    this.noAnswerTimers.clear();
    for (const q of this.queueStates.values()) for (const w of q.entries) clearTimeout(w.timer);
  }

  // -------------------------------------------------------------------------------------------
  // Queues

  /**
   * Creates or reconfigures a queue. Calls already waiting keep their place (and their max-wait
   * timer); new members get calls at once if they are free.
   */
  setQueue(config: QueueConfig): QueueView {
    return this.run(() => {
      const { number } = config;
      if (!isDialable(number)) throw new PbxError('invalidQueue', `number: "${number}" is not a dialable number`);
      if (this.phones.has(number)) throw new PbxError('invalidQueue', `number: ${number} is a device, not a free number for a queue`);
      const members = [...config.members];
      for (const m of members) {
        if (!this.phones.has(m)) throw new PbxError('invalidQueue', `members: ${m} is not a device of the switch (queue ${number})`);
      }
      if (new Set(members).size !== members.length) throw new PbxError('invalidQueue', `members: a device is listed twice (queue ${number})`);
      const strategy = config.strategy ?? 'linear';
      if (!(QUEUE_STRATEGIES as readonly string[]).includes(strategy)) {
        throw new PbxError('invalidQueue', `strategy: "${strategy}" is not one of ${QUEUE_STRATEGIES.join(', ')}`);
      }
      const { maxWaitMs, overflow } = config;
      if (maxWaitMs !== undefined && (!Number.isInteger(maxWaitMs) || maxWaitMs < 0 || maxWaitMs > 86_400_000)) {
        throw new PbxError('invalidQueue', `maxWaitMs: must be an integer from 0 to 86400000 (queue ${number})`);
      }
      if (overflow !== undefined && (!isDialable(overflow) || overflow === number)) {
        throw new PbxError('invalidQueue', `overflow: "${overflow}" is not a dialable number other than the queue (queue ${number})`);
      }
      const existing = this.queueStates.get(number);
      const state: QueueState = {
        number,
        members,
        strategy,
        ...(maxWaitMs !== undefined ? { maxWaitMs } : {}),
        ...(overflow !== undefined ? { overflow } : {}),
        entries: existing?.entries ?? [],
        next: 0,
      };
      this.queueStates.set(number, state);
      this.internal.add(number);
      return this.queueView(state);
    });
  }

  /** Deletes a queue that has no call. */
  removeQueue(number: string): void {
    const queue = this.queueStates.get(number);
    if (!queue) throw new PbxError('unknownDevice', `queue ${number} does not exist`);
    if (this.callsOf(number).length > 0) throw new PbxError('invalidState', `queue ${number} still has calls`);
    this.queueStates.delete(number);
    this.internal.delete(number);
    this.features.delete(number);
  }

  queues(): QueueView[] {
    return [...this.queueStates.values()].map((q) => this.queueView(q));
  }

  queue(number: string): QueueView | undefined {
    const q = this.queueStates.get(number);
    return q ? this.queueView(q) : undefined;
  }

  /**
   * The max wait of a call waiting in `queue` runs out (the given call, or the oldest one): it
   * overflows to the queue's overflow destination, or fails with cause `noAvailableAgents`.
   */
  queueTimeout(queue: string, callId?: string): SimCall {
    return this.run(() => {
      const q = this.queueStates.get(queue);
      if (!q) throw new PbxError('unknownDevice', `queue ${queue} does not exist`);
      const entry = callId === undefined ? q.entries[0] : q.entries.find((w) => w.call.callId === callId);
      if (!entry) throw new PbxError('invalidState', callId === undefined ? `no call is waiting in queue ${queue}` : `call ${callId} is not waiting in queue ${queue}`);
      this.leaveQueue(q, entry);
      return entry.call;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Basic calls

  /**
   * Places a call. From an internal device it is an outgoing call as if dialled on the phone
   * (or by CSTA MakeCall when `cause` is "makeCall"): ServiceInitiated, Originated, then the
   * destination is reached (Delivered, or Diverted/Failed when it forwards, is busy or in do
   * not disturb). From anything else it is a call arriving from the network at internal `to`.
   */
  placeCall(from: string, to: string, cause: 'newCall' | 'makeCall' | 'consultation' = 'newCall'): SimCall {
    return this.run(() => {
      if (!isDialable(from)) throw new PbxError('invalidNumber', `from: "${from}" is not a dialable number`);
      if (!isDialable(to)) throw new PbxError('invalidNumber', `to: "${to}" is not a dialable number`);
      if (from === to) throw new PbxError('invalidNumber', `to: a device cannot call itself (${to})`);
      if (this.isQueue(from)) throw new PbxError('invalidNumber', `from: ${from} is a queue; a queue does not place calls`);
      const fromInternal = this.isInternal(from);
      if (!fromInternal && !this.isInternal(to)) {
        throw new PbxError('unknownDevice', `to: ${to} is not an internal device (a call from the network must reach one of the ${this.internal.size} internal devices)`);
      }
      const call = this.newCall(from, to, !fromInternal ? 'incoming' : this.isInternal(to) ? 'internal' : 'outgoing');

      if (fromInternal) {
        const caller = this.addConnection(call, from, 'initiated');
        this.notify(call, () => ({
          type: 'ServiceInitiatedEvent',
          initiatedConnection: { callId: call.callId, deviceId: from },
          initiatingDevice: from,
          localConnectionInfo: 'initiated',
          cause,
        }));
        caller.state = 'connected';
        this.notify(call, () => ({
          type: 'OriginatedEvent',
          originatedConnection: { callId: call.callId, deviceId: from },
          callingDevice: from,
          calledDevice: to,
          localConnectionInfo: 'connected',
          cause,
        }));
      } else {
        this.addConnection(call, from, 'connected');
      }
      this.reach(call, to, 'newCall', 0);
      return call;
    });
  }

  /** Answers the call alerting at `device` (the given call, or the oldest one alerting there). */
  answer(device: string, callId?: string): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, (c) => c.state === 'alerting', 'no call is alerting at');
      const connection = this.connectionOf(call, device)!;
      connection.state = 'connected';
      this.cancelNoAnswer(call.callId, device);
      call.answeredAt ??= new Date();
      delete call.offeredBy;
      this.notify(call, (viewer) => ({
        type: 'EstablishedEvent',
        establishedConnection: { callId: call.callId, deviceId: device },
        answeringDevice: device,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
        lastRedirectionDevice: call.lastRedirectionDevice,
        localConnectionInfo: this.stateOf(call, viewer),
        cause: call.lastRedirectionDevice ? 'redirected' : 'newCall',
      }));
      return call;
    });
  }

  /**
   * Clears `device`'s connection (hang up). A call left with fewer than two parties is cleared
   * as a whole: ConnectionCleared for the releasing party, then CallCleared.
   */
  clearConnection(device: string, callId?: string): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, () => true, 'no call at');
      const viewers = this.internalParties(call);
      this.removeConnection(call, device);
      this.notify(
        call,
        (viewer) => ({
          type: 'ConnectionClearedEvent',
          droppedConnection: { callId: call.callId, deviceId: device },
          releasingDevice: device,
          localConnectionInfo: this.stateOf(call, viewer),
          cause: 'normalClearing',
        }),
        viewers,
      );
      if (call.connections.length < 2) this.endCall(call, viewers);
      return call;
    });
  }

  /** Clears the whole call at once (CallCleared to every party). */
  clearCall(callId: string): SimCall {
    return this.run(() => {
      const call = this.activeCalls.get(callId);
      if (!call) throw new PbxError('unknownCall', `call ${callId} does not exist`);
      this.endCall(call, this.internalParties(call));
      return call;
    });
  }

  // -------------------------------------------------------------------------------------------
  // Hold, consultation, transfer, conference

  hold(device: string, callId?: string, cause = 'normal'): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, (c) => c.state === 'connected', 'no connected call to hold at');
      this.connectionOf(call, device)!.state = 'hold';
      this.notify(call, (viewer) => ({
        type: 'HeldEvent',
        heldConnection: { callId: call.callId, deviceId: device },
        holdingDevice: device,
        localConnectionInfo: this.stateOf(call, viewer),
        cause,
      }));
      return call;
    });
  }

  retrieve(device: string, callId?: string, cause = 'normal'): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, (c) => c.state === 'hold', 'no held call to retrieve at');
      this.connectionOf(call, device)!.state = 'connected';
      this.notify(call, (viewer) => ({
        type: 'RetrievedEvent',
        retrievedConnection: { callId: call.callId, deviceId: device },
        retrievingDevice: device,
        localConnectionInfo: this.stateOf(call, viewer),
        cause,
      }));
      return call;
    });
  }

  /**
   * ConsultationCall: holds `device`'s call (unless it is already held) and calls `to` from the
   * same device. Returns the consultation call.
   */
  consult(device: string, to: string, callId?: string): SimCall {
    return this.run(() => {
      this.requireInternal(device);
      const existing = this.findCall(device, callId, (c) => c.state === 'connected' || c.state === 'hold', 'no call to consult from at');
      if (!isDialable(to)) throw new PbxError('invalidNumber', `to: "${to}" is not a dialable number`);
      if (to === device) throw new PbxError('invalidNumber', `to: a device cannot consult itself (${to})`);
      if (this.connectionOf(existing, device)!.state === 'connected') this.hold(device, existing.callId, 'consultation');
      return this.placeCall(device, to, 'consultation');
    });
  }

  /** Held and active call of a device, as transfer, conference, alternate and reconnect need them. */
  heldAndActive(device: string, heldCallId?: string, activeCallId?: string): { held: SimCall; active: SimCall } {
    this.requireInternal(device);
    const held = this.findCall(device, heldCallId, (c) => c.state === 'hold', 'no held call at');
    const active = this.findCall(device, activeCallId, (c) => c.state === 'connected' || c.state === 'initiated', 'no active call at');
    if (held.callId === active.callId) throw new PbxError('invalidState', `the held and the active call of ${device} are the same call ${held.callId}`);
    return { held, active };
  }

  /**
   * TransferCall: the other parties of the held and the active call are joined in a call with a
   * new id; the transferring device leaves both. Every party receives one TransferedEvent.
   */
  transfer(device: string, heldCallId?: string, activeCallId?: string): SimCall {
    return this.run(() => {
      const { held, active } = this.heldAndActive(device, heldCallId, activeCallId);
      const others = [...this.othersOf(held, device), ...this.othersOf(active, device)];
      const transferredTo = this.othersOf(active, device)[0]!.deviceId;
      const transferred = this.othersOf(held, device)[0]!.deviceId;
      const viewers = [...new Set([...this.internalParties(held), ...this.internalParties(active)])];
      const merged = this.replaceCalls([held, active], others, transferred, transferredTo);
      this.notify(
        merged,
        (viewer) => ({
          type: 'TransferedEvent',
          primaryOldCall: { callId: held.callId, deviceId: device },
          secondaryOldCall: { callId: active.callId, deviceId: device },
          transferringDevice: device,
          transferredToDevice: transferredTo,
          transferredConnections: others.map((c) => ({
            newConnection: { callId: merged.callId, deviceId: c.deviceId },
            oldConnection: { callId: this.oldCallOf(c.deviceId, held, active), deviceId: c.deviceId },
          })),
          localConnectionInfo: this.stateOf(merged, viewer),
          cause: 'transfer',
        }),
        viewers,
      );
      return merged;
    });
  }

  /**
   * SingleStepTransferCall: `device` leaves its call and `to` is called in its place, in a call
   * with a new id (TransferedEvent, then `to` is reached like any destination).
   */
  singleStepTransfer(device: string, to: string, callId?: string): SimCall {
    return this.run(() => {
      this.requireInternal(device);
      const call = this.findCall(device, callId, (c) => c.state === 'connected' || c.state === 'hold', 'no call to transfer at');
      if (!isDialable(to)) throw new PbxError('invalidNumber', `to: "${to}" is not a dialable number`);
      const others = this.othersOf(call, device);
      if (others.some((c) => c.deviceId === to) || to === device) throw new PbxError('invalidNumber', `to: ${to} is already in call ${call.callId}`);
      const viewers = this.internalParties(call);
      const kept = others[0]!.deviceId;
      const moved = this.replaceCalls([call], others, kept, to);
      this.notify(
        moved,
        (viewer) => ({
          type: 'TransferedEvent',
          primaryOldCall: { callId: call.callId, deviceId: device },
          transferringDevice: device,
          transferredToDevice: to,
          transferredConnections: others.map((c) => ({
            newConnection: { callId: moved.callId, deviceId: c.deviceId },
            oldConnection: { callId: call.callId, deviceId: c.deviceId },
          })),
          localConnectionInfo: this.stateOf(moved, viewer),
          cause: 'singleStepTransfer',
        }),
        viewers,
      );
      this.reach(moved, to, 'singleStepTransfer', 0);
      return moved;
    });
  }

  /**
   * ConferenceCall: the held and the active call become one call with a new id holding every
   * party; the conferencing device is connected to it. Every party receives a ConferencedEvent.
   */
  conference(device: string, heldCallId?: string, activeCallId?: string): SimCall {
    return this.run(() => {
      const { held, active } = this.heldAndActive(device, heldCallId, activeCallId);
      const others = [...this.othersOf(held, device), ...this.othersOf(active, device)];
      const added = this.othersOf(active, device)[0]!.deviceId;
      const viewers = [...new Set([...this.internalParties(held), ...this.internalParties(active)])];
      const me: SimConnection = { deviceId: device, state: 'connected', internal: true };
      const merged = this.replaceCalls([held, active], [me, ...others], held.callingDevice, held.calledDevice);
      this.notify(
        merged,
        (viewer) => ({
          type: 'ConferencedEvent',
          primaryOldCall: { callId: held.callId, deviceId: device },
          secondaryOldCall: { callId: active.callId, deviceId: device },
          conferencingDevice: device,
          addedParty: added,
          conferenceConnections: merged.connections.map((c) => ({
            newConnection: { callId: merged.callId, deviceId: c.deviceId },
            oldConnection: { callId: c.deviceId === device ? held.callId : this.oldCallOf(c.deviceId, held, active), deviceId: c.deviceId },
          })),
          localConnectionInfo: this.stateOf(merged, viewer),
          cause: 'conference',
        }),
        viewers,
      );
      return merged;
    });
  }

  /** AlternateCall: holds the active call and retrieves the held one. */
  alternate(device: string, heldCallId?: string, activeCallId?: string): SimCall {
    return this.run(() => {
      const { held, active } = this.heldAndActive(device, heldCallId, activeCallId);
      if (this.connectionOf(active, device)!.state !== 'connected') {
        throw new PbxError('invalidState', `the active call ${active.callId} of ${device} is not connected yet`);
      }
      this.hold(device, active.callId, 'alternate');
      return this.retrieve(device, held.callId, 'alternate');
    });
  }

  /** ReconnectCall: clears the active call's connection and retrieves the held call. */
  reconnect(device: string, heldCallId?: string, activeCallId?: string): SimCall {
    return this.run(() => {
      const { held, active } = this.heldAndActive(device, heldCallId, activeCallId);
      this.clearConnection(device, active.callId);
      return this.retrieve(device, held.callId);
    });
  }

  // -------------------------------------------------------------------------------------------
  // Diversion: deflection, forwarding, busy, no answer, do not disturb

  /** DeflectCall: the call ringing at `device` goes to `to` instead. */
  deflect(device: string, to: string, callId?: string): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, (c) => c.state === 'alerting', 'no call is alerting at');
      if (!isDialable(to)) throw new PbxError('invalidNumber', `to: "${to}" is not a dialable number`);
      if (to === device || this.othersOf(call, device).some((c) => c.deviceId === to)) {
        throw new PbxError('invalidNumber', `to: ${to} is already in call ${call.callId}`);
      }
      this.divert(call, device, to, 'redirected', 0);
      return call;
    });
  }

  /**
   * The ring time of the call alerting at `device` runs out: forwarded on no answer when that is
   * on, otherwise the caller gives up (a missed call).
   */
  noAnswer(device: string, callId?: string): SimCall {
    return this.run(() => {
      const call = this.findCall(device, callId, (c) => c.state === 'alerting', 'no call is alerting at');
      this.cancelNoAnswer(call.callId, device);
      const queue = call.offeredBy !== undefined ? this.queueStates.get(call.offeredBy) : undefined;
      if (queue) {
        // A member of a hunt group does not answer: the call goes back to the head of the queue.
        const viewers = this.internalParties(call);
        this.removeConnection(call, device);
        delete call.offeredBy;
        call.lastRedirectionDevice = device;
        this.notify(call, (viewer) => this.diverted(call, device, queue.number, viewer, 'callNotAnswered'), viewers);
        let tried = this.triedMembers.get(call.callId);
        if (!tried) this.triedMembers.set(call.callId, (tried = new Set()));
        tried.add(device);
        this.enqueue(call, queue, 'callNotAnswered', 0, true);
        return call;
      }
      const forward = this.isInternal(device) ? this.featuresOf(device).forwarding.get('forwardNoAns') : undefined;
      if (forward) {
        this.divert(call, device, forward.destination, 'callForwardNoAnswer', 0);
        return call;
      }
      const caller = call.connections.find((c) => c.deviceId !== device);
      return caller ? this.clearConnection(caller.deviceId, call.callId) : this.clearCall(call.callId);
    });
  }

  /** Switches a forwarding on or off, as the phone or CSTA SetForwarding would; ForwardingEvent to the device. */
  setForwarding(device: string, forwardingType: string, on: boolean, destination?: string, ringCount?: number): void {
    this.run(() => {
      const f = this.featuresOf(device);
      if (on) {
        if (destination === undefined || !isDialable(destination)) {
          throw new PbxError('invalidForwarding', `destination: "${destination ?? ''}" is not a dialable number`);
        }
        if (destination === device) throw new PbxError('invalidForwarding', `destination: ${device} cannot forward to itself`);
        f.forwarding.set(forwardingType, { destination, ...(ringCount !== undefined ? { ringCount } : {}) });
      } else {
        f.forwarding.delete(forwardingType);
      }
      this.emit(device, {
        type: 'ForwardingEvent',
        device,
        forwardingType,
        forwardStatus: on,
        ...(on ? { forwardTo: destination } : {}),
        ...(on && ringCount !== undefined ? { ringCount } : {}),
      });
    });
  }

  /** Every forwarding type the switch applies, with its status (what GetForwarding reports). */
  forwardingOf(device: string): { forwardingType: string; forwardStatus: boolean; forwardDN?: string; ringCount?: number }[] {
    const f = this.featuresOf(device);
    const types = [...new Set<string>([...SIM_FORWARDING_TYPES, ...f.forwarding.keys()])];
    return types.map((t) => {
      const on = f.forwarding.get(t);
      return {
        forwardingType: t,
        forwardStatus: on !== undefined,
        ...(on ? { forwardDN: on.destination } : {}),
        ...(on?.ringCount !== undefined ? { ringCount: on.ringCount } : {}),
      };
    });
  }

  setDoNotDisturb(device: string, on: boolean): void {
    this.run(() => {
      this.featuresOf(device).doNotDisturb = on;
      this.emit(device, { type: 'DoNotDisturbEvent', device, doNotDisturbOn: on });
    });
  }

  // -------------------------------------------------------------------------------------------
  // Snapshots

  /** The device's calls and its connection state in each (SnapshotDevice). */
  snapshotDevice(device: string): { callId: string; state: SimConnectionState }[] {
    if (!this.isKnownDevice(device)) throw new PbxError('unknownDevice', `device ${device} is not an internal device and is in no call`);
    return this.callsOf(device).map((c) => ({ callId: c.callId, state: this.connectionOf(c, device)!.state }));
  }

  /** The parties of a call (SnapshotCall). */
  snapshotCall(callId: string): SimConnection[] {
    const call = this.activeCalls.get(callId);
    if (!call) throw new PbxError('unknownCall', `call ${callId} does not exist`);
    return call.connections.map((c) => ({ ...c }));
  }

  // -------------------------------------------------------------------------------------------
  // Internals

  private newCall(callingDevice: string, calledDevice: string, direction: SimCall['direction']): SimCall {
    const call: SimCall = { callId: String(++this.lastCallId), callingDevice, calledDevice, direction, startedAt: new Date(), connections: [] };
    this.activeCalls.set(call.callId, call);
    return call;
  }

  /**
   * Brings the call to `to`: immediate forwarding, do not disturb, busy (with their forwardings)
   * are applied in that order; otherwise `to` alerts.
   */
  private reach(call: SimCall, to: string, cause: string, diversions: number): void {
    if (this.isInternal(to)) {
      const f = this.featuresOf(to);
      const immediate = f.forwarding.get('forwardImmediate');
      if (immediate && diversions < MAX_DIVERSIONS) return this.divert(call, to, immediate.destination, 'callForwardImmediate', diversions);
      if (f.doNotDisturb) {
        const dnd = f.forwarding.get('forwardDND');
        if (dnd && diversions < MAX_DIVERSIONS) return this.divert(call, to, dnd.destination, 'doNotDisturb', diversions);
        return this.fail(call, to, 'doNotDisturb');
      }
      const queue = this.queueStates.get(to);
      if (queue) {
        if (diversions >= MAX_DIVERSIONS) return this.fail(call, to, 'blocked');
        return this.enqueue(call, queue, 'enteringDistribution', diversions);
      }
      if (this.isBusy(to)) {
        const busy = f.forwarding.get('forwardBusy');
        if (busy && diversions < MAX_DIVERSIONS) return this.divert(call, to, busy.destination, 'callForwardBusy', diversions);
        return this.fail(call, to, 'busy');
      }
      if (diversions >= MAX_DIVERSIONS) return this.fail(call, to, 'blocked');
    }
    this.alert(call, to, diversions > 0 ? 'redirected' : cause);
  }

  /** `to` rings: DeliveredEvent. */
  private alert(call: SimCall, to: string, cause: string): void {
    this.addConnection(call, to, 'alerting');
    this.notify(call, (viewer) => ({
      type: 'DeliveredEvent',
      connection: { callId: call.callId, deviceId: to },
      alertingDevice: to,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: call.lastRedirectionDevice,
      localConnectionInfo: this.stateOf(call, viewer),
      cause,
    }));
    this.armNoAnswer(call, to);
  }

  private diverted(call: SimCall, from: string, to: string, viewer: string, cause: string): CstaEventBody {
    return {
      type: 'DivertedEvent',
      connection: { callId: call.callId, deviceId: from },
      divertingDevice: from,
      newDestination: to,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: from,
      localConnectionInfo: this.stateOf(call, viewer),
      cause,
    };
  }

  // Queue internals -----------------------------------------------------------------------------

  /** Runs a public operation; queues distribute once the outermost operation is over. */
  private run<T>(op: () => T): T {
    this.depth++;
    try {
      return op();
    } finally {
      if (--this.depth === 0) this.distribute();
    }
  }

  /** The call waits in `queue`: QueuedEvent to every internal party, the queue included. */
  private enqueue(call: SimCall, queue: QueueState, cause: string, diversions: number, first = false): void {
    const entry: WaitingCall = { call, since: new Date(), diversions };
    if (first) queue.entries.unshift(entry);
    else queue.entries.push(entry);
    this.addConnection(call, queue.number, 'queued');
    this.notify(call, (viewer) => ({
      type: 'QueuedEvent',
      queuedConnection: { callId: call.callId, deviceId: queue.number },
      queue: queue.number,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      numberQueued: queue.entries.length,
      localConnectionInfo: this.stateOf(call, viewer),
      cause,
    }));
    if (queue.maxWaitMs !== undefined && queue.maxWaitMs > 0) {
      entry.timer = setTimeout(() => {
        if (queue.entries.includes(entry)) this.queueTimeout(queue.number, entry.call.callId);
      }, queue.maxWaitMs);
      entry.timer.unref();
    }
  }

  /**
   * Offers waiting calls to free members, oldest call first; with `maxWaitMs: 0`, calls nobody
   * can take leave at once. Repeats while something moved (an overflow may reach another queue).
   */
  private distribute(): void {
    if (this.queueStates.size === 0) return;
    this.depth++;
    try {
      let moved = true;
      for (let round = 0; moved && round < 100; round++) {
        moved = false;
        for (const queue of this.queueStates.values()) {
          while (queue.entries.length > 0) {
            const entry = queue.entries[0]!;
            const member = this.freeMember(queue, entry.call.callId);
            if (member === undefined) break;
            this.offer(queue, entry, member);
            moved = true;
          }
          if (queue.maxWaitMs === 0 && queue.entries.length > 0) {
            for (const entry of [...queue.entries]) this.leaveQueue(queue, entry);
            moved = true;
          }
        }
      }
    } finally {
      this.depth--;
    }
  }

  /** A member with no call and not in do not disturb; members not tried for this call first. */
  private freeMember(queue: QueueState, callId: string): string | undefined {
    const n = queue.members.length;
    if (n === 0) return undefined;
    const start = queue.strategy === 'circular' ? queue.next % n : 0;
    const order = [...queue.members.slice(start), ...queue.members.slice(0, start)];
    const free = order.filter((m) => !this.isBusy(m) && !this.featuresOf(m).doNotDisturb);
    const tried = this.triedMembers.get(callId);
    return free.find((m) => !tried?.has(m)) ?? free[0];
  }

  /** The waiting call leaves the queue for `member`: DivertedEvent (distributed), then DeliveredEvent. */
  private offer(queue: QueueState, entry: WaitingCall, member: string): void {
    const { call } = entry;
    queue.next = queue.members.indexOf(member) + 1;
    const viewers = this.internalParties(call);
    this.removeConnection(call, queue.number);
    call.lastRedirectionDevice = queue.number;
    call.offeredBy = queue.number;
    this.notify(call, (viewer) => this.diverted(call, queue.number, member, viewer, 'distributed'), viewers);
    this.alert(call, member, 'distributed');
  }

  /** The call has waited long enough: to the overflow destination, or it fails. */
  private leaveQueue(queue: QueueState, entry: WaitingCall): void {
    const { call } = entry;
    if (queue.overflow !== undefined) {
      this.divert(call, queue.number, queue.overflow, 'overflow', entry.diversions);
      return;
    }
    const viewers = this.internalParties(call);
    this.removeConnection(call, queue.number);
    for (const c of call.connections) if (c.state === 'connected' || c.state === 'initiated') c.state = 'fail';
    this.notify(
      call,
      (viewer) => ({
        type: 'FailedEvent',
        failedConnection: { callId: call.callId, deviceId: queue.number },
        failingDevice: queue.number,
        callingDevice: call.callingDevice,
        calledDevice: call.calledDevice,
        localConnectionInfo: this.stateOf(call, viewer),
        cause: 'noAvailableAgents',
      }),
      viewers,
    );
    if (this.internalParties(call).length === 0) this.endCall(call, []);
  }

  /** Takes the call out of the queue's waiting list (it left the queue device). */
  private dequeue(callId: string, queueNumber: string): void {
    const queue = this.queueStates.get(queueNumber);
    if (!queue) return;
    const index = queue.entries.findIndex((w) => w.call.callId === callId);
    if (index < 0) return;
    clearTimeout(queue.entries[index]!.timer);
    queue.entries.splice(index, 1);
  }

  private queueView(q: QueueState): QueueView {
    return {
      number: q.number,
      members: [...q.members],
      strategy: q.strategy,
      ...(q.maxWaitMs !== undefined ? { maxWaitMs: q.maxWaitMs } : {}),
      ...(q.overflow !== undefined ? { overflow: q.overflow } : {}),
      waiting: q.entries.map((w) => ({ callId: w.call.callId, callingDevice: w.call.callingDevice, since: w.since.toISOString() })),
    };
  }

  /** The call leaves `from` (alerting there, or not yet: immediate/busy forwarding) for `to`. */
  private divert(call: SimCall, from: string, to: string, cause: string, diversions: number): void {
    const viewers = [...new Set([...this.internalParties(call), ...(this.isInternal(from) ? [from] : [])])];
    if (this.connectionOf(call, from)) {
      this.cancelNoAnswer(call.callId, from);
      this.removeConnection(call, from);
    }
    call.lastRedirectionDevice = from;
    delete call.offeredBy;
    this.notify(call, (viewer) => this.diverted(call, from, to, viewer, cause), viewers);
    this.reach(call, to, cause, diversions + 1);
  }

  /**
   * The destination cannot be reached: FailedEvent to the caller, whose connection stays in the
   * fail state (busy tone) until it hangs up. A caller from the network is simply released.
   */
  private fail(call: SimCall, to: string, cause: string): void {
    for (const c of call.connections) if (c.state === 'connected' || c.state === 'initiated') c.state = 'fail';
    this.notify(call, (viewer) => ({
      type: 'FailedEvent',
      failedConnection: { callId: call.callId, deviceId: to },
      failingDevice: to,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      localConnectionInfo: this.stateOf(call, viewer),
      cause,
    }));
    if (this.internalParties(call).length === 0) this.endCall(call, []);
  }

  private endCall(call: SimCall, viewers: string[]): void {
    for (const c of call.connections) {
      this.cancelNoAnswer(call.callId, c.deviceId);
      this.unindex(call.callId, c.deviceId);
      this.dequeue(call.callId, c.deviceId);
    }
    this.triedMembers.delete(call.callId);
    call.connections = [];
    this.activeCalls.delete(call.callId);
    this.notify(
      call,
      () => ({
        type: 'CallClearedEvent',
        clearedCall: { callId: call.callId, deviceId: '' },
        localConnectionInfo: 'null',
        cause: 'normalClearing',
      }),
      viewers,
    );
  }

  /** Ends `olds` without CallCleared (their ids are replaced) and opens one call holding `connections`. */
  private replaceCalls(olds: SimCall[], connections: SimConnection[], callingDevice: string, calledDevice: string): SimCall {
    for (const old of olds) {
      for (const c of old.connections) {
        this.cancelNoAnswer(old.callId, c.deviceId);
        this.unindex(old.callId, c.deviceId);
      }
      this.activeCalls.delete(old.callId);
    }
    const internalCount = connections.filter((c) => c.internal).length;
    const merged = this.newCall(callingDevice, calledDevice, internalCount === connections.length ? 'internal' : olds[0]!.direction);
    merged.startedAt = olds[0]!.startedAt;
    const answered = olds.map((o) => o.answeredAt).find(Boolean);
    if (answered) merged.answeredAt = answered;
    for (const c of connections) {
      merged.connections.push({ ...c });
      this.index(merged.callId, c.deviceId);
      if (c.state === 'alerting') this.armNoAnswer(merged, c.deviceId);
      // A call waiting in a queue keeps its place under its new id.
      const entry = this.queueStates.get(c.deviceId)?.entries.find((w) => olds.includes(w.call));
      if (entry && c.state === 'queued') entry.call = merged;
    }
    for (const old of olds) this.triedMembers.delete(old.callId);
    return merged;
  }

  private oldCallOf(device: string, held: SimCall, active: SimCall): string {
    return held.connections.some((c) => c.deviceId === device) ? held.callId : active.callId;
  }

  private othersOf(call: SimCall, device: string): SimConnection[] {
    return call.connections.filter((c) => c.deviceId !== device);
  }

  private findCall(device: string, callId: string | undefined, accept: (c: SimConnection) => boolean, what: string): SimCall {
    if (callId !== undefined) {
      const call = this.activeCalls.get(callId);
      if (!call) throw new PbxError('unknownCall', `call ${callId} does not exist`);
      const connection = this.connectionOf(call, device);
      if (!connection) throw new PbxError('noConnection', `device ${device} is not a party to call ${callId}`);
      if (!accept(connection)) throw new PbxError('invalidState', `${what} device ${device} in call ${callId} (it is ${connection.state})`);
      return call;
    }
    if (!this.isKnownDevice(device)) throw new PbxError('unknownDevice', `device ${device} is not an internal device and is in no call`);
    const candidates = this.callsOf(device);
    // Prefer the connected call (a hang up), the oldest otherwise (ids are in creation order).
    const pick =
      candidates.find((c) => c.connections.some((x) => x.deviceId === device && x.state === 'connected' && accept(x))) ??
      candidates.find((c) => c.connections.some((x) => x.deviceId === device && accept(x)));
    if (!pick) throw new PbxError('invalidState', `${what} device ${device}`);
    return pick;
  }

  private requireInternal(device: string): void {
    if (!this.isInternal(device)) throw new PbxError('unknownDevice', `device ${device} is not an internal device`);
  }

  private connectionOf(call: SimCall, device: string): SimConnection | undefined {
    return call.connections.find((c) => c.deviceId === device);
  }

  private addConnection(call: SimCall, deviceId: string, state: SimConnectionState): SimConnection {
    const connection = { deviceId, state, internal: this.isInternal(deviceId) };
    call.connections.push(connection);
    this.index(call.callId, deviceId);
    return connection;
  }

  private removeConnection(call: SimCall, device: string): void {
    this.cancelNoAnswer(call.callId, device);
    this.dequeue(call.callId, device);
    call.connections.splice(
      call.connections.findIndex((c) => c.deviceId === device),
      1,
    );
    this.unindex(call.callId, device);
  }

  private index(callId: string, device: string): void {
    let ids = this.callsByDevice.get(device);
    if (!ids) this.callsByDevice.set(device, (ids = new Set()));
    ids.add(callId);
  }

  private unindex(callId: string, device: string): void {
    const ids = this.callsByDevice.get(device);
    ids?.delete(callId);
    if (ids?.size === 0) this.callsByDevice.delete(device);
  }

  private armNoAnswer(call: SimCall, device: string): void {
    const ms = this.options.noAnswerMs ?? 0;
    if (ms <= 0) return;
    const key = `${call.callId}/${device}`;
    const timer = setTimeout(() => {
      this.noAnswerTimers.delete(key);
      if (this.connectionOf(call, device)?.state === 'alerting' && this.activeCalls.has(call.callId)) this.noAnswer(device, call.callId);
    }, ms);
    timer.unref();
    this.noAnswerTimers.set(key, timer);
  }

  private cancelNoAnswer(callId: string, device: string): void {
    const key = `${callId}/${device}`;
    const timer = this.noAnswerTimers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.noAnswerTimers.delete(key);
    }
  }

  private stateOf(call: SimCall, device: string): LocalConnectionState {
    return this.connectionOf(call, device)?.state ?? 'null';
  }

  private internalParties(call: SimCall): string[] {
    return [...new Set(call.connections.filter((c) => c.internal).map((c) => c.deviceId))];
  }

  private notify(call: SimCall, build: (viewer: string) => CstaEventBody, viewers = this.internalParties(call)): void {
    for (const viewer of viewers) {
      const event = build(viewer);
      for (const listener of this.listeners) listener(viewer, event);
    }
  }

  private emit(device: string, event: CstaEventBody): void {
    for (const listener of this.listeners) listener(device, event);
  }
}
