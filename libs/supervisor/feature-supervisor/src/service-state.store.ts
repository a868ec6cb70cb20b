import { hostname } from 'node:os';
import type { KV } from 'nats';
import {
  HEARTBEAT_INTERVAL_MS,
  SERVICE_NAMES,
  SERVICE_STATE_BUCKET,
  ServiceHeartbeats,
  type ServiceHeartbeat,
  type ServiceName,
  type ServiceState,
} from '@tws/contracts';
import type { Messaging } from '@tws/messaging';
import type { Logger } from '@tws/logging';

/**
 * The state of every service as the admin sees it, kept in the NATS KV bucket
 * SERVICE_STATE_BUCKET (key = service name). Fed by the process manager (spawn mode) and by
 * the services' own heartbeats (every mode).
 */
export class ServiceStateStore {
  private kv?: KV;
  private readonly states = new Map<ServiceName, ServiceState>();
  private readonly lastBeat = new Map<ServiceName, ServiceHeartbeat & { at: number }>();
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    /** In spawn mode, process events own starting/stopped/crashed; heartbeats only confirm. */
    private readonly spawnMode: boolean,
    private readonly onReadyBeat: (service: ServiceName) => void = () => undefined,
  ) {}

  async attach(m: Messaging): Promise<void> {
    this.kv = await m.kv(SERVICE_STATE_BUCKET);
    for (const s of this.states.values()) await this.write(s);
    m.subscribe(ServiceHeartbeats, ServiceHeartbeats.pattern, (hb) => this.onHeartbeat(hb));
    if (!this.spawnMode) {
      this.sweeper = setInterval(() => this.sweep(), HEARTBEAT_INTERVAL_MS);
      this.sweeper.unref();
    }
  }

  detach() {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  update(state: ServiceState): void {
    this.states.set(state.service, state);
    void this.write(state);
  }

  list(): ServiceState[] {
    return SERVICE_NAMES.map((n) => this.states.get(n)).filter((s): s is ServiceState => s !== undefined);
  }

  get(name: ServiceName): ServiceState | undefined {
    return this.states.get(name);
  }

  private onHeartbeat(hb: ServiceHeartbeat) {
    this.lastBeat.set(hb.service, { ...hb, at: Date.now() });
    if (hb.ready) this.onReadyBeat(hb.service);
    if (this.spawnMode) return;
    const current = this.states.get(hb.service);
    const state = hb.ready ? 'running' : 'starting';
    if (current?.state !== state || current.pid !== hb.pid) {
      this.update({ service: hb.service, state, pid: hb.pid, restarts: current?.restarts ?? 0, since: new Date().toISOString(), host: hb.host });
    }
  }

  /** Container mode: a service silent for three heartbeats is reported stopped. */
  private sweep() {
    const now = Date.now();
    for (const [name, beat] of this.lastBeat) {
      const current = this.states.get(name);
      if (now - beat.at > 3 * HEARTBEAT_INTERVAL_MS && current && current.state !== 'stopped') {
        this.update({ ...current, state: 'stopped', lastError: `no heartbeat since ${new Date(beat.at).toISOString()}`, since: new Date().toISOString(), host: hostname() });
      }
    }
  }

  private async write(s: ServiceState) {
    if (!this.kv) return;
    try {
      await this.kv.put(s.service, JSON.stringify(s));
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, service: s.service }, 'cannot publish service state');
    }
  }
}
