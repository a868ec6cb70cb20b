import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { z } from 'zod';
import { DirectoryLookup, type DirectoryLookupResult } from '@tws/contracts';
import { CallLogRepository, type CallLogIdentity, type IdentityPending } from '@tws/calllog-data-access';
import type { Logger } from '@tws/logging';
import { MetricsRegistry, NatsService, TWS_CONFIG, TWS_LOGGER } from '@tws/service';

/** What eventservices' call log reads from the environment beyond the platform's variables. */
export const callLogEnvSchema = z.object({
  /**
   * Every this many ms, rows of the last hour whose remote number could not be looked up (the
   * directories did not answer) are looked up again.
   */
  CALL_LOG_LOOKUP_RETRY_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  /** After a failed lookup, calls are not held up by lookups for this many ms. */
  CALL_LOG_LOOKUP_PAUSE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
});
export type CallLogEnv = z.infer<typeof callLogEnvSchema>;

/** Who a remote number is for the row's user; all null when the directories do not know it. */
export type RemoteIdentity = Omit<CallLogIdentity, 'remoteLookedUp'>;

const UNKNOWN: RemoteIdentity = { remoteName: null, remoteCompany: null, remoteSource: null, remoteDirectoryId: null, remoteContactId: null };
/** A lookup that takes longer is given up (the row stays unnamed; a later event retries). */
const LOOKUP_TIMEOUT_MS = 2_000;
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;
/** How far back, and how many rows per round, the retry looks. */
const RETRY_WINDOW_MS = 3_600_000;
const RETRY_BATCH = 200;

/** What one reverse lookup answered, as the call log keeps it. */
export function identityOf(result: DirectoryLookupResult): RemoteIdentity {
  const m = result.match;
  if (!m) return UNKNOWN;
  return {
    remoteName: m.displayName || null,
    remoteCompany: m.company || null,
    remoteSource: m.source,
    remoteDirectoryId: m.directory?.id ?? null,
    remoteContactId: m.contactId ?? m.userId,
  };
}

/**
 * Reverse lookup of the remote party of call-log rows (guide 8: on every call): asks the
 * directories (`tws.dir.lookup`, answered by web-services) for the row's user, so the name is
 * the one that user may see (directory rights, red list, private contacts). Answers are cached a
 * minute per user and number, so the several events of a call and a burst of calls from one
 * number cost one lookup; a failure makes the call log skip lookups for a while rather than
 * slow every call down, and the rows it left unnamed are looked up again later (every
 * CALL_LOG_LOOKUP_RETRY_MS, rows of the last hour).
 */
@Injectable()
export class CallerIdentity implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly cache = new Map<string, { at: number; identity: RemoteIdentity }>();
  /** Lookups under way: a second ask for the same user and number waits for the first. */
  private readonly inFlight = new Map<string, Promise<RemoteIdentity | undefined>>();
  private pausedUntil = 0;
  private readonly counter;
  private retryTimer?: NodeJS.Timeout;
  private retrying = false;

  constructor(
    private readonly nats: NatsService,
    private readonly calls: CallLogRepository,
    metrics: MetricsRegistry,
    @Inject(TWS_CONFIG) private readonly config: Partial<CallLogEnv>,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.counter = metrics.counter('tws_calllog_lookups_total', 'Reverse lookups of remote numbers by the call log, by result', ['result']);
  }

  onApplicationBootstrap() {
    this.retryTimer = setInterval(() => void this.retryBacklog(), this.config.CALL_LOG_LOOKUP_RETRY_MS ?? 30_000);
    this.retryTimer.unref();
  }

  onModuleDestroy() {
    clearInterval(this.retryTimer);
  }

  /** Fills in who the remote party of the row is, if the row still needs it. Never throws. */
  async complete(key: { domainId: string; device: string; callRef: string }): Promise<void> {
    try {
      const pending = await this.calls.identityPending(key);
      if (pending) await this.resolve(pending);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, callRef: key.callRef, device: key.device }, 'cannot record who the remote party of a call is');
    }
  }

  /** Looks up again the recent rows a failed lookup left unnamed (when lookups are not paused). */
  async retryBacklog(): Promise<void> {
    if (this.retrying || Date.now() < this.pausedUntil) return;
    this.retrying = true;
    try {
      for (const pending of await this.calls.identityBacklog(RETRY_WINDOW_MS, RETRY_BATCH)) {
        if (!(await this.resolve(pending))) break; // the directories still do not answer
      }
    } catch (e) {
      this.logger.warn({ err: (e as Error).message }, 'cannot look up the call-log rows left unnamed; trying again later');
    } finally {
      this.retrying = false;
    }
  }

  /** false when the lookup could not be made (the row stays for a retry). */
  private async resolve(pending: IdentityPending): Promise<boolean> {
    const userId = await this.calls.userOfDevice(pending.domainId, pending.device);
    if (!userId) {
      // An intercom group's or a queue's device: nobody's rights to look up with.
      await this.calls.setIdentity(pending.id, pending.remoteNumber, UNKNOWN);
      this.counter.inc({ result: 'no-user' });
      return true;
    }
    const identity = await this.lookup(userId, pending.remoteNumber);
    if (!identity) return false;
    await this.calls.setIdentity(pending.id, pending.remoteNumber, identity);
    return true;
  }

  /** The identity, or undefined when the lookup could not be made (the row is left for a retry). */
  private lookup(userId: string, number: string): Promise<RemoteIdentity | undefined> {
    const key = `${userId}\u0000${number}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const p = this.lookupNow(key, userId, number).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  private async lookupNow(key: string, userId: string, number: string): Promise<RemoteIdentity | undefined> {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < CACHE_TTL_MS) {
      this.counter.inc({ result: 'cached' });
      return hit.identity;
    }
    if (now < this.pausedUntil) {
      this.counter.inc({ result: 'skipped' });
      return undefined;
    }
    try {
      const result = (await this.nats.current.request(DirectoryLookup, [], { userId, number, origin: 'pbx', view: 'caller' }, LOOKUP_TIMEOUT_MS)) as DirectoryLookupResult;
      const identity = identityOf(result);
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { at: now, identity });
      this.counter.inc({ result: identity.remoteName ? 'found' : 'unknown' });
      return identity;
    } catch (e) {
      const pauseMs = this.config.CALL_LOG_LOOKUP_PAUSE_MS ?? 10_000;
      this.pausedUntil = Date.now() + pauseMs;
      this.counter.inc({ result: 'failed' });
      this.logger.warn({ err: (e as Error).message, pauseMs }, 'reverse lookup for the call log failed; call logs go on without names for a while');
      return undefined;
    }
  }
}
