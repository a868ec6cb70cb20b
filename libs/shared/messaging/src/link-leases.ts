import { KvWatchInclude, type KV, type KvEntry } from 'nats';
import { instanceToken, type InstancePresence, type LinkLease } from '@tws/contracts';
import type { Logger } from '@tws/logging';

export interface LinkLeasesOptions {
  /** The lease bucket (LINK_LEASE_BUCKET), shared by every instance of every link service. */
  kv: KV;
  /** Key prefix: the link service (`cstaservices`, `vtixmlservices`). */
  service: string;
  /** This instance (TWS_INSTANCE_ID or host-pid). */
  instance: string;
  /** A lease not renewed for this long is free for another instance. */
  ttlMs: number;
  /** Renewal period (default a third of the TTL). */
  renewEveryMs?: number;
  logger: Logger;
  /** Called after the set of links this instance owns changed (acquired, lost or handed over). */
  onChange: () => void;
  /**
   * Stops driving a link this instance is about to hand over, before its lease is released, so
   * the next owner never overlaps with this one.
   */
  beforeRelease?: (id: string) => Promise<void>;
  /** Local monotonic clock (tests). */
  now?: () => number;
}

interface Seen {
  revision: number;
  /** When the NATS server stored this revision (its clock, the same for every reader). */
  storedAt: number;
  value?: LinkLease | InstancePresence;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

/** Where the instances of a link service keep their presence in the lease bucket (`<service>.instance.<token>`). */
export function presenceKeyPrefix(service: string): string {
  return `${service}.instance.`;
}

/**
 * Ownership of links among the instances of a link service, by lease in NATS KV (protocol-agnostic:
 * cstaservices uses it, vtixmlservices can). Each instance:
 *
 * - keeps a presence key `<service>.instance.<token>` and renews it with its leases;
 * - owns a link while it holds `<service>.link.<id>`, renewed every `renewEveryMs` by a
 *   compare-and-set on the revision it wrote last: a renewal that finds another revision means
 *   someone else took the link, and this instance lets it go;
 * - takes a link whose key is missing or deleted (`create`), or whose last revision was stored more
 *   than a TTL ago (`update` on that revision: when two instances try, one wins). Ages are measured
 *   on the NATS server's clock — the time it stored each entry against the time it stored this
 *   instance's presence just before — so clocks of the hosts never matter;
 * - stops driving a link it could not renew for TTL − one period (NATS unreachable), before any
 *   other instance may take it;
 * - takes at most its fair share, ceil(links / live instances), and hands one link per period over
 *   (release) while it owns more than that and another live instance owns less: links spread over
 *   the instances, including one that starts later;
 * - releases its leases at once on `stop()` (graceful shutdown), and the others, watching the
 *   bucket, take them over right away.
 */
export class LinkLeases {
  private wanted: string[] = [];
  private readonly owned = new Map<string, { revision: number; renewedAt: number }>();
  private seen = new Map<string, Seen>();
  /** The server's time at the last pass (when it stored this instance's presence). */
  private serverNow = 0;
  private readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly now: () => number;
  private timer?: NodeJS.Timeout;
  private soon?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();
  private watcher?: { stop(): void };
  private stopped = false;
  private started = false;

  constructor(private readonly options: LinkLeasesOptions) {
    this.ttlMs = options.ttlMs;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(200, Math.floor(options.ttlMs / 3));
    this.now = options.now ?? (() => performance.now());
  }

  get instance(): string {
    return this.options.instance;
  }

  private linkKey(id: string) {
    return `${this.options.service}.link.${id}`;
  }
  private get presenceKey() {
    return `${presenceKeyPrefix(this.options.service)}${instanceToken(this.options.instance)}`;
  }

  /** Starts renewing and acquiring; `setWanted` says which links exist. */
  start(): void {
    if (this.started) return;
    this.started = true;
    void this.watch();
    this.schedule(0);
  }

  /** The links that should be driven by some instance (enabled in the configuration). */
  setWanted(ids: string[]): void {
    const next = [...new Set(ids)].sort();
    if (next.join() === this.wanted.join()) return;
    this.wanted = next;
    if (this.started) this.schedule(0);
  }

  owns(id: string): boolean {
    return this.owned.has(id);
  }

  ownedLinks(): string[] {
    return [...this.owned.keys()].sort();
  }

  /** Instances seen alive at the last pass (this one included). */
  liveInstances(): string[] {
    return [this.options.instance, ...this.others().map((p) => p.instance)].sort();
  }

  /** One pass now (renew, scan, acquire, hand over); passes never overlap. */
  tick(): Promise<void> {
    this.running = this.running.then(() => this.pass()).catch((e) => this.options.logger.warn({ err: (e as Error).message }, 'link lease pass failed'));
    return this.running;
  }

  /** Gives a link up at once (graceful): another instance may take it immediately. */
  async release(id: string, stopFirst?: () => Promise<void>): Promise<void> {
    const lease = this.owned.get(id);
    if (!lease) return;
    this.owned.delete(id); // owns() is false from here on: nothing starts the link again
    await stopFirst?.().catch((e) => this.options.logger.warn({ linkId: id, err: (e as Error).message }, 'stopping the link before releasing it failed'));
    await this.options.kv.delete(this.linkKey(id), { previousSeq: lease.revision }).catch(() => undefined);
  }

  /** Graceful stop: releases every lease and the presence. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.soon) clearTimeout(this.soon);
    this.watcher?.stop();
    await withTimeout(this.running, this.renewEveryMs).catch(() => undefined);
    // Presence first: the others then count one instance less when they see the links freed.
    await this.options.kv.delete(this.presenceKey).catch(() => undefined);
    await Promise.all(this.ownedLinks().map((id) => this.release(id)));
  }

  private schedule(delayMs: number) {
    if (this.stopped) return;
    if (delayMs === 0) {
      if (this.soon) return;
      this.soon = setTimeout(() => {
        this.soon = undefined;
        void this.tick();
      }, 20);
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async pass(): Promise<void> {
    if (this.stopped) return;
    let changed = false;
    try {
      changed = (await this.renew()) || changed;
      await this.announce();
      await this.scan();
      changed = (await this.acquire()) || changed;
      changed = (await this.handOver()) || changed;
      if (changed) await this.announce();
    } finally {
      if (changed) this.options.onChange();
      this.schedule(this.renewEveryMs);
    }
  }

  private leaseValue(): LinkLease {
    return { owner: this.options.instance, service: this.options.service, renewedAt: new Date().toISOString(), ttlMs: this.ttlMs };
  }

  /** Renews the presence; its storage time is the server's "now" for this pass. */
  private async announce() {
    const presence: InstancePresence = { instance: this.options.instance, service: this.options.service, renewedAt: new Date().toISOString(), ttlMs: this.ttlMs, owned: this.ownedLinks() };
    await this.options.kv.put(this.presenceKey, json(presence));
    const mine = await this.options.kv.get(this.presenceKey);
    if (mine) this.serverNow = mine.created.getTime();
  }

  /** Renews what this instance owns; lets go what it lost or no longer needs. True if it changed. */
  private async renew(): Promise<boolean> {
    let changed = false;
    const wanted = new Set(this.wanted);
    for (const id of this.ownedLinks()) {
      if (wanted.has(id)) continue;
      await this.release(id);
      changed = true;
    }
    // In parallel, each bounded by one period: a hanging NATS cannot delay the fencing below.
    const owned = [...this.owned];
    const failures = await Promise.all(
      owned.map(async ([id, lease]) => {
        try {
          lease.revision = await withTimeout(this.options.kv.update(this.linkKey(id), json(this.leaseValue()), lease.revision), this.renewEveryMs);
          lease.renewedAt = this.now();
          return undefined;
        } catch (e) {
          return e as Error;
        }
      }),
    );
    owned.forEach(([id, lease], i) => {
      const e = failures[i];
      if (!e) return;
      if (isWrongRevision(e)) {
        this.owned.delete(id);
        changed = true;
        this.options.logger.warn({ linkId: id }, 'link lease taken by another instance: this one stops driving the link');
      } else if (this.now() - lease.renewedAt >= this.ttlMs - this.renewEveryMs) {
        // Another instance may take it after a TTL: stop driving it before that (never two drivers).
        this.owned.delete(id);
        changed = true;
        this.options.logger.error({ linkId: id, err: e.message }, 'cannot renew the link lease in time: this instance stops driving the link');
      } else {
        this.options.logger.warn({ linkId: id, err: e.message }, 'cannot renew the link lease, retrying');
      }
    });
    return changed;
  }

  /** Reads every key of the service, with the revision and storage time of each. */
  private async scan(): Promise<void> {
    const keys: string[] = [];
    for await (const k of await this.options.kv.keys(`${this.options.service}.>`)) keys.push(k);
    const seen = new Map<string, Seen>();
    for (const key of keys) {
      const e = await this.options.kv.get(key);
      if (e && e.operation === 'PUT') seen.set(key, toSeen(e));
    }
    this.seen = seen;
  }

  private fresh(s: Seen): boolean {
    return this.serverNow - s.storedAt <= this.ttlMs;
  }

  private others(): InstancePresence[] {
    const prefix = presenceKeyPrefix(this.options.service);
    const out: InstancePresence[] = [];
    for (const [key, s] of this.seen) {
      if (!key.startsWith(prefix) || key === this.presenceKey || !this.fresh(s)) continue;
      const v = s.value as InstancePresence | undefined;
      if (v?.instance) out.push(v);
    }
    return out;
  }

  private fairShare(): number {
    return Math.ceil(this.wanted.length / (1 + this.others().length));
  }

  private async acquire(): Promise<boolean> {
    let changed = false;
    const fair = this.fairShare();
    for (const id of this.wanted) {
      if (this.owned.size >= fair) break;
      if (this.owned.has(id)) continue;
      const key = this.linkKey(id);
      const s = this.seen.get(key);
      // Someone drives it — unless it is this instance's own lease from before a restart.
      if (s && this.fresh(s) && (s.value as LinkLease | undefined)?.owner !== this.options.instance) continue;
      try {
        const revision = s ? await this.options.kv.update(key, json(this.leaseValue()), s.revision) : await this.options.kv.create(key, json(this.leaseValue()));
        this.owned.set(id, { revision, renewedAt: this.now() });
        this.seen.set(key, { revision, storedAt: this.serverNow, value: this.leaseValue() });
        changed = true;
        const from = (s?.value as LinkLease | undefined)?.owner;
        this.options.logger.info({ linkId: id, ...(from ? { from } : {}) }, from ? 'link lease expired: taking the link over' : 'link lease acquired');
      } catch (e) {
        // Another instance was quicker (compare-and-set): fine.
        if (!isWrongRevision(e)) this.options.logger.warn({ linkId: id, err: (e as Error).message }, 'cannot acquire the link lease');
      }
    }
    return changed;
  }

  /** Hands one link over while this instance owns more than its share and another owns less. */
  private async handOver(): Promise<boolean> {
    const fair = this.fairShare();
    if (this.owned.size <= fair) return false;
    const owners = new Map<string, number>();
    for (const p of this.others()) owners.set(p.instance, 0);
    for (const id of this.wanted) {
      const s = this.seen.get(this.linkKey(id));
      const owner = s && this.fresh(s) ? (s.value as LinkLease | undefined)?.owner : undefined;
      if (owner && owners.has(owner)) owners.set(owner, owners.get(owner)! + 1);
    }
    if (![...owners.values()].some((n) => n < fair)) return false;
    const id = this.ownedLinks().at(-1)!;
    this.options.logger.info({ linkId: id, owned: this.owned.size, fairShare: fair }, 'handing a link over to a less loaded instance');
    await this.release(id, this.options.beforeRelease ? () => this.options.beforeRelease!(id) : undefined);
    return true;
  }

  /** Deletions (a graceful release) and new instances wake a pass at once. */
  private async watch(): Promise<void> {
    const knownPresences = new Set<string>();
    while (!this.stopped) {
      try {
        const iter = await this.options.kv.watch({ key: `${this.options.service}.>`, include: KvWatchInclude.UpdatesOnly });
        this.watcher = iter;
        if (this.stopped) iter.stop();
        for await (const e of iter) {
          const isPresence = e.key.startsWith(presenceKeyPrefix(this.options.service));
          if (e.operation !== 'PUT' || (isPresence && !knownPresences.has(e.key))) {
            if (isPresence) {
              if (e.operation === 'PUT') knownPresences.add(e.key);
              else knownPresences.delete(e.key);
            }
            this.schedule(0);
          }
        }
      } catch (e) {
        if (!this.stopped) this.options.logger.warn({ err: (e as Error).message }, 'watching the link leases failed, retrying');
      }
      if (!this.stopped) await new Promise((r) => setTimeout(r, this.renewEveryMs));
    }
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from NATS within ${ms} ms`)), ms);
    }),
  ]);
}

function toSeen(e: KvEntry): Seen {
  let value: Seen['value'];
  try {
    value = e.json<LinkLease | InstancePresence>();
  } catch {
    value = undefined;
  }
  return { revision: e.revision, storedAt: e.created.getTime(), ...(value ? { value } : {}) };
}

/** The compare-and-set failed: the key moved on (or exists) since the revision we gave. */
function isWrongRevision(e: unknown): boolean {
  const err = e as { message?: string; api_error?: { err_code?: number } };
  return err?.api_error?.err_code === 10071 || /wrong last sequence/i.test(err?.message ?? '');
}
