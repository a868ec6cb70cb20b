import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  CstaFrameDecoder,
  EVENT_INVOKE_ID,
  cstaError,
  decodeMessage,
  editionFromNamespace,
  encodeFrame,
  encodeMessage,
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

export interface CstaServerOptions {
  model: PbxModel;
  requestLog: RequestLog;
  log: SimLogger;
  host: string;
  port: number;
  /** Edition used until a session negotiates another one. */
  edition: CstaEdition;
  /** When set, StartApplicationSession must carry these, and other requests need a session. */
  credentials?: { username: string; password: string };
  /** Session duration granted when the client asks for none (seconds). */
  defaultSessionDuration?: number;
  /** Upper bound of a granted session duration (seconds). */
  maxSessionDuration?: number;
}

interface ClientSession {
  id: number;
  socket: Socket;
  remote: string;
  edition: CstaEdition;
  decoder: CstaFrameDecoder;
  sessionId?: string;
  sessionDuration?: number;
  sessionTimer?: NodeJS.Timeout;
  /** monitorCrossRefID → device. */
  monitors: Map<string, string>;
}

type Reply = KnownCstaMessage | undefined;

/**
 * The CSTA side of the simulator: ECMA-323 XML over TCP with the 8-byte header, ECMA-354
 * sessions, monitors, call control, and event delivery to every monitor of a device.
 */
export class CstaServer {
  private readonly server: Server;
  private readonly clients = new Map<number, ClientSession>();
  private readonly outbox: { client: ClientSession; event: CstaEvent }[] = [];
  private flushScheduled = false;
  private lastClientId = 0;
  private lastCrossRefId = 0;
  private lastSessionId = 0;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: CstaServerOptions) {
    this.server = createServer((socket) => this.accept(socket));
    this.unsubscribe = options.model.onEvent((device, event) => this.deliver(device, event));
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
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const client of this.clients.values()) client.socket.destroy();
    await closed;
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Number of monitors currently started on `device`, over all clients. */
  monitorCount(device: string): number {
    let n = 0;
    for (const client of this.clients.values()) for (const d of client.monitors.values()) if (d === device) n++;
    return n;
  }

  private accept(socket: Socket): void {
    const client: ClientSession = {
      id: ++this.lastClientId,
      socket,
      remote: `${socket.remoteAddress}:${socket.remotePort}`,
      edition: this.options.edition,
      decoder: new CstaFrameDecoder({
        onError: (e) => this.options.log('warn', 'dropped bytes of a bad CSTA frame', { client: client.id, error: e.message }),
      }),
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
      this.clients.delete(client.id);
      this.options.log('info', 'CSTA client disconnected; its monitors are gone', {
        client: client.id,
        monitors: client.monitors.size,
      });
    });
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
    this.options.requestLog.add({
      clientId: client.id,
      invokeId: frame.invokeId,
      type: message.type === 'unknown' ? message.name : message.type,
      message,
      xml: frame.xml,
    });
    let reply: Reply;
    try {
      reply = this.handle(client, message);
    } catch (e) {
      this.options.log('error', 'CSTA request handler failed', { client: client.id, type: message.type, error: String(e) });
      reply = cstaError('unspecified', 'generic');
    }
    if (reply) this.send(client, frame.invokeId, reply);
  }

  private handle(client: ClientSession, message: CstaMessage): Reply {
    const { model } = this.options;
    if (message.type === 'StartApplicationSession') return this.startSession(client, message);
    if (message.type === 'SystemStatus') return { type: 'SystemStatusResponse' };
    if (message.type === 'SystemStatusResponse') return undefined;
    if (this.options.credentials && client.sessionId === undefined) {
      return cstaError('operation', 'securityViolation');
    }
    switch (message.type) {
      case 'ResetApplicationSessionTimer': {
        if (message.sessionId !== client.sessionId) {
          return { type: 'ResetApplicationSessionTimerNegResponse', errorCode: 'invalidSessionID' };
        }
        const duration = this.grantDuration(message.requestedSessionDuration);
        this.armSessionTimer(client, duration);
        return { type: 'ResetApplicationSessionTimerPosResponse', actualSessionDuration: duration };
      }
      case 'StopApplicationSession':
        clearTimeout(client.sessionTimer);
        client.monitors.clear();
        delete client.sessionId;
        return { type: 'StopApplicationSessionPosResponse' };
      case 'MonitorStart': {
        if (message.deviceObject === undefined) return cstaError('operation', 'invalidObjectType');
        if (!model.isInternal(message.deviceObject)) return cstaError('operation', 'invalidDeviceID');
        const xref = String(++this.lastCrossRefId);
        client.monitors.set(xref, message.deviceObject);
        return { type: 'MonitorStartResponse', monitorCrossRefId: xref };
      }
      case 'MonitorStop':
        if (!client.monitors.delete(message.monitorCrossRefId)) return cstaError('operation', 'invalidCrossRefID');
        return { type: 'MonitorStopResponse' };
      case 'MakeCall': {
        if (!model.isInternal(message.callingDevice)) return cstaError('operation', 'invalidDeviceID');
        const called = message.calledDirectoryNumber.trim();
        if (!isDialable(called) || called === message.callingDevice) return cstaError('operation', 'invalidCalledDevice');
        const call = model.placeCall(message.callingDevice, called, 'makeCall');
        return { type: 'MakeCallResponse', callingDevice: { callId: call.callId, deviceId: message.callingDevice } };
      }
      case 'AnswerCall': {
        const { callId, deviceId } = message.callToBeAnswered;
        if (!model.isInternal(deviceId)) return cstaError('operation', 'invalidDeviceID');
        return this.callControl(() => model.answer(deviceId, callId || undefined), { type: 'AnswerCallResponse' });
      }
      case 'ClearConnection': {
        const { callId, deviceId } = message.connectionToBeCleared;
        if (!model.isKnownDevice(deviceId)) return cstaError('operation', 'invalidDeviceID');
        return this.callControl(() => model.clearConnection(deviceId, callId || undefined), { type: 'ClearConnectionResponse' });
      }
      default:
        // Unknown documents, and responses/events a client has no business sending.
        return cstaError('unspecified', 'unspecified');
    }
  }

  private callControl(op: () => unknown, ok: KnownCstaMessage): KnownCstaMessage {
    try {
      op();
      return ok;
    } catch (e) {
      if (!(e instanceof PbxError)) throw e;
      switch (e.code) {
        case 'unknownDevice':
          return cstaError('operation', 'invalidDeviceID');
        case 'unknownCall':
          return cstaError('operation', 'invalidCallID');
        case 'noConnection':
          return cstaError('operation', 'invalidConnectionID');
        case 'invalidNumber':
          return cstaError('operation', 'invalidCalledDevice');
        case 'invalidState':
          return cstaError('stateIncompatibility', 'invalidObjectState');
      }
    }
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
      actualProtocolVersion = `http://www.ecma-international.org/standards/ecma-323/csta/${edition}`;
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
    return Math.min(Math.max(requested, 10), max);
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

  private deliver(device: string, event: CstaEventBody): void {
    for (const client of this.clients.values()) {
      for (const [xref, monitored] of client.monitors) {
        if (monitored === device) this.outbox.push({ client, event: { ...event, monitorCrossRefId: xref } as CstaEvent });
      }
    }
    // Events go out after the current request's response (written synchronously), as on a real switch.
    if (!this.flushScheduled && this.outbox.length > 0) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const { client, event } of this.outbox.splice(0)) {
      // A monitor stopped after the event was queued still gets it: it was true when it happened.
      this.send(client, EVENT_INVOKE_ID, event);
    }
  }

  private send(client: ClientSession, invokeId: string, message: KnownCstaMessage): void {
    if (client.socket.destroyed || !client.socket.writable) return;
    try {
      client.socket.write(encodeFrame(invokeId, encodeMessage(message, { edition: client.edition })));
    } catch (e) {
      this.options.log('error', 'could not send a CSTA message', { client: client.id, type: message.type, error: String(e) });
    }
  }
}
