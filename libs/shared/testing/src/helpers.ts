import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalNatsServer, type LocalNatsServer } from '@tws/messaging';

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a value other than undefined, null or false, or fails after the deadline. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false && v !== null) return v as T;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A private real nats-server with JetStream for one test file (isolated streams and consumers). */
export async function startTestNats(): Promise<LocalNatsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'tws-nats-'));
  const server = await startLocalNatsServer({ port: await freePort(), dataDir: dir });
  const stop = server.stop;
  return {
    ...server,
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.pid`, { force: true });
    },
  };
}
