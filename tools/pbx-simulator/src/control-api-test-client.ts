import assert from 'node:assert/strict';
import type { PbxSimulator } from './simulator';

// The simulator's control API as the specs call it (not exported by the tool).

export interface HttpResult {
  status: number;
  body: any;
}

/** A request, with a JSON body (`body`, serialized) or a `raw` one: the status and the JSON answer. */
export async function request(sim: PbxSimulator, method: string, path: string, body?: unknown, raw?: string): Promise<HttpResult> {
  const res = await fetch(`http://127.0.0.1:${sim.httpPort}${path}`, {
    method,
    ...(raw !== undefined || body !== undefined ? { body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  return { status: res.status, body: await res.json() };
}

/** A request with a JSON body (a string is sent as it is). */
export function post(sim: PbxSimulator, path: string, body: unknown = {}, method = 'POST'): Promise<HttpResult> {
  return typeof body === 'string' ? request(sim, method, path, undefined, body) : request(sim, method, path, body);
}

/** A GET: the JSON answer. */
export async function get(sim: PbxSimulator, path: string): Promise<any> {
  return (await request(sim, 'GET', path)).body;
}

/** The control API bound to one simulator. */
export function http(sim: PbxSimulator) {
  return {
    get: (path: string) => request(sim, 'GET', path),
    post: (path: string, body?: unknown) => request(sim, 'POST', path, body),
    postRaw: (path: string, raw: string) => request(sim, 'POST', path, undefined, raw),
    /** POST that must succeed; returns the body. */
    ok: async (path: string, body?: unknown) => {
      const r = await request(sim, 'POST', path, body);
      assert.ok(r.status >= 200 && r.status < 300, `POST ${path} -> ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
  };
}
