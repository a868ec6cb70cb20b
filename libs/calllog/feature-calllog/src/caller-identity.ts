import { Inject, Injectable } from '@nestjs/common';
import { DirectoryLookup, type DirectoryLookupResult } from '@tws/contracts';
import type { CallLogIdentity, CallLogRepository } from '@tws/calllog-data-access';
import type { Logger } from '@tws/logging';
import type { Messaging } from '@tws/messaging';
import { MetricsRegistry, NatsService, TWS_LOGGER } from '@tws/service';

/** Who a remote number is for the row's user; all null when the directories do not know it. */
export type RemoteIdentity = Omit<CallLogIdentity, 'remoteLookedUp'>;

const UNKNOWN: RemoteIdentity = { remoteName: null, remoteCompany: null, remoteSource: null, remoteDirectoryId: null, remoteContactId: null };
/** A lookup that takes longer is given up (the row stays unnamed; a later event retries). */
const LOOKUP_TIMEOUT_MS = 2_000;
/** After a failed lookup (web-services down, slow), calls are not held up by lookups for this long. */
const BACKOFF_MS = 10_000;
const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

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
 * slow every call down.
 */
@Injectable()
export class CallerIdentity {
  private readonly cache = new Map<string, { at: number; identity: RemoteIdentity }>();
  private pausedUntil = 0;
  private readonly counter;

  constructor(
    private readonly nats: NatsService,
    metrics: MetricsRegistry,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.counter = metrics.counter('tws_calllog_lookups_total', 'Reverse lookups of remote numbers by the call log, by result', ['result']);
  }

  /** Fills in who the remote party of the row is, if the row still needs it. Never throws. */
  async complete(calls: CallLogRepository, key: { domainId: string; device: string; callRef: string }): Promise<void> {
    try {
      const pending = await calls.identityPending(key);
      if (!pending) return;
      const userId = await calls.userOfDevice(pending.domainId, pending.device);
      if (!userId) {
        // An intercom group's or a queue's device: nobody's rights to look up with.
        await calls.setIdentity(pending.id, pending.remoteNumber, UNKNOWN);
        this.counter.inc({ result: 'no-user' });
        return;
      }
      const identity = await this.lookup(userId, pending.remoteNumber);
      if (!identity) return;
      await calls.setIdentity(pending.id, pending.remoteNumber, identity);
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, callRef: key.callRef, device: key.device }, 'cannot record who the remote party of a call is');
    }
  }

  /** The identity, or undefined when the lookup could not be made (the row is left for a retry). */
  private async lookup(userId: string, number: string): Promise<RemoteIdentity | undefined> {
    const key = `${userId}\u0000${number}`;
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
    let messaging: Messaging;
    try {
      messaging = this.nats.current;
      const result = (await messaging.request(DirectoryLookup, [], { userId, number, origin: 'pbx', view: 'caller' }, LOOKUP_TIMEOUT_MS)) as DirectoryLookupResult;
      const identity = identityOf(result);
      if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(key, { at: now, identity });
      this.counter.inc({ result: identity.remoteName ? 'found' : 'unknown' });
      return identity;
    } catch (e) {
      this.pausedUntil = Date.now() + BACKOFF_MS;
      this.counter.inc({ result: 'failed' });
      this.logger.warn({ err: (e as Error).message, backoffMs: BACKOFF_MS }, 'reverse lookup for the call log failed; call logs go on without names for a while');
      return undefined;
    }
  }
}
