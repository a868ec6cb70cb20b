import { Inject, Injectable } from '@nestjs/common';
import type { AuthorizationObjectType, EffectiveRights, RightsCheckResult } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { AuthorizationsRepository } from '@tws/rights-data-access';
import { MetricsRegistry, TWS_LOGGER } from '@tws/service';
import { checkRight, computeRights, rightsAnswer, type UserRights } from './effective-rights.model';

/** Entries kept at most this long: bounds staleness if a change notification was ever missed. */
export const RIGHTS_CACHE_TTL_MS = 60_000;
/** Users whose rights are kept; the least recently used go first. */
export const RIGHTS_CACHE_MAX_USERS = 50_000;

/**
 * Effective rights with an in-process cache per user, cheap enough to be asked on every event.
 * The cache is dropped as a whole on any change of groups, members, authorizations, users,
 * domains or companies (here directly; on other instances through `tws.cfg.*.changed`), and on
 * a NATS reconnection (notifications may have been missed). Changes are rare; queries are not.
 */
@Injectable()
export class EffectiveRightsService {
  private readonly cache = new Map<string, { rights: UserRights; expiresAt: number }>();
  /** Loads in flight, shared by concurrent callers for the same user. */
  private readonly loading = new Map<string, Promise<UserRights | undefined>>();
  /** Bumped by every invalidation: a load started before it must not fill the cache after it. */
  private generation = 0;
  private readonly lookups;

  constructor(
    private readonly repo: AuthorizationsRepository,
    metrics: MetricsRegistry,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.lookups = metrics.counter('tws_rights_cache_lookups_total', 'Effective-rights lookups by cache result', ['result']);
  }

  /** The user's rights, or undefined when no such user exists. */
  async of(userId: string): Promise<UserRights | undefined> {
    const id = userId.toLowerCase();
    const hit = this.cache.get(id);
    if (hit && hit.expiresAt > Date.now()) {
      // Map keeps insertion order: re-inserting makes it the most recently used.
      this.cache.delete(id);
      this.cache.set(id, hit);
      this.lookups.inc({ result: 'hit' });
      return hit.rights;
    }
    this.lookups.inc({ result: 'miss' });
    const pending = this.loading.get(id);
    if (pending) return pending;
    const generation = this.generation;
    const load = (async () => {
      const rows = await this.repo.loadUserRights(id);
      const rights = rows && computeRights(rows);
      if (rights && generation === this.generation) this.store(id, rights);
      return rights;
    })().finally(() => {
      if (this.loading.get(id) === load) this.loading.delete(id);
    });
    this.loading.set(id, load);
    return load;
  }

  private store(id: string, rights: UserRights) {
    this.cache.delete(id);
    this.cache.set(id, { rights, expiresAt: Date.now() + RIGHTS_CACHE_TTL_MS });
    while (this.cache.size > RIGHTS_CACHE_MAX_USERS) this.cache.delete(this.cache.keys().next().value!);
  }

  async query(userId: string, objectType?: AuthorizationObjectType): Promise<EffectiveRights | undefined> {
    const r = await this.of(userId);
    return r && rightsAnswer(r, objectType);
  }

  async check(userId: string, objectType: AuthorizationObjectType, objectRef: string): Promise<RightsCheckResult | undefined> {
    const r = await this.of(userId);
    return r && checkRight(r, objectType, objectRef);
  }

  /** Forgets every user's rights (and any load in flight). */
  invalidate(reason: string): void {
    this.generation++;
    this.loading.clear();
    if (this.cache.size) this.logger.debug({ reason, users: this.cache.size }, 'effective rights cache cleared');
    this.cache.clear();
  }
}
