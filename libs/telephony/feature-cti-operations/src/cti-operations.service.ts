import { Inject, Injectable } from '@nestjs/common';
import {
  CtiDeviceStates,
  CtiPduTrace,
  CtiProviderStates,
  CtiTraceFileChunk,
  instancePresenceSchema,
  LINK_LEASE_BUCKET,
  TRACE_CHUNK_MAX,
  type DeviceState,
  type ProviderState,
  type TraceFile,
} from '@tws/contracts';
import { AdminChanges, type AdminPrincipal } from '@tws/identity-data-access';
import { compareNumbers } from '@tws/link-framework';
import type { Logger } from '@tws/logging';
import { presenceKeyPrefix, RemoteError, type Messaging } from '@tws/messaging';
import { ApiError, NatsService, notFound, TWS_LOGGER } from '@tws/service';
import { TenancyRepository } from '@tws/tenancy-data-access';
import type { DeviceStatesQuery, PduTraceAction } from './cti-operations.schemas';

/** The link service whose instances answer (vtixmlservices joins when its links exist). */
const SERVICE = 'cstaservices';
const ASK_TIMEOUT_MS = 3000;

/** Guide 10.4, one row: the provider state, or what the configuration says when nobody drives the link. */
export type ProviderRow = Omit<ProviderState, 'owner' | 'state'> & {
  state: ProviderState['state'] | 'unowned' | 'disabled';
  /** The cstaservices instance that drives the link; null when none does. */
  owner: string | null;
};

/** Guide 10.5, one row (site, cluster, voicemail: VTI-XML only or not kept, so null on CSTA links). */
export interface DeviceRow {
  device: string;
  site: string | null;
  cluster: string | null;
  provider: string;
  linkId: string;
  voicemail: string | null;
  state: DeviceState['state'];
  type: DeviceState['type'];
  ccos: number | null;
  monitorCrossRefId?: string;
  reason?: string;
  activeCalls: number;
  owner: string;
}

export interface TraceStatus {
  /** Devices traced, union over the instances. */
  tracing: string[];
  instances: { instance: string; tracing: string[]; files: TraceFile[] }[];
}

/**
 * Operations of the CTI links (guide 10.4–10.6) for the admin API: asks every live cstaservices
 * instance (from the link lease bucket) by name and merges, so the answer covers every link
 * whichever instance drives it. Always scoped to one domain the administrator may manage.
 */
@Injectable()
export class CtiOperationsService {
  constructor(
    private readonly nats: NatsService,
    private readonly tenancy: TenancyRepository,
    private readonly changes: AdminChanges,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  private get m(): Messaging {
    return this.nats.current;
  }

  /** Instances of the link service whose presence was renewed lately (a dead one just does not answer). */
  async instances(): Promise<string[]> {
    const kv = await this.m.kv(LINK_LEASE_BUCKET);
    const out: string[] = [];
    const keys: string[] = [];
    for await (const k of await kv.keys(`${presenceKeyPrefix(SERVICE)}>`)) keys.push(k);
    for (const k of keys) {
      const e = await kv.get(k).catch(() => null);
      if (!e || e.operation !== 'PUT') continue;
      const p = instancePresenceSchema.safeParse(safeJson(e.string()));
      // Generous: clocks differ between hosts; a dead instance costs only a no-responders reply.
      if (p.success && Date.now() - Date.parse(p.data.renewedAt) < 3 * p.data.ttlMs) out.push(p.data.instance);
    }
    return out.sort();
  }

  /** `ask` of every live instance; those that do not answer are left out (and logged). */
  private async askAll<T>(ask: (instance: string) => Promise<unknown>): Promise<{ instance: string; result: T }[]> {
    const instances = await this.instances();
    const settled = await Promise.allSettled(instances.map(async (instance) => ({ instance, result: (await ask(instance)) as T })));
    const out: { instance: string; result: T }[] = [];
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') out.push(s.value);
      else this.logger.warn({ instance: instances[i], err: (s.reason as Error).message }, 'a cstaservices instance did not answer');
    });
    return out;
  }

  async providers(domainId: string): Promise<ProviderRow[]> {
    const [links, domain, reports] = await Promise.all([
      this.tenancy.listCstaLinks(domainId),
      this.tenancy.findDomain(domainId),
      this.askAll<{ providers: ProviderState[] }>((i) => this.m.request(CtiProviderStates, [i], { domainId }, ASK_TIMEOUT_MS)),
    ]);
    const byLink = new Map<string, ProviderState>();
    for (const { result } of reports) {
      for (const p of result.providers) {
        // During a takeover two instances may report a link for a moment: the connected one wins.
        const seen = byLink.get(p.linkId);
        if (!seen || (!seen.connected && p.connected)) byLink.set(p.linkId, p);
      }
    }
    return links.map((l): ProviderRow => {
      const p = byLink.get(l.id);
      if (p) return p;
      return {
        linkId: l.id,
        name: l.name,
        protocol: 'CSTA',
        pbxType: l.pbxType,
        host: l.host,
        port: l.port,
        connected: false,
        state: l.enabled ? 'unowned' : 'disabled',
        monitoredDevices: 0,
        capacity: l.capacity,
        overCapacity: 0,
        domainId,
        ...(domain ? { domainName: domain.name } : {}),
        activeCalls: 0,
        ...(l.enabled ? { lastError: 'no cstaservices instance drives this link (none running, or taking it over)' } : {}),
        owner: null,
      };
    });
  }

  async devices(domainId: string, q: DeviceStatesQuery): Promise<{ devices: DeviceRow[]; truncated: boolean }> {
    const [configured, reports] = await Promise.all([
      this.tenancy.listDomainDevices(domainId, 'CSTA'),
      this.askAll<{ devices: DeviceState[]; truncated: boolean }>((i) =>
        this.m.request(CtiDeviceStates, [i], { domainId, limit: q.limit, ...(q.first ? { first: q.first } : {}), ...(q.last ? { last: q.last } : {}) }, ASK_TIMEOUT_MS),
      ),
    ]);
    const ccos = new Map(configured.map((d) => [d.number, d.ccoCount]));
    const rows = new Map<string, DeviceRow>();
    let truncated = false;
    for (const { instance, result } of reports) {
      truncated ||= result.truncated;
      for (const d of result.devices) {
        const key = `${d.linkId}/${d.device}`;
        const seen = rows.get(key);
        if (seen && seen.state === 'connected') continue;
        rows.set(key, {
          device: d.device,
          site: null,
          cluster: null,
          provider: d.provider,
          linkId: d.linkId,
          voicemail: null,
          state: d.state,
          type: d.type,
          ccos: ccos.get(d.device) ?? null,
          ...(d.monitorCrossRefId ? { monitorCrossRefId: d.monitorCrossRefId } : {}),
          ...(d.reason ? { reason: d.reason } : {}),
          activeCalls: d.activeCalls,
          owner: instance,
        });
      }
    }
    const devices = [...rows.values()].sort((a, b) => compareNumbers(a.device, b.device) || (a.linkId < b.linkId ? -1 : 1));
    if (devices.length > q.limit) truncated = true;
    return { devices: devices.slice(0, q.limit), truncated };
  }

  async traceStatus(domainId: string): Promise<TraceStatus> {
    const reports = await this.askAll<{ tracing: string[]; fileDetails?: TraceFile[] }>((i) => this.m.request(CtiPduTrace, [i], { action: 'status', domainId }, ASK_TIMEOUT_MS));
    return toStatus(reports);
  }

  /** Starts or stops the domain's trace on every instance; audited. 503 when no instance answers. */
  async trace(admin: AdminPrincipal, domainId: string, body: PduTraceAction): Promise<TraceStatus> {
    const companyId = await this.changes.companyOf(admin, domainId);
    const reports = await this.askAll<{ tracing: string[]; fileDetails?: TraceFile[] }>((i) =>
      this.m.request(CtiPduTrace, [i], { action: body.action, device: body.device, domainId }, ASK_TIMEOUT_MS),
    );
    if (reports.length === 0) throw new ApiError(503, 'unavailable', 'no cstaservices instance answered: the PDU trace was not changed');
    const status = toStatus(reports);
    await this.changes.changed(admin, {
      companyId,
      action: 'update',
      entity: 'pdu-trace',
      entityId: domainId,
      after: { action: body.action, device: body.device, tracing: status.tracing, instances: reports.map((r) => r.instance) },
    });
    return status;
  }

  async files(domainId: string): Promise<(TraceFile & { instance: string })[]> {
    const status = await this.traceStatus(domainId);
    return status.instances.flatMap((i) => i.files.map((f) => ({ instance: i.instance, ...f })));
  }

  /**
   * Reads a trace file of one instance in chunks over NATS: `open` returns its size and an
   * iterator of the chunks (the first already read, so a missing file is a 404 before any byte).
   */
  async openFile(domainId: string, instance: string, name: string): Promise<{ size: number; chunks: AsyncGenerator<Buffer> }> {
    if (!(await this.instances()).includes(instance)) throw notFound(`cstaservices instance ${instance}`);
    const read = async (offset: number, length = TRACE_CHUNK_MAX) => {
      try {
        return (await this.m.request(CtiTraceFileChunk, [instance], { domainId, name, offset, length }, ASK_TIMEOUT_MS * 2)) as { data: string; size: number; eof: boolean };
      } catch (e) {
        if (e instanceof RemoteError && e.code === 'not_found') throw notFound(`trace file ${name} on ${instance}`);
        throw e;
      }
    };
    const first = await read(0);
    async function* chunks(): AsyncGenerator<Buffer> {
      let chunk = first;
      let offset = 0;
      for (;;) {
        const data = Buffer.from(chunk.data, 'base64');
        if (data.length) yield data;
        offset += data.length;
        // The file may grow while a trace runs: stop at the size seen first, or at its end.
        if (chunk.eof || data.length === 0 || offset >= first.size) return;
        chunk = await read(offset, Math.min(TRACE_CHUNK_MAX, first.size - offset));
      }
    }
    return { size: first.size, chunks: chunks() };
  }
}

function toStatus(reports: { instance: string; result: { tracing: string[]; fileDetails?: TraceFile[] } }[]): TraceStatus {
  const tracing = new Set<string>();
  for (const r of reports) r.result.tracing.forEach((d) => tracing.add(d));
  return {
    tracing: [...tracing].sort(),
    instances: reports.map((r) => ({ instance: r.instance, tracing: r.result.tracing, files: r.result.fileDetails ?? [] })),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
