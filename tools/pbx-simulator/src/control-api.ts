import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PbxError, isDialable, type PbxModel, type SimCall } from './pbx-model';
import type { RequestLog } from './request-log';
import type { SimLogger } from './sim-log';

/**
 * HTTP control API of the simulator: play the phones and the network (place, answer, hang up
 * calls), inspect calls and devices, and read back the CSTA requests the switch received.
 */

export interface ControlApiOptions {
  model: PbxModel;
  requestLog: RequestLog;
  log: SimLogger;
  host: string;
  port: number;
  /** Live figures for /health and /devices. */
  status: () => { cstaPort: number; clients: number; monitorCount: (device: string) => number };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 64 * 1024;

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
      return this.reply(res, 200, { status: 'ok', cstaPort: s.cstaPort, clients: s.clients, calls: model.calls().length });
    }
    if (at(['devices'], 'GET')) {
      const { monitorCount } = this.options.status();
      return this.reply(res, 200, {
        devices: model.devices.map((number) => ({
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
    if (at(['devices', '*', 'answer'], 'POST') || at(['devices', '*', 'hangup'], 'POST')) {
      const body = await readJson(req);
      const callId = optionalString(body, 'callId');
      const device = parts[1]!;
      const call =
        parts[2] === 'answer'
          ? this.pbx(() => model.answer(device, callId))
          : this.pbx(() => model.clearConnection(device, callId));
      return this.reply(res, 200, { callId: call.callId });
    }
    if (at(['requests'], 'GET')) {
      const raw = url.searchParams.get('since') ?? '0';
      if (!/^\d+$/.test(raw)) throw new HttpError(400, `since: must be a non-negative integer, got "${raw}"`);
      const { requestLog } = this.options;
      return this.reply(res, 200, { last: requestLog.last, requests: requestLog.since(Number(raw)) });
    }
    const known = ['health', 'devices', 'calls', 'requests'].includes(parts[0] ?? '');
    throw new HttpError(known ? 405 : 404, `no route ${method} ${url.pathname}`);
  }

  /** Runs a model operation, mapping its errors to HTTP statuses. */
  private pbx(op: () => SimCall): SimCall {
    try {
      return op();
    } catch (e) {
      if (!(e instanceof PbxError)) throw e;
      const status = { unknownDevice: 404, unknownCall: 404, noConnection: 409, invalidState: 409, invalidNumber: 400 }[e.code];
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
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body: larger than ${MAX_BODY_BYTES} bytes`);
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

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new HttpError(400, `${field}: must be a non-empty string`);
  return value;
}
