import { Inject, Injectable } from '@nestjs/common';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import type { Logger } from '@tws/logging';
import { NatsService, notFound, TWS_LOGGER } from '@tws/service';
import { assertCompanyAccess, type AdminPrincipal } from './admin-principal';
import { AuditRepository, type AuditEntry } from './audit.repository';
import { TenantScopeRepository } from './tenant-scope.repository';

/**
 * What every admin feature does around a change: the tenant check on the domain in question, and
 * the audit entry + configuration announcements once the change is saved.
 */
@Injectable()
export class AdminChanges {
  constructor(
    private readonly scope: TenantScopeRepository,
    private readonly audit: AuditRepository,
    private readonly nats: NatsService,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  /** The company of a domain the administrator may manage; 404 otherwise (missing or another company's). */
  async companyOf(admin: AdminPrincipal, domainId: string): Promise<string> {
    const companyId = await this.scope.companyOfDomain(domainId);
    if (!companyId) throw notFound(`domain ${domainId}`);
    assertCompanyAccess(admin, companyId, `domain ${domainId}`);
    return companyId;
  }

  /**
   * Audits one change and announces it (and any others it implies) on NATS. `companyId` is null
   * for installation-wide changes (licences).
   */
  async changed(admin: AdminPrincipal, entry: AuditEntry & { companyId: string | null }, ...announce: ConfigChanged[]): Promise<void> {
    await this.audit.record(admin, entry);
    for (const change of announce) {
      try {
        this.nats.current.publish(ConfigChanges, [change.entity], change);
      } catch (e) {
        // The change is saved; services also reload on reconnect. Say it, don't fail the request.
        this.logger.warn({ err: e, change }, 'configuration change saved but not announced on NATS');
      }
    }
  }

  /** `changed`, announcing the audited entity itself: created/updated/deleted after the audit action. */
  async recorded(admin: AdminPrincipal, entry: AuditEntry & { companyId: string | null; entity: ConfigChanged['entity']; entityId: string }, domainId?: string): Promise<void> {
    const change: ConfigChanged = {
      entity: entry.entity,
      id: entry.entityId,
      ...(domainId ? { domainId } : {}),
      change: entry.action === 'create' ? 'created' : entry.action === 'delete' ? 'deleted' : 'updated',
    };
    await this.changed(admin, entry, change);
  }
}
