import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';

export interface LocalNatsServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Thrown when nats-server is not installed, with how to get it. */
export class NatsServerMissingError extends Error {
  constructor() {
    super(
      'nats-server was not found on PATH. Install it (Debian/Ubuntu: apt-get install nats-server; ' +
        'others: https://docs.nats.io/running-a-nats-service/introduction/installation) or set NATS_URL ' +
        'to an existing NATS server with JetStream enabled.',
    );
  }
}

export function findNatsServer(): string | undefined {
  for (const candidate of [process.env['NATS_SERVER_BIN'], 'nats-server', '/usr/sbin/nats-server', '/usr/bin/nats-server']) {
    if (!candidate) continue;
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

/**
 * Starts `nats-server -js` on 127.0.0.1:`port` with its JetStream data under `dataDir`, and
 * resolves once it accepts connections.
 */
export async function startLocalNatsServer(opts: { port: number; dataDir: string; timeoutMs?: number }): Promise<LocalNatsServer> {
  const bin = findNatsServer();
  if (!bin) throw new NatsServerMissingError();
  mkdirSync(opts.dataDir, { recursive: true });
  stopOrphan(`${opts.dataDir}.pid`);
  // Own process group: a Ctrl-C in the terminal reaches the supervisor, which stops NATS after the services.
  const child = spawn(bin, ['-js', '-a', '127.0.0.1', '-p', String(opts.port), '-sd', opts.dataDir, '-P', `${opts.dataDir}.pid`], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nats-server exited (${child.exitCode}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
    if (await canConnect(opts.port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not listen on 127.0.0.1:${opts.port} in time: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${opts.port}`,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
    },
  };
}

export function canConnect(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = tcpConnect({ port, host });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A nats-server left running by a supervisor that was killed hard (its pid file says so). */
function stopOrphan(pidFile: string) {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes('nats-server')) process.kill(pid, 'SIGKILL');
  } catch {
    /* not running */
  }
}
