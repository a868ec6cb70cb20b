import type { CstaEventBody, LocalConnectionState } from '@tws/csta';

/**
 * The simulated switch: internal devices, calls and their connections, and the ECMA-323 events
 * a real switch reports for each step. It knows nothing about sockets; listeners receive
 * `(device, event)` for every internal device involved, synchronously and in order.
 */

export type SimConnectionState = Extract<LocalConnectionState, 'initiated' | 'alerting' | 'connected'>;

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
  /** In the order the parties joined. */
  connections: SimConnection[];
}

export type PbxErrorCode = 'unknownDevice' | 'unknownCall' | 'noConnection' | 'invalidState' | 'invalidNumber';

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

export class PbxModel {
  private readonly internal: ReadonlySet<string>;
  private readonly activeCalls = new Map<string, SimCall>();
  private readonly listeners = new Set<PbxEventListener>();
  private lastCallId = 0;

  constructor(devices: readonly string[]) {
    for (const d of devices) if (!isDialable(d)) throw new PbxError('invalidNumber', `device "${d}" is not a dialable number`);
    this.internal = new Set(devices);
  }

  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(listener: PbxEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get devices(): string[] {
    return [...this.internal];
  }

  isInternal(device: string): boolean {
    return this.internal.has(device);
  }

  calls(): SimCall[] {
    return [...this.activeCalls.values()];
  }

  call(callId: string): SimCall | undefined {
    return this.activeCalls.get(callId);
  }

  callsOf(device: string): SimCall[] {
    return this.calls().filter((c) => c.connections.some((x) => x.deviceId === device));
  }

  /** Whether the device is internal or currently a party to a call (externals exist only while they call). */
  isKnownDevice(device: string): boolean {
    return this.isInternal(device) || this.callsOf(device).length > 0;
  }

  /**
   * Places a call. From an internal device it is an outgoing call as if dialled on the phone
   * (or by CSTA MakeCall when `cause` is "makeCall"): ServiceInitiated, Originated, Delivered.
   * From anything else it is a call arriving from the network at internal device `to`: Delivered.
   */
  placeCall(from: string, to: string, cause: 'newCall' | 'makeCall' = 'newCall'): SimCall {
    if (!isDialable(from)) throw new PbxError('invalidNumber', `from: "${from}" is not a dialable number`);
    if (!isDialable(to)) throw new PbxError('invalidNumber', `to: "${to}" is not a dialable number`);
    if (from === to) throw new PbxError('invalidNumber', `to: a device cannot call itself (${to})`);
    const fromInternal = this.isInternal(from);
    if (!fromInternal && !this.isInternal(to)) {
      throw new PbxError('unknownDevice', `to: ${to} is not an internal device (a call from the network must reach one of ${this.devices.join(', ')})`);
    }
    const call: SimCall = {
      callId: String(++this.lastCallId),
      callingDevice: from,
      calledDevice: to,
      direction: !fromInternal ? 'incoming' : this.isInternal(to) ? 'internal' : 'outgoing',
      startedAt: new Date(),
      connections: [],
    };
    this.activeCalls.set(call.callId, call);

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
    this.addConnection(call, to, 'alerting');
    this.notify(call, (viewer) => ({
      type: 'DeliveredEvent',
      connection: { callId: call.callId, deviceId: to },
      alertingDevice: to,
      callingDevice: from,
      calledDevice: to,
      lastRedirectionDevice: undefined,
      localConnectionInfo: this.stateOf(call, viewer),
      cause: 'newCall',
    }));
    return call;
  }

  /** Answers the call alerting at `device` (the given call, or the oldest one alerting there). */
  answer(device: string, callId?: string): SimCall {
    const call = this.findCall(device, callId, (c) => c.state === 'alerting', 'no call is alerting at');
    const connection = call.connections.find((c) => c.deviceId === device)!;
    connection.state = 'connected';
    call.answeredAt = new Date();
    this.notify(call, (viewer) => ({
      type: 'EstablishedEvent',
      establishedConnection: { callId: call.callId, deviceId: device },
      answeringDevice: device,
      callingDevice: call.callingDevice,
      calledDevice: call.calledDevice,
      lastRedirectionDevice: undefined,
      localConnectionInfo: this.stateOf(call, viewer),
      cause: 'newCall',
    }));
    return call;
  }

  /**
   * Clears `device`'s connection (hang up). A call left with fewer than two parties is cleared
   * as a whole: ConnectionCleared for the releasing party, then CallCleared.
   */
  clearConnection(device: string, callId?: string): SimCall {
    const call = this.findCall(device, callId, () => true, 'no call at');
    const viewers = this.internalParties(call);
    const index = call.connections.findIndex((c) => c.deviceId === device);
    call.connections.splice(index, 1);
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
  }

  /** Clears the whole call at once (CallCleared to every party). */
  clearCall(callId: string): SimCall {
    const call = this.activeCalls.get(callId);
    if (!call) throw new PbxError('unknownCall', `call ${callId} does not exist`);
    this.endCall(call, this.internalParties(call));
    return call;
  }

  private endCall(call: SimCall, viewers: string[]): void {
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

  private findCall(
    device: string,
    callId: string | undefined,
    accept: (c: SimConnection) => boolean,
    what: string,
  ): SimCall {
    if (callId !== undefined) {
      const call = this.activeCalls.get(callId);
      if (!call) throw new PbxError('unknownCall', `call ${callId} does not exist`);
      const connection = call.connections.find((c) => c.deviceId === device);
      if (!connection) throw new PbxError('noConnection', `device ${device} is not a party to call ${callId}`);
      if (!accept(connection)) throw new PbxError('invalidState', `${what} device ${device} in call ${callId} (it is ${connection.state})`);
      return call;
    }
    if (!this.isKnownDevice(device)) throw new PbxError('unknownDevice', `device ${device} is not an internal device and is in no call`);
    const candidates = this.callsOf(device);
    // Prefer the connected call for a hang up, the oldest otherwise (Map keeps insertion order).
    const pick =
      candidates.find((c) => c.connections.some((x) => x.deviceId === device && x.state === 'connected' && accept(x))) ??
      candidates.find((c) => c.connections.some((x) => x.deviceId === device && accept(x)));
    if (!pick) throw new PbxError('invalidState', `${what} device ${device}`);
    return pick;
  }

  private addConnection(call: SimCall, deviceId: string, state: SimConnectionState): SimConnection {
    const connection = { deviceId, state, internal: this.isInternal(deviceId) };
    call.connections.push(connection);
    return connection;
  }

  private stateOf(call: SimCall, device: string): LocalConnectionState {
    return call.connections.find((c) => c.deviceId === device)?.state ?? 'null';
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
}
