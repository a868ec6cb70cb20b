import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MALFORMED_KINDS, type CstaServer, type MalformedKind } from './csta-server';
import { PbxError, QUEUE_STRATEGIES, isDialable, type PbxModel, type QueueConfig, type QueueStrategy, type SimCall } from './pbx-model';
import type { RequestLog } from './request-log';
import { ScenarioError, parseScenario } from './scenario';
import type { ScenarioRuns } from './scenario-runner';
import type { SimLogger } from './sim-log';

/**
 * HTTP control API of the simulator: play the phones and the network (place, answer, hold,
 * transfer, conference, forward… calls), inspect calls and devices, read back the CSTA requests
 * the switch received, and inject faults (drop the link, stop keep-alives, delay or reorder
 * events, send unknown events or malformed frames).
 */

export interface ControlApiOptions {
  model: PbxModel;
  requestLog: RequestLog;
  log: SimLogger;
  host: string;
  port: number;
  /** Live figures for /health and /devices. */
  status: () => { cstaPort: number; clients: number; monitorCount: (device: string) => number };
  /** The CSTA side, for /clients and /faults. */
  csta?: CstaServer;
  /** Scenario runs, for /scenarios. */
  scenarios?: ScenarioRuns;
}

/** Short forwarding names accepted by POST /devices/:n/forwarding, beside the ECMA ones. */
const FORWARDING_ALIASES: Record<string, string> = {
  immediate: 'forwardImmediate',
  busy: 'forwardBusy',
  noAnswer: 'forwardNoAns',
  doNotDisturb: 'forwardDND',
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024;
/** A scenario may be long. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

export class ControlApi {
  private readonly server: Server;

  constructor(private readonly options: ControlApiOptions) {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((e: unknown) => this.fail(res, e));
    });
  }

  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator');
    const parts = url.pathname.split('/').filter(Boolean).map(decodePathSegment);
    const method = req.method ?? 'GET';
    const { model } = this.options;
    const at = (pattern: string[], verb: string): boolean =>
      parts.length === pattern.length && pattern.every((p, i) => p === '*' || p === parts[i]) && method === verb;

    if (at(['health'], 'GET')) {
      const s = this.options.status();
      return this.reply(res, 200, {
        status: 'ok',
        cstaPort: s.cstaPort,
        clients: s.clients,
        calls: model.calls().length,
        devices: model.deviceCount,
        ...(this.options.csta ? { monitors: this.options.csta.totalMonitors, sessionStyle: this.options.csta.sessionStyle } : {}),
      });
    }
    if (at(['devices'], 'GET')) {
      const { monitorCount } = this.options.status();
      const first = url.searchParams.get('first');
      const last = url.searchParams.get('last');
      const inRange = (n: string) => (first === null || compareNumbers(n, first) >= 0) && (last === null || compareNumbers(n, last) <= 0);
      return this.reply(res, 200, {
        devices: model.devices.filter(inRange).map((number) => ({
          number,
          monitors: monitorCount(number),
          calls: model.callsOf(number).map((c) => ({
            callId: c.callId,
            state: c.connections.find((x) => x.deviceId === number)!.state,
          })),
        })),
      });
    }
    if (at(['calls'], 'GET')) return this.reply(res, 200, { calls: model.calls().map(callView) });
    if (at(['calls'], 'POST')) {
      const body = await readJson(req);
      const from = requireNumber(body, 'from');
      const to = requireNumber(body, 'to');
      const call = this.pbx(() => model.placeCall(from, to));
      this.options.log('info', 'call placed through the control API', { callId: call.callId, from, to });
      return this.reply(res, 201, { callId: call.callId });
    }
    if (at(['calls', '*', 'hangup'], 'POST')) {
      await readJson(req);
      const call = this.pbx(() => model.clearCall(parts[1]!));
      return this.reply(res, 200, { callId: call.callId });
    }
    if (parts[0] === 'devices' && parts.length === 3 && method === 'POST' && Object.hasOwn(DEVICE_ACTIONS, parts[2]!)) {
      const body = await readJson(req);
      const device = parts[1]!;
      const result = this.pbx(() => DEVICE_ACTIONS[parts[2]!]!(model, device, body));
      this.options.log('info', `control API: ${parts[2]} at ${device}`, { device, ...(result ? { callId: result.callId } : {}) });
      return this.reply(res, 200, result ? { callId: result.callId } : { ok: true });
    }
    if (at(['devices', '*'], 'GET')) {
      const device = parts[1]!;
      if (!model.isKnownDevice(device)) throw new HttpError(404, `device ${device} is not an internal device and is in no call`);
      const { monitorCount } = this.options.status();
      const features = model.isInternal(device) ? model.featuresOf(device) : undefined;
      return this.reply(res, 200, {
        number: device,
        internal: model.isInternal(device),
        monitors: monitorCount(device),
        calls: model.snapshotDevice(device),
        ...(features ? { doNotDisturb: features.doNotDisturb, forwarding: model.forwardingOf(device) } : {}),
      });
    }
    if (at(['clients'], 'GET')) return this.reply(res, 200, { clients: this.options.csta?.clientList() ?? [] });
    if (at(['faults'], 'GET')) return this.reply(res, 200, this.csta().faults);
    if (at(['faults'], 'POST')) {
      const body = await readJson(req);
      const faults = this.csta().faults;
      const keepAlive = optionalBoolean(body, 'keepAlive');
      const reorder = optionalBoolean(body, 'reorderEvents');
      const answerRequests = optionalBoolean(body, 'answerRequests');
      const delay = body['eventDelayMs'];
      if (delay !== undefined && (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 600_000)) {
        throw new HttpError(400, 'eventDelayMs: must be an integer from 0 to 600000');
      }
      if (keepAlive !== undefined) faults.keepAlive = keepAlive;
      if (reorder !== undefined) faults.reorderEvents = reorder;
      if (answerRequests !== undefined) faults.answerRequests = answerRequests;
      if (typeof delay === 'number') faults.eventDelayMs = delay;
      this.options.log('warn', 'fault injection changed', { ...faults });
      return this.reply(res, 200, faults);
    }
    if (at(['faults', 'drop-link'], 'POST')) {
      const body = await readJson(req);
      const clientId = optionalClientId(body);
      const refuseMs = body['refuseMs'];
      if (refuseMs !== undefined && (typeof refuseMs !== 'number' || !Number.isInteger(refuseMs) || refuseMs < 0 || refuseMs > 600_000)) {
        throw new HttpError(400, 'refuseMs: must be an integer from 0 to 600000');
      }
      return this.reply(res, 200, { dropped: this.csta().dropLinks(clientId, refuseMs as number | undefined) });
    }
    if (at(['faults', 'unknown-event'], 'POST')) {
      const body = await readJson(req);
      return this.reply(res, 200, { sent: this.csta().sendUnknownEvent(optionalClientId(body)) });
    }
    if (at(['faults', 'malformed-frame'], 'POST')) {
      const body = await readJson(req);
      const kind = body['kind'] ?? 'garbage';
      if (typeof kind !== 'string' || !(MALFORMED_KINDS as readonly string[]).includes(kind)) {
        throw new HttpError(400, `kind: one of ${MALFORMED_KINDS.join(', ')}`);
      }
      return this.reply(res, 200, { sent: this.csta().sendMalformed(kind as MalformedKind, optionalClientId(body)) });
    }
    if (at(['requests'], 'GET')) {
      const raw = url.searchParams.get('since') ?? '0';
      if (!/^\d+$/.test(raw)) throw new HttpError(400, `since: must be a non-negative integer, got "${raw}"`);
      const { requestLog } = this.options;
      return this.reply(res, 200, { last: requestLog.last, requests: requestLog.since(Number(raw)) });
    }
    if (at(['queues'], 'GET')) {
      const { monitorCount } = this.options.status();
      return this.reply(res, 200, { queues: model.queues().map((q) => ({ ...q, monitors: monitorCount(q.number) })) });
    }
    if (at(['queues'], 'POST')) {
      const config = queueConfig(await readJson(req));
      const existed = model.isQueue(config.number);
      const queue = this.pbx(() => model.setQueue(config));
      this.options.log('info', existed ? 'queue changed through the control API' : 'queue created through the control API', { ...config });
      return this.reply(res, existed ? 200 : 201, queue);
    }
    if (at(['queues', '*'], 'GET')) {
      const queue = model.queue(parts[1]!);
      if (!queue) throw new HttpError(404, `queue ${parts[1]} does not exist`);
      return this.reply(res, 200, { ...queue, monitors: this.options.status().monitorCount(queue.number) });
    }
    if (at(['queues', '*'], 'DELETE')) {
      this.pbx(() => model.removeQueue(parts[1]!));
      return this.reply(res, 200, { ok: true });
    }
    if (at(['queues', '*', 'timeout'], 'POST')) {
      const body = await readJson(req);
      const call = this.pbx(() => model.queueTimeout(parts[1]!, optionalString(body, 'callId')));
      return this.reply(res, 200, { callId: call.callId });
    }
    if (at(['scenarios'], 'POST')) {
      const runs = this.runs();
      let scenario;
      try {
        scenario = parseScenario(await readJson(req, MAX_SCENARIO_BYTES));
      } catch (e) {
        if (e instanceof ScenarioError) throw new HttpError(400, e.message);
        throw e;
      }
      const { id, done } = runs.start(scenario);
      const mode = url.searchParams.get('async');
      if (mode === '1' || mode === 'true') return this.reply(res, 202, { id, running: true });
      return this.reply(res, 200, { id, ...(await done) });
    }
    if (at(['scenarios'], 'GET')) return this.reply(res, 200, { runs: this.runs().list() });
    if (at(['scenarios', '*'], 'GET')) {
      const run = /^\d+$/.test(parts[1]!) ? this.runs().get(Number(parts[1])) : undefined;
      if (!run) throw new HttpError(404, `scenario run ${parts[1]} does not exist`);
      return this.reply(res, 200, run);
    }
    const known = ['health', 'devices', 'calls', 'requests', 'clients', 'faults', 'queues', 'scenarios'].includes(parts[0] ?? '');
    throw new HttpError(known ? 405 : 404, `no route ${method} ${url.pathname}`);
  }

  private runs(): ScenarioRuns {
    if (!this.options.scenarios) throw new HttpError(404, 'no scenario runner attached');
    return this.options.scenarios;
  }

  private csta(): CstaServer {
    if (!this.options.csta) throw new HttpError(404, 'no CSTA server attached');
    return this.options.csta;
  }

  /** Runs a model operation, mapping its errors to HTTP statuses. */
  private pbx<T>(op: () => T): T {
    try {
      return op();
    } catch (e) {
      if (!(e instanceof PbxError)) throw e;
      const status = { unknownDevice: 404, unknownCall: 404, noConnection: 409, invalidState: 409, invalidNumber: 400, invalidForwarding: 400, invalidQueue: 400 }[e.code];
      throw new HttpError(status, e.message);
    }
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (e instanceof HttpError) return this.reply(res, e.status, { error: e.message });
    this.options.log('error', 'control API request failed', { error: String(e) });
    if (!res.headersSent) this.reply(res, 500, { error: 'internal error' });
    else res.destroy();
  }
}

function callView(call: SimCall) {
  return {
    callId: call.callId,
    callingDevice: call.callingDevice,
    calledDevice: call.calledDevice,
    direction: call.direction,
    startedAt: call.startedAt.toISOString(),
    ...(call.answeredAt ? { answeredAt: call.answeredAt.toISOString() } : {}),
    connections: call.connections.map((c) => ({ deviceId: c.deviceId, state: c.state, internal: c.internal })),
  };
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `path segment "${segment}" is not valid percent-encoding`);
  }
}

/** Reads a JSON object body; an empty body is `{}`. */
async function readJson(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new HttpError(413, `body: larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new HttpError(400, `body: invalid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpError(400, 'body: must be a JSON object');
  return value as Record<string, unknown>;
}

function requireNumber(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (value === undefined || value === null || value === '') throw new HttpError(400, `${field}: required (a phone number such as "4001" or "+33155171889")`);
  if (typeof value !== 'string') throw new HttpError(400, `${field}: must be a string, got ${typeof value}`);
  if (!isDialable(value.trim())) throw new HttpError(400, `${field}: "${value}" is not a dialable number (digits, optional leading +, * and #)`);
  return value.trim();
}

function optionalNumber(body: Record<string, unknown>, field: string): string | undefined {
  return body[field] === undefined ? undefined : requireNumber(body, field);
}

function optionalClientId(body: Record<string, unknown>): number | undefined {
  const clientId = body['clientId'];
  if (clientId !== undefined && (typeof clientId !== 'number' || !Number.isInteger(clientId))) throw new HttpError(400, 'clientId: must be an integer');
  return clientId as number | undefined;
}

function optionalBoolean(body: Record<string, unknown>, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw new HttpError(400, `${field}: must be true or false`);
  return value;
}

function requireBoolean(body: Record<string, unknown>, field: string): boolean {
  const value = optionalBoolean(body, field);
  if (value === undefined) throw new HttpError(400, `${field}: required (true or false)`);
  return value;
}

/** POST /queues: {number, members, strategy?, maxWaitMs?, overflow?}. */
function queueConfig(body: Record<string, unknown>): QueueConfig {
  const unknown = Object.keys(body).filter((k) => !['number', 'members', 'strategy', 'maxWaitMs', 'overflow'].includes(k));
  if (unknown.length > 0) throw new HttpError(400, `${unknown[0]}: unknown field (number, members, strategy, maxWaitMs, overflow)`);
  const number = requireNumber(body, 'number');
  const raw = body['members'] ?? [];
  if (!Array.isArray(raw)) throw new HttpError(400, 'members: must be an array of device numbers');
  const members = raw.map((m, i) => {
    if (typeof m !== 'string' || !isDialable(m.trim())) throw new HttpError(400, `members[${i}]: must be a device number`);
    return m.trim();
  });
  const strategy = body['strategy'];
  if (strategy !== undefined && (typeof strategy !== 'string' || !(QUEUE_STRATEGIES as readonly string[]).includes(strategy))) {
    throw new HttpError(400, `strategy: one of ${QUEUE_STRATEGIES.join(', ')}`);
  }
  const maxWaitMs = body['maxWaitMs'];
  if (maxWaitMs !== undefined && (typeof maxWaitMs !== 'number' || !Number.isInteger(maxWaitMs) || maxWaitMs < 0 || maxWaitMs > 86_400_000)) {
    throw new HttpError(400, 'maxWaitMs: must be an integer from 0 to 86400000');
  }
  return {
    number,
    members,
    ...(strategy !== undefined ? { strategy: strategy as QueueStrategy } : {}),
    ...(maxWaitMs !== undefined ? { maxWaitMs: maxWaitMs as number } : {}),
    ...(body['overflow'] !== undefined ? { overflow: requireNumber(body, 'overflow') } : {}),
  };
}

/** Numeric order for numbers of digits, text order otherwise ("4000" < "10000"). */
export function compareNumbers(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

type DeviceAction = (model: PbxModel, device: string, body: Record<string, unknown>) => SimCall | undefined;

/** POST /devices/:number/<action>: what a user does on the phone (or the network does to it). */
const DEVICE_ACTIONS: Record<string, DeviceAction> = {
  answer: (m, d, b) => m.answer(d, optionalString(b, 'callId')),
  hangup: (m, d, b) => m.clearConnection(d, optionalString(b, 'callId')),
  hold: (m, d, b) => m.hold(d, optionalString(b, 'callId')),
  retrieve: (m, d, b) => m.retrieve(d, optionalString(b, 'callId')),
  consult: (m, d, b) => m.consult(d, requireNumber(b, 'to'), optionalString(b, 'callId')),
  transfer: (m, d, b) => m.transfer(d, optionalString(b, 'heldCallId'), optionalString(b, 'activeCallId')),
  conference: (m, d, b) => m.conference(d, optionalString(b, 'heldCallId'), optionalString(b, 'activeCallId')),
  alternate: (m, d, b) => m.alternate(d, optionalString(b, 'heldCallId'), optionalString(b, 'activeCallId')),
  reconnect: (m, d, b) => m.reconnect(d, optionalString(b, 'heldCallId'), optionalString(b, 'activeCallId')),
  'single-step-transfer': (m, d, b) => m.singleStepTransfer(d, requireNumber(b, 'to'), optionalString(b, 'callId')),
  deflect: (m, d, b) => m.deflect(d, requireNumber(b, 'to'), optionalString(b, 'callId')),
  'no-answer': (m, d, b) => m.noAnswer(d, optionalString(b, 'callId')),
  forwarding: (m, d, b) => {
    const raw = b['type'];
    if (typeof raw !== 'string' || raw === '') throw new HttpError(400, `type: required (${Object.keys(FORWARDING_ALIASES).join(', ')} or an ECMA forwarding type)`);
    const type = FORWARDING_ALIASES[raw] ?? raw;
    if (!/^forward[A-Za-z]+$/.test(type)) throw new HttpError(400, `type: "${raw}" is not a forwarding type`);
    const ringCount = b['ringCount'];
    if (ringCount !== undefined && (typeof ringCount !== 'number' || !Number.isInteger(ringCount) || ringCount < 1)) {
      throw new HttpError(400, 'ringCount: must be a positive integer');
    }
    m.setForwarding(d, type, requireBoolean(b, 'on'), optionalNumber(b, 'destination'), ringCount as number | undefined);
    return undefined;
  },
  dnd: (m, d, b) => {
    m.setDoNotDisturb(d, requireBoolean(b, 'on'));
    return undefined;
  },
};

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `${field}: must be a non-empty string`);
  return value;
}
