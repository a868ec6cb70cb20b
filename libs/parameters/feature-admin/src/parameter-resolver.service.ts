import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigChanges, ResolveParameters, type ResolvedParameters, type ResolveParametersRequest } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { RemoteError } from '@tws/messaging';
import { NatsService, ReadinessRegistry, TWS_LOGGER } from '@tws/service';
import { findParameter, PARAMETER_CATALOGUE, ParameterRepository, resolveParameters, type ResolvedParameter } from '@tws/parameters-data-access';
import { toResolvedDto } from './parameters.mappers';

interface CacheEntry {
  at: number;
  domainId: string;
  byName: Map<string, ResolvedParameter>;
}

/** Thrown when the user to resolve for does not exist. */
export class UnknownUserError extends Error {}

/**
 * "Value of P for user U": resolution (user > group > domain > default > catalogue) with an
 * in-process cache per user. The cache is emptied by this instance's own changes at once and
 * by every configuration change announced on NATS (other instances' parameter changes, group
 * membership, users and domains deleted...); entries also expire after a minute, in case an
 * announcement was lost while NATS was down. Served over NATS on `tws.params.resolve`.
 */
@Injectable()
export class ParameterResolver implements OnApplicationBootstrap {
  static readonly TTL_MS = 60_000;
  static readonly MAX_USERS = 20_000;
  private readonly cache = new Map<string, CacheEntry>();
  /** Bumped by every invalidation: a resolution that started before one is not cached. */
  private generation = 0;
  private served = false;

  constructor(
    private readonly repo: ParameterRepository,
    private readonly nats: NatsService,
    private readonly readiness: ReadinessRegistry,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.readiness.register('parameter-resolution', async () => {
      if (!this.served) throw new Error('not served on NATS yet');
    });
    void this.nats
      .whenReady()
      .then(async (m) => {
        m.serve(ResolveParameters, ResolveParameters.subject(), (req) => this.serve(req), { queue: 'web-services' });
        m.subscribe(ConfigChanges, ConfigChanges.pattern, (change) => {
          this.logger.debug({ change }, 'configuration changed: parameter cache emptied');
          this.invalidate();
        });
        await m.ping(); // the subscriptions are known to the server before we say ready
        this.served = true;
      })
      .catch((e) => this.logger.error({ err: e }, 'cannot serve parameter resolution on NATS'));
  }

  /** Forgets every cached resolution (after any configuration change). */
  invalidate(): void {
    this.generation++;
    this.cache.clear();
  }

  /** Every parameter of the catalogue, resolved for the user. */
  async forUser(userId: string): Promise<{ domainId: string; byName: Map<string, ResolvedParameter> }> {
    const hit = this.cache.get(userId);
    if (hit && Date.now() - hit.at < ParameterResolver.TTL_MS) return hit;
    const generation = this.generation;
    const domainId = await this.repo.domainOfUser(userId);
    if (!domainId) throw new UnknownUserError(`user ${userId} not found`);
    const resolved = resolveParameters(PARAMETER_CATALOGUE, await this.repo.valuesForUser(userId, domainId));
    const entry: CacheEntry = { at: Date.now(), domainId, byName: new Map(resolved.map((r) => [r.definition.name, r])) };
    if (generation === this.generation) {
      this.cache.delete(userId);
      this.cache.set(userId, entry);
      // Oldest first (Map keeps insertion order): a bounded cache, refreshed on use.
      while (this.cache.size > ParameterResolver.MAX_USERS) this.cache.delete(this.cache.keys().next().value!);
    }
    return entry;
  }

  private async serve(req: ResolveParametersRequest): Promise<ResolvedParameters> {
    const wanted = req.names?.map((n) => ({ asked: n, def: findParameter(n) }));
    const unknown = wanted?.filter((w) => !w.def).map((w) => w.asked) ?? [];
    if (unknown.length) {
      throw new RemoteError('bad_request', `unknown parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`, unknown.map((n) => ({ path: 'names', parameter: n })));
    }
    let entry;
    try {
      entry = await this.forUser(req.userId);
    } catch (e) {
      if (e instanceof UnknownUserError) throw new RemoteError('not_found', e.message);
      throw e;
    }
    const names = wanted ? [...new Set(wanted.map((w) => w.def!.name))] : [...entry.byName.keys()];
    const parameters = names
      .map((n) => entry.byName.get(n)!)
      .filter((r) => !req.application || r.definition.application === req.application)
      .map(toResolvedDto);
    return { userId: req.userId, domainId: entry.domainId, parameters };
  }
}
