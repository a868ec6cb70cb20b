import { Inject, Injectable } from '@nestjs/common';
import type { ConfigChanged } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { AdminChanges, type AdminPrincipal, type AuditEntry } from '@tws/identity-data-access';
import { TWS_CONFIG } from '@tws/service';

/** The tenant check on the domain, the secret box, and the audit + announcement of each change. */
@Injectable()
export class DirectoriesAdminSupport {
  readonly secrets: SecretBox;

  constructor(
    private readonly changes: AdminChanges,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** The company of a domain the administrator may manage; 404 otherwise (missing or another company's). */
  companyOf(admin: AdminPrincipal, domainId: string): Promise<string> {
    return this.changes.companyOf(admin, domainId);
  }

  /** Audits one change and announces it on NATS (a NATS outage is logged: the change is saved). */
  changed(admin: AdminPrincipal, entry: AuditEntry & { companyId: string }, ...announce: ConfigChanged[]): Promise<void> {
    return this.changes.changed(admin, entry, ...announce);
  }
}
