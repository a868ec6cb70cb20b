import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ServiceName, ServiceState, ServiceStateName } from '@tws/contracts';
import type { Logger } from '@tws/logging';

export interface ManagedService {
  name: ServiceName;
  /** Entry script (absolute). */
  script: string;
  args?: string[];
  env: Record<string, string>;
  httpPort: number;
}

interface Slot {
  spec: ManagedService;
  child?: ChildProcess;
  state: ServiceStateName;
  restarts: number;
  /** Consecutive quick crashes, for the backoff. */
  crashStreak: number;
  lastError?: string;
  since: string;
  startedAt?: number;
  wanted: boolean;
  restartTimer?: NodeJS.Timeout;
  tail: string[];
  exited?: Promise<void>;
}

/** A service that exits with this code has a bad configuration: restarting would not help. */
const EXIT_CONFIG = 78;
const MAX_BACKOFF_MS = 30_000;
/** Running this long resets the backoff. */
const STABLE_AFTER_MS = 60_000;

/**
 * Starts the services as child processes, restarts a crashed one with exponential backoff,
 * stops them cleanly, and reports every state change.
 */
export class ProcessManager {
  private readonly slots = new Map<ServiceName, Slot>();
  private stopping = false;

  constructor(
    private readonly logger: Logger,
    private readonly logDir: string,
    private readonly onState: (state: ServiceState) => void,
    private readonly options: { logToConsole: boolean; baseBackoffMs?: number } = { logToConsole: false },
  ) {}

  register(spec: ManagedService): void {
    this.slots.set(spec.name, { spec, state: 'stopped', restarts: 0, crashStreak: 0, since: new Date().toISOString(), wanted: false, tail: [] });
  }

  names(): ServiceName[] {
    return [...this.slots.keys()];
  }

  spec(name: ServiceName): ManagedService | undefined {
    return this.slots.get(name)?.spec;
  }

  states(): ServiceState[] {
    return [...this.slots.values()].map((s) => this.stateOf(s));
  }

  state(name: ServiceName): ServiceState | undefined {
    const s = this.slots.get(name);
    return s && this.stateOf(s);
  }

  private stateOf(s: Slot): ServiceState {
    return {
      service: s.spec.name,
      state: s.state,
      pid: s.child?.pid,
      restarts: s.restarts,
      lastError: s.lastError,
      since: s.since,
      host: hostname(),
    };
  }

  private setState(s: Slot, state: ServiceStateName, lastError?: string) {
    s.state = state;
    s.since = new Date().toISOString();
    if (lastError !== undefined) s.lastError = lastError;
    this.onState(this.stateOf(s));
  }

  /** Marks a started service as running (called when it reports ready). */
  markRunning(name: ServiceName): void {
    const s = this.slots.get(name);
    if (s && s.state === 'starting') this.setState(s, 'running');
  }

  start(name: ServiceName): ServiceState {
    const s = this.mustGet(name);
    s.wanted = true;
    if (s.restartTimer) clearTimeout(s.restartTimer);
    s.restartTimer = undefined;
    if (!s.child) this.spawn(s);
    return this.stateOf(s);
  }

  async stop(name: ServiceName): Promise<ServiceState> {
    const s = this.mustGet(name);
    s.wanted = false;
    if (s.restartTimer) clearTimeout(s.restartTimer);
    s.restartTimer = undefined;
    await this.terminate(s);
    if (s.state !== 'stopped') this.setState(s, 'stopped');
    return this.stateOf(s);
  }

  async restart(name: ServiceName): Promise<ServiceState> {
    await this.stop(name);
    const s = this.mustGet(name);
    s.crashStreak = 0;
    return this.start(name);
  }

  /** Stops every service (in reverse start order) and never restarts them again. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.slots.keys()].reverse().map((n) => this.stop(n)));
  }

  private mustGet(name: ServiceName): Slot {
    const s = this.slots.get(name);
    if (!s) throw new Error(`service ${name} is not managed by this supervisor`);
    return s;
  }

  private spawn(s: Slot) {
    const { spec } = s;
    const log: WriteStream = createWriteStream(join(this.logDir, `${spec.name}.log`), { flags: 'a' });
    // A log file that cannot be written (folder removed, disk full) must not take the supervisor down.
    log.on('error', (e) => this.logger.warn({ service: spec.name, err: e.message }, 'cannot write the service log'));
    const child = spawn(process.execPath, [spec.script, ...(spec.args ?? [])], {
      env: { ...spec.env, TWS_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: Ctrl-C reaches the supervisor only, which stops services in order.
      detached: true,
    });
    s.child = child;
    s.startedAt = Date.now();
    s.tail = [];
    this.setState(s, 'starting');
    const keep = (chunk: Buffer) => {
      log.write(chunk);
      if (this.options.logToConsole) process.stdout.write(chunk);
      for (const line of chunk.toString().split('\n')) if (line.trim()) s.tail.push(line);
      if (s.tail.length > 30) s.tail.splice(0, s.tail.length - 30);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    s.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        log.end();
        s.child = undefined;
        resolve();
        this.onExit(s, code, signal);
      });
    });
    child.once('error', (e) => this.logger.error({ service: spec.name, err: e }, 'cannot start service'));
  }

  private onExit(s: Slot, code: number | null, signal: NodeJS.Signals | null) {
    const name = s.spec.name;
    if (!s.wanted || this.stopping) {
      if (s.state !== 'stopped') this.setState(s, 'stopped');
      return;
    }
    const lastError = describeExit(code, signal, s.tail);
    if (code === EXIT_CONFIG) {
      s.wanted = false;
      this.logger.error({ service: name, lastError }, 'service refused its configuration; not restarting it (fix the variable and start it again)');
      this.setState(s, 'crashed', lastError);
      return;
    }
    if (s.startedAt && Date.now() - s.startedAt > STABLE_AFTER_MS) s.crashStreak = 0;
    const delay = Math.min(MAX_BACKOFF_MS, (this.options.baseBackoffMs ?? 1000) * 2 ** s.crashStreak);
    s.crashStreak++;
    s.restarts++;
    this.logger.error({ service: name, lastError, restartInMs: delay, restarts: s.restarts }, 'service crashed, restarting');
    this.setState(s, 'crashed', lastError);
    s.restartTimer = setTimeout(() => {
      s.restartTimer = undefined;
      if (s.wanted && !this.stopping) this.spawn(s);
    }, delay);
  }

  private async terminate(s: Slot) {
    const child = s.child;
    if (!child) return;
    this.setState(s, 'stopping');
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await s.exited;
    clearTimeout(killer);
  }
}

function describeExit(code: number | null, signal: NodeJS.Signals | null, tail: string[]): string {
  const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
  // Prefer the last error-level log line, else the last line.
  const errorLine = [...tail].reverse().find((l) => /"level":"(error|fatal)"|Error|error/.test(l)) ?? tail[tail.length - 1];
  let detail = errorLine ?? '';
  try {
    const parsed = JSON.parse(detail) as { msg?: string; err?: { message?: string } };
    detail = [parsed.msg, parsed.err?.message].filter(Boolean).join(': ');
  } catch {
    /* not JSON */
  }
  return detail ? `${how}: ${detail.slice(0, 500)}` : how;
}
