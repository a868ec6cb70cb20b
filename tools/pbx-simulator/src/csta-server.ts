import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  CSTA_NAMESPACES,
  CstaFrameDecoder,
  EVENT_INVOKE_ID,
  InvokeIdAllocator,
  cstaError,
  decodeMessage,
  editionFromNamespace,
  encodeFrame,
  encodeMessage,
  type ConnectionId,
  type CstaEdition,
  type CstaEvent,
  type CstaEventBody,
  type CstaFrame,
  type KnownCstaMessage,
  type CstaMessage,
} from '@tws/csta';
import { PbxError, isDialable, type PbxModel } from './pbx-model';
import type { RequestLog } from './request-log';
import type { SimLogger } from './sim-log';

/**
 * How the link is kept alive:
 * - `ecma354`: the application opens an ECMA-354 session and refreshes it with
 *   ResetApplicationSessionTimer; a session not refreshed in time is closed (with the link);
 * - `switch-driven`: no session; the switch sends SystemStatus every `heartbeatMs` and closes
 *   the link after two unanswered ones (OpenScape Voice, OmniPCX Office style).
 */
export const SESSION_STYLES = ['ecma354', 'switch-driven'] as const;
export type SessionStyle = (typeof SESSION_STYLES)[number];

export interface CstaServerOptions {
  model: PbxModel;
  requestLog: RequestLog;
  log: SimLogger;
  host: string;
  port: number;
  /** Edition used until a session negotiates another one. */
  edition: CstaEdition;
  /** When set (ecma354), StartApplicationSession must carry these, and other requests need a session. */
  credentials?: { username: string; password: string };
  /** Session duration granted when the client asks for none (seconds). */
  defaultSessionDuration?: number;
  /** Upper bound of a granted session duration (seconds). */
  maxSessionDuration?: number;
  /** Lower bound of a granted session duration (seconds, default 10; tests lower it). */
  minSessionDuration?: number;
  sessionStyle?: SessionStyle;
  /** switch-driven: SystemStatus period (ms, default 30,000). */
  heartbeatMs?: number;
}

/** What the network and the switch do wrong on purpose (fault injection). */
export interface FaultState {
  /** False: keep-alives go unanswered (ecma354) / heartbeats stop (switch-driven). */
  keepAlive: boolean;
  /** Every event is held back this long (order kept). */
  eventDelayMs: number;
  /** Events of one switch action go out in reverse order. */
  reorderEvents: boolean;
  /**
   * False: a hung CTI server — requests are received (and logged) but never answered, keep-alives
   * included; events still flow and the TCP connection stays up.
   */
  answerRequests: boolean;
}

export const MALFORMED_KINDS = ['garbage', 'bad-xml', 'bad-header', 'entity', 'oversized', 'unknown-element'] as const;
export type MalformedKind = (typeof MALFORMED_KINDS)[number];

interface ClientSession {
  id: number;
  socket: Socket;
  remote: string;
  edition: CstaEdition;
  decoder: CstaFrameDecoder;
  sessionId?: string;
  sessionDuration?: number;
  sessionTimer?: NodeJS.Timeout;
  heartbeatTimer?: NodeJS.Timeout;
  /** Invoke ids of SystemStatus heartbeats not answered yet. */
  unansweredHeartbeats: Set<string>;
  heartbeatsAnswered: number;
  heartbeatIds: InvokeIdAllocator;
  /** monitorCrossRefID → device. */
  monitors: Map<string, string>;
}

type Reply = KnownCstaMessage | undefined;

/**
 * The CSTA side of the simulator: ECMA-323 XML over TCP with the 8-byte header, ECMA-354
 * sessions or switch-driven heartbeats, monitors, call control, features, snapshots, event
 * delivery to every monitor of a device, and fault injection.
 */
export class CstaServer {
  private readonly server: Server;
  private readonly clients = new Map<number, ClientSession>();
  /** device → its monitors (client, cross-reference id): delivery does not scan every monitor. */
  private readonly monitorsByDevice = new Map<string, Map<string, ClientSession>>();
  private readonly outbox: { client: ClientSession; event: CstaEvent }[] = [];
  private flushScheduled = false;
  private lastClientId = 0;
  private lastCrossRefId = 0;
  private lastSessionId = 0;
  private readonly unsubscribe: () => void;
  readonly faults: FaultState = { keepAlive: true, eventDelayMs: 0, reorderEvents: false, answerRequests: true };
  /** Delayed event batches still to be sent, so `close()` can cancel them. */
  private readonly delayed = new Set<NodeJS.Timeout>();
  /** Until then (epoch ms) new connections are closed at once: the PBX is unreachable. */
  private refuseUntil = 0;

  constructor(private readonly options: CstaServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.unsubscribe = options.model.onEvent((device, event) => this.deliver(device, event));
  }

  get sessionStyle(): SessionStyle {
    return this.options.sessionStyle ?? 'ecma354';
  }

  /** Starts listening; resolves with the actual port (useful with port 0). */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Closes the listener and every client connection. */
  async close(): Promise<void> {
    this.unsubscribe();
    for (const t of this.delayed) clearTimeout(t);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients.values()) client.socket.destroy();
    await closed;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Clients as the control API lists them. */
  clientList(): { id: number; remote: string; sessionId?: string; edition: CstaEdition; monitors: number; heartbeatsAnswered: number }[] {
    return [...this.clients.values()].map((c) => ({
      id: c.id,
      remote: c.remote,
      ...(c.sessionId ? { sessionId: c.sessionId } : {}),
      edition: c.edition,
      monitors: c.monitors.size,
      heartbeatsAnswered: c.heartbeatsAnswered,
    }));
  }

  /** Number of monitors currently started on `device`, over all clients. */
  monitorCount(device: string): number {
    return this.monitorsByDevice.get(device)?.size ?? 0;
  }

  get totalMonitors(): number {
    let n = 0;
    for (const c of this.clients.values()) n += c.monitors.size;
    return n;
  }

  // -------------------------------------------------------------------------------------------
  // Fault injection

  /**
   * Cuts the TCP connection of every client (or one): monitors are gone, as after a network
   * failure. With `refuseMs`, connections are refused that long (the network stays down);
   * `refuseMs: 0` ends an earlier refusal.
   */
  dropLinks(clientId?: number, refuseMs?: number): number {
    if (refuseMs !== undefined) this.refuseConnections(refuseMs);
    let n = 0;
    for (const c of this.clients.values()) {
      if (clientId !== undefined && c.id !== clientId) continue;
      this.options.log('warn', 'fault injection: dropping the CSTA link', { client: c.id });
      c.socket.destroy();
      // Gone at once (the socket's close event comes later): counts and monitors tell the truth now.
      this.stopMonitors(c);
      this.clients.delete(c.id);
      n++;
    }
    return n;
  }

  /** New connections are closed at once for `ms` (the PBX is unreachable); 0 ends a refusal. */
  refuseConnections(ms: number): void {
    this.refuseUntil = ms > 0 ? Date.now() + ms : 0;
  }

  /** Milliseconds the PBX stays unreachable (0 = it accepts connections). */
  get refusingForMs(): number {
    return Math.max(0, this.refuseUntil - Date.now());
  }

  /** Sends an event of a type no edition defines, on a live monitor (and on a made-up one), to every client or one. */
  sendUnknownEvent(clientId?: number): number {
    let n = 0;
    for (const c of this.clients.values()) {
      if (clientId !== undefined && c.id !== clientId) continue;
      const xref = c.monitors.keys().next().value ?? '0';
      const ns = CSTA_NAMESPACES[c.edition];
      for (const x of [xref, '999999']) {
        this.write(c, encodeFrame(EVENT_INVOKE_ID, `<FutureFeatureEvent xmlns="${ns}"><monitorCrossRefID>${x}</monitorCrossRefID><novelty>1</novelty></FutureFeatureEvent>`));
        n++;
      }
    }
    return n;
  }

  /** Writes a malformed frame to every client, or one. */
  sendMalformed(kind: MalformedKind, clientId?: number): number {
    let n = 0;
    for (const c of this.clients.values()) {
      if (clientId !== undefined && c.id !== clientId) continue;
      this.write(c, malformedFrame(kind, c));
      n++;
    }
    return n;
  }

  // -------------------------------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (Date.now() < this.refuseUntil) {
      socket.on('error', () => undefined);
      socket.destroy();
      return;
    }
    const client: ClientSession = {
      id: ++this.lastClientId,
      socket,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      edition: this.options.edition,
      decoder: new CstaFrameDecoder({
        onError: (e) => this.options.log('warn', 'dropped bytes of a bad CSTA frame', { client: client.id, error: e.message }),
      }),
      unansweredHeartbeats: new Set(),
      heartbeatsAnswered: 0,
      heartbeatIds: new InvokeIdAllocator(),
      monitors: new Map(),
    };
    this.clients.set(client.id, client);
    this.options.log('info', 'CSTA client connected', { client: client.id, remote: client.remote });
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      for (const frame of client.decoder.push(chunk)) this.handleFrame(client, frame);
    });
    socket.on('error', (e) => this.options.log('warn', 'CSTA client socket error', { client: client.id, error: e.message }));
    socket.on('close', () => {
      clearTimeout(client.sessionTimer);
      clearInterval(client.heartbeatTimer);
      this.stopMonitors(client);
      this.clients.delete(client.id);
      this.options.log('info', 'CSTA client disconnected; its monitors are gone', { client: client.id });
    });
    if (this.sessionStyle === 'switch-driven') this.startHeartbeats(client);
  }

  /** Switch-driven link: SystemStatus now and every period; two unanswered ones end the link. */
  private startHeartbeats(client: ClientSession): void {
    const beat = () => {
      if (!this.faults.keepAlive) return;
      if (client.unansweredHeartbeats.size >= 2) {
        this.options.log('warn', 'two SystemStatus heartbeats unanswered: closing the link', { client: client.id });
        client.socket.destroy();
        return;
      }
      const id = client.heartbeatIds.next();
      client.unansweredHeartbeats.add(id);
      this.send(client, id, { type: 'SystemStatus', systemStatus: 'normal' });
    };
    beat();
    client.heartbeatTimer = setInterval(beat, this.options.heartbeatMs ?? 30_000);
    client.heartbeatTimer.unref();
  }

  private handleFrame(client: ClientSession, frame: CstaFrame): void {
    const decoded = decodeMessage(frame.xml);
    if (!decoded.ok) {
      this.options.requestLog.add({ clientId: client.id, invokeId: frame.invokeId, type: 'invalid', error: decoded.error.message, xml: frame.xml });
      this.options.log('warn', 'dropped an undecodable CSTA message', {
        client: client.id,
        invokeId: frame.invokeId,
        error: decoded.error.message,
      });
      return;
    }
    const message = decoded.message;
    if (message.type === 'SystemStatusResponse' && client.unansweredHeartbeats.delete(frame.invokeId)) {
      client.heartbeatIds.release(frame.invokeId);
      client.heartbeatsAnswered++;
      return; // heartbeats answered are not requests: keep them out of the request log
    }
    this.options.requestLog.add({
      clientId: client.id,
      invokeId: frame.invokeId,
      type: message.type === 'unknown' ? message.name : message.type,
      message,
      xml: frame.xml,
    });
    if (!this.faults.answerRequests) return;
    let reply: Reply;
    try {
      reply = this.handle(client, message);
    } catch (e) {
      reply = e instanceof PbxError ? pbxErrorToCsta(e) : undefined;
      if (!reply) {
        this.options.log('error', 'CSTA request handler failed', { client: client.id, type: message.type, error: String(e) });
        reply = cstaError('unspecified', 'generic');
      }
    }
    if (reply) this.send(client, frame.invokeId, reply);
  }

  private handle(client: ClientSession, message: CstaMessage): Reply {
    const { model } = this.options;
    if (message.type === 'StartApplicationSession') return this.startSession(client, message);
    if (message.type === 'SystemStatus') return { type: 'SystemStatusResponse' };
    if (message.type === 'SystemStatusResponse') return undefined;
    if (this.options.credentials && this.sessionStyle === 'ecma354' && client.sessionId === undefined) {
      return cstaError('operation', 'securityViolation');
    }
    const internal = (device: string) => {
      if (!model.isInternal(device)) throw new PbxError('unknownDevice', `device ${device} is not an internal device`);
      return device;
    };
    /** The connection's device and call id ('' = let the switch pick the device's call). */
    const at = (c: ConnectionId) => ({ device: internal(c.deviceId), callId: c.callId || undefined });
    switch (message.type) {
      case 'ResetApplicationSessionTimer': {
        if (!this.faults.keepAlive) return undefined;
        if (message.sessionId !== client.sessionId) {
          return { type: 'ResetApplicationSessionTimerNegResponse', errorCode: 'invalidSessionID' };
        }
        const duration = this.grantDuration(message.requestedSessionDuration);
        this.armSessionTimer(client, duration);
        return { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: duration };
      }
      case 'StopApplicationSession':
        clearTimeout(client.sessionTimer);
        this.stopMonitors(client);
        delete client.sessionId;
        return { type: 'StopApplicationSessionPosResponse' };
      case 'MonitorStart': {
        if (message.deviceObject === undefined) return cstaError('operation', 'invalidObjectType');
        if (!model.isInternal(message.deviceObject)) return cstaError('operation', 'invalidDeviceID');
        const xref = String(++this.lastCrossRefId);
        client.monitors.set(xref, message.deviceObject);
        let byDevice = this.monitorsByDevice.get(message.deviceObject);
        if (!byDevice) this.monitorsByDevice.set(message.deviceObject, (byDevice = new Map()));
        byDevice.set(xref, client);
        return { type: 'MonitorStartResponse', monitorCrossRefId: xref };
      }
      case 'MonitorStop': {
        const device = client.monitors.get(message.monitorCrossRefId);
        if (device === undefined) return cstaError('operation', 'invalidCrossRefID');
        client.monitors.delete(message.monitorCrossRefId);
        this.monitorsByDevice.get(device)?.delete(message.monitorCrossRefId);
        return { type: 'MonitorStopResponse' };
      }
      case 'MakeCall': {
        internal(message.callingDevice);
        const called = message.calledDirectoryNumber.trim();
        if (!isDialable(called) || called === message.callingDevice) return cstaError('operation', 'invalidCalledDevice');
        const call = model.placeCall(message.callingDevice, called, 'makeCall');
        return { type: 'MakeCallResponse', callingDevice: { callId: call.callId, deviceId: message.callingDevice } };
      }
      case 'AnswerCall': {
        const { device, callId } = at(message.callToBeAnswered);
        model.answer(device, callId);
        return { type: 'AnswerCallResponse' };
      }
      case 'ClearConnection': {
        const { callId, deviceId } = message.connectionToBeCleared;
        if (!model.isKnownDevice(deviceId)) return cstaError('operation', 'invalidDeviceID');
        model.clearConnection(deviceId, callId || undefined);
        return { type: 'ClearConnectionResponse' };
      }
      case 'ClearCall':
        model.clearCall(message.callToBeCleared.callId);
        return { type: 'ClearCallResponse' };
      case 'HoldCall': {
        const { device, callId } = at(message.callToBeHeld);
        model.hold(device, callId);
        return { type: 'HoldCallResponse' };
      }
      case 'RetrieveCall': {
        const { device, callId } = at(message.callToBeRetrieved);
        model.retrieve(device, callId);
        return { type: 'RetrieveCallResponse' };
      }
      case 'ConsultationCall': {
        const { device, callId } = at(message.existingCall);
        if (!isDialable(message.consultedDevice)) return cstaError('operation', 'invalidCalledDevice');
        const call = model.consult(device, message.consultedDevice, callId);
        return { type: 'ConsultationCallResponse', initiatedCall: { callId: call.callId, deviceId: device } };
      }
      case 'TransferCall': {
        const device = this.sameDevice(message.heldCall, message.activeCall);
        const call = model.transfer(device, message.heldCall.callId || undefined, message.activeCall.callId || undefined);
        return { type: 'TransferCallResponse', transferredCall: { callId: call.callId, deviceId: '' } };
      }
      case 'SingleStepTransferCall': {
        const { device, callId } = at(message.activeCall);
        if (!isDialable(message.transferredTo)) return cstaError('operation', 'invalidDestination');
        const call = model.singleStepTransfer(device, message.transferredTo, callId);
        return { type: 'SingleStepTransferCallResponse', transferredCall: { callId: call.callId, deviceId: message.transferredTo } };
      }
      case 'ConferenceCall': {
        const device = this.sameDevice(message.heldCall, message.activeCall);
        const call = model.conference(device, message.heldCall.callId || undefined, message.activeCall.callId || undefined);
        return { type: 'ConferenceCallResponse', conferenceCall: { callId: call.callId, deviceId: device } };
      }
      case 'AlternateCall': {
        const device = this.sameDevice(message.heldCall, message.activeCall);
        model.alternate(device, message.heldCall.callId || undefined, message.activeCall.callId || undefined);
        return { type: 'AlternateCallResponse' };
      }
      case 'ReconnectCall': {
        const device = this.sameDevice(message.heldCall, message.activeCall);
        model.reconnect(device, message.heldCall.callId || undefined, message.activeCall.callId || undefined);
        return { type: 'ReconnectCallResponse' };
      }
      case 'DeflectCall': {
        const { device, callId } = at(message.callToBeDiverted);
        if (!isDialable(message.newDestination)) return cstaError('operation', 'invalidDestination');
        model.deflect(device, message.newDestination, callId);
        return { type: 'DeflectCallResponse' };
      }
      case 'SetForwarding': {
        internal(message.device);
        if (message.forwardingType === undefined) return cstaError('operation', 'valueOutOfRange');
        model.setForwarding(message.device, message.forwardingType, message.activateForward, message.forwardDN, message.ringCount);
        return { type: 'SetForwardingResponse' };
      }
      case 'GetForwarding':
        return { type: 'GetForwardingResponse', forwardingList: model.forwardingOf(internal(message.device)) };
      case 'SetDoNotDisturb':
        model.setDoNotDisturb(internal(message.device), message.doNotDisturbOn);
        return { type: 'SetDoNotDisturbResponse' };
      case 'GetDoNotDisturb':
        return { type: 'GetDoNotDisturbResponse', doNotDisturbOn: model.featuresOf(internal(message.device)).doNotDisturb };
      case 'SnapshotDevice': {
        const device = message.snapshotObject;
        return {
          type: 'SnapshotDeviceResponse',
          calls: model.snapshotDevice(device).map((c) => ({ connection: { callId: c.callId, deviceId: device }, localConnectionState: c.state })),
        };
      }
      case 'SnapshotCall':
        return {
          type: 'SnapshotCallResponse',
          parties: model.snapshotCall(message.snapshotObject.callId).map((c) => ({
            deviceOnCall: c.deviceId,
            callIdentifier: { callId: message.snapshotObject.callId, deviceId: c.deviceId },
            localConnectionState: c.state,
          })),
        };
      default:
        // Unknown documents, and responses/events a client has no business sending.
        return cstaError('unspecified', 'unspecified');
    }
  }

  /** Transfer-like requests name two connections of one device. */
  private sameDevice(held: ConnectionId, active: ConnectionId): string {
    if (held.deviceId !== active.deviceId) {
      throw new PbxError('noConnection', `heldCall and activeCall name different devices (${held.deviceId}, ${active.deviceId})`);
    }
    if (!this.options.model.isInternal(held.deviceId)) throw new PbxError('unknownDevice', `device ${held.deviceId} is not an internal device`);
    return held.deviceId;
  }

  private startSession(client: ClientSession, message: Extract<CstaMessage, { type: 'StartApplicationSession' }>): Reply {
    const { credentials } = this.options;
    if (credentials && (message.userName !== credentials.username || message.password !== credentials.password)) {
      this.options.log('warn', 'refused a CSTA session: wrong username or password', { client: client.id, userName: message.userName });
      return { type: 'StartApplicationSessionNegResponse', errorCode: 'invalidApplicationInfo' };
    }
    let actualProtocolVersion: string | undefined;
    let edition = this.options.edition;
    if (message.requestedProtocolVersions.length === 0) {
      actualProtocolVersion = CSTA_NAMESPACES[edition];
    } else {
      for (const version of message.requestedProtocolVersions) {
        const e = editionFromNamespace(version);
        if (e) {
          actualProtocolVersion = version;
          edition = e;
          break;
        }
      }
    }
    if (actualProtocolVersion === undefined) {
      return { type: 'StartApplicationSessionNegResponse', errorCode: 'requestedProtocolVersionNotSupported' };
    }
    const duration = this.grantDuration(message.requestedSessionDuration);
    client.edition = edition;
    client.sessionId = `SIM-${++this.lastSessionId}`;
    this.armSessionTimer(client, duration);
    this.options.log('info', 'CSTA session started', { client: client.id, sessionId: client.sessionId, edition, userName: message.userName });
    return { type: 'StartApplicationSessionPosResponse', sessionId: client.sessionId, actualProtocolVersion, actualSessionDuration: duration };
  }

  private grantDuration(requested: number | undefined): number {
    const max = this.options.maxSessionDuration ?? 3600;
    if (requested === undefined || requested <= 0) return Math.min(this.options.defaultSessionDuration ?? 180, max);
    return Math.min(Math.max(requested, this.options.minSessionDuration ?? 10), max);
  }

  /** ECMA-354: a session not refreshed within its duration ends, and the link with it. */
  private armSessionTimer(client: ClientSession, seconds: number): void {
    clearTimeout(client.sessionTimer);
    client.sessionDuration = seconds;
    client.sessionTimer = setTimeout(() => {
      this.options.log('warn', 'CSTA session expired without ResetApplicationSessionTimer; closing the link', {
        client: client.id,
        sessionId: client.sessionId,
      });
      client.socket.destroy();
    }, seconds * 1000);
    client.sessionTimer.unref();
  }

  private stopMonitors(client: ClientSession): void {
    for (const [xref, device] of client.monitors) this.monitorsByDevice.get(device)?.delete(xref);
    client.monitors.clear();
  }

  private deliver(device: string, event: CstaEventBody): void {
    const monitors = this.monitorsByDevice.get(device);
    if (!monitors || monitors.size === 0) return;
    for (const [xref, client] of monitors) this.outbox.push({ client, event: { ...event, monitorCrossRefId: xref } as CstaEvent });
    // Events go out after the current request's response (written synchronously), as on a real switch.
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.outbox.splice(0);
    if (this.faults.reorderEvents) batch.reverse();
    const send = () => {
      // A monitor stopped after the event was queued still gets it: it was true when it happened.
      for (const { client, event } of batch) this.send(client, EVENT_INVOKE_ID, event);
    };
    if (this.faults.eventDelayMs > 0) {
      const t = setTimeout(() => {
        this.delayed.delete(t);
        send();
      }, this.faults.eventDelayMs);
      this.delayed.add(t);
    } else {
      send();
    }
  }

  private send(client: ClientSession, invokeId: string, message: KnownCstaMessage): void {
    try {
      this.write(client, encodeFrame(invokeId, encodeMessage(message, { edition: client.edition })));
    } catch (e) {
      this.options.log('error', 'could not send a CSTA message', { client: client.id, type: message.type, error: String(e) });
    }
  }

  private write(client: ClientSession, bytes: Buffer): void {
    if (client.socket.destroyed || !client.socket.writable) return;
    client.socket.write(bytes);
  }
}

/** The CSTAErrorCode a real switch answers for each refusal of the model. */
export function pbxErrorToCsta(e: PbxError): KnownCstaMessage {
  switch (e.code) {
    case 'unknownDevice':
      return cstaError('operation', 'invalidDeviceID');
    case 'unknownCall':
      return cstaError('operation', 'invalidCallID');
    case 'noConnection':
      return cstaError('operation', 'invalidConnectionID');
    case 'invalidNumber':
      return cstaError('operation', 'invalidCalledDevice');
    case 'invalidForwarding':
      return cstaError('operation', 'invalidForwardingDestination');
    case 'invalidQueue':
      return cstaError('operation', 'valueOutOfRange');
    case 'invalidState':
      return cstaError('stateIncompatibility', 'invalidObjectState');
  }
}

function malformedFrame(kind: MalformedKind, client: ClientSession): Buffer {
  const ns = CSTA_NAMESPACES[client.edition];
  switch (kind) {
    case 'garbage':
      return Buffer.from('\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03GET / HTTP/1.1\r\n\r\n', 'latin1');
    case 'bad-xml':
      return encodeFrame(EVENT_INVOKE_ID, `<DeliveredEvent xmlns="${ns}"><monitorCrossRefID>1</monitorCrossRefID><connection>`);
    case 'bad-header':
      return Buffer.from([0x00, 0x00, 0x00, 0x04, 0x39, 0x39, 0x39, 0x39]);
    case 'entity':
      return encodeFrame(EVENT_INVOKE_ID, '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><DeliveredEvent>&a;</DeliveredEvent>');
    case 'oversized': {
      // A header that claims more than it carries, then a NUL-free tail: the framer must resync.
      const head = Buffer.from([0x00, 0x00, 0xff, 0xf0, 0x39, 0x39, 0x39, 0x39]);
      return Buffer.concat([head, Buffer.from(`<x>${'y'.repeat(100)}`)]);
    }
    case 'unknown-element':
      return encodeFrame(EVENT_INVOKE_ID, `<SomethingElse xmlns="${ns}"><a>1</a></SomethingElse>`);
  }
}
