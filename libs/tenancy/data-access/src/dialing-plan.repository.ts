import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { compileDialingPlan, standardRules, type DialingPlan, type DialingPlanSettings, type DialingRule } from '@tws/dialing-plan';
import { ConfigChanges } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { DatabaseService, NatsService, TWS_LOGGER } from '@tws/service';
import { DialingPlanEntity, DialingRuleEntity } from './dialing-plan.entities';

export interface StoredDialingPlan {
  settings: Required<Omit<DialingPlanSettings, 'nationalPrefix'>> & { nationalPrefix: string };
  rules: (DialingRule & { id: string; name: string })[];
}

/** Settings of a new domain's plan: France, like the original's defaults; the admin adapts them. */
export function defaultDialingSettings(numberingLength: number): StoredDialingPlan['settings'] {
  return {
    internationalPrefix: '00',
    localCountryPrefix: '33',
    externalPrefix: '0',
    nationalPrefix: '0',
    add: '',
    remove: '',
    internalLength: numberingLength,
    internalReverseLength: numberingLength,
  };
}

/** Writes a domain's settings and rules in the given transaction (the caller has compiled them). */
export async function writeDialingPlan(tx: EntityManager, domainId: string, settings: StoredDialingPlan['settings'], rules: DialingRule[]): Promise<void> {
  await tx.getRepository(DialingPlanEntity).save({ domainId, ...settings, updatedAt: new Date() });
  await tx.getRepository(DialingRuleEntity).delete({ domainId });
  if (rules.length) {
    await tx.getRepository(DialingRuleEntity).insert(rules.map((r) => ({ domainId, priority: r.priority, name: r.name ?? '', pattern: r.pattern, value: r.value })));
  }
}

/** The plan every new domain starts with: default settings and the standard rules of 5.1. */
export function writeDefaultDialingPlan(tx: EntityManager, domainId: string, numberingLength: number): Promise<void> {
  const settings = defaultDialingSettings(numberingLength);
  return writeDialingPlan(tx, domainId, settings, standardRules(settings));
}

/** Dialing plans per domain. Written by web-services; read by every service that handles numbers. */
@Injectable()
export class DialingPlanRepository {
  constructor(private readonly db: DatabaseService) {}

  async get(domainId: string): Promise<StoredDialingPlan | undefined> {
    const plan = await this.db.dataSource.getRepository(DialingPlanEntity).findOneBy({ domainId });
    if (!plan) return undefined;
    const rules = await this.db.dataSource.getRepository(DialingRuleEntity).find({ where: { domainId }, order: { priority: 'ASC' } });
    const { domainId: _d, updatedAt: _u, ...settings } = plan;
    return { settings, rules: rules.map(({ id, priority, name, pattern, value }) => ({ id, priority, name, pattern, value })) };
  }

  /** Replaces settings and rules at once (the caller has compiled them). */
  async replace(domainId: string, settings: StoredDialingPlan['settings'], rules: DialingRule[]): Promise<void> {
    await this.db.dataSource.transaction((tx) => writeDialingPlan(tx, domainId, settings, rules));
  }
}

/**
 * Compiled dialing plans per domain, kept in memory and dropped when the domain's plan or the
 * domain changes (a `tws.cfg.dialing-plan|domain.changed` message). For services that normalize
 * or dial numbers on every event.
 */
@Injectable()
export class DialingPlans implements OnApplicationBootstrap {
  private readonly cache = new Map<string, Promise<DialingPlan | undefined>>();

  constructor(
    private readonly repo: DialingPlanRepository,
    private readonly nats: NatsService,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap() {
    void this.nats.whenReady().then((m) =>
      m.subscribe(ConfigChanges, ConfigChanges.pattern, (c) => {
        if (c.entity === 'dialing-plan' || c.entity === 'domain') this.cache.delete(c.domainId ?? c.id);
      }),
    );
  }

  /** The domain's compiled plan (undefined for an unknown domain). */
  forDomain(domainId: string): Promise<DialingPlan | undefined> {
    let p = this.cache.get(domainId);
    if (!p) {
      p = this.load(domainId);
      this.cache.set(domainId, p);
      p.catch(() => this.cache.delete(domainId));
    }
    return p;
  }

  private async load(domainId: string): Promise<DialingPlan | undefined> {
    const stored = await this.repo.get(domainId);
    if (!stored) return undefined;
    const compiled = compileDialingPlan(stored.settings, stored.rules);
    if (compiled.ok) return compiled.plan;
    // Saved plans are compiled at save time; this only happens after a library change.
    this.logger.error({ domainId, errors: compiled.errors }, 'stored dialing plan does not compile: using the standard rules');
    const fallback = compileDialingPlan(stored.settings, standardRules(stored.settings));
    return fallback.ok ? fallback.plan : undefined;
  }
}
