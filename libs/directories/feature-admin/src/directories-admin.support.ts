import { Inject, Injectable } from '@nestjs/common';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { assertCompanyAccess, AuditRepository, TenantScopeRepository, type AdminPrincipal, type AuditEntry } from '@tws/identity-data-access';
import type { Logger } from '@tws/logging';
import { NatsService, notFound, TWS_CONFIG, TWS_LOGGER } from '@tws/service';

/** The tenant check on the domain, the secret box, and the audit + announcement of each change. */
@Injectable()
export class DirectoriesAdminSupport {
  readonly secrets: SecretBox;

  constructor(
    private readonly scope: TenantScopeRepository,
    private readonly audit: AuditRepository,
    private readonly nats: NatsService,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** The company of a domain the administrator may manage; 404 otherwise (missing or another company's). */
  async companyOf(admin: AdminPrincipal, domainId: string): Promise<string> {
    const companyId = await this.scope.companyOfDomain(domainId);
    if (!companyId) throw notFound(`domain ${domainId}`);
    assertCompanyAccess(admin, companyId, `domain ${domainId}`);
    return companyId;
  }

  /** Audits one change and announces it on NATS (a NATS outage is logged: the change is saved). */
  async changed(admin: AdminPrincipal, entry: AuditEntry & { companyId: string }, ...announce: ConfigChanged[]): Promise<void> {
    await this.audit.record(admin, entry);
    for (const change of announce) {
      try {
        this.nats.current.publish(ConfigChanges, [change.entity], change);
      } catch (e) {
        this.logger.warn({ err: e, change }, 'directory change saved but not announced on NATS');
      }
    }
  }
}
