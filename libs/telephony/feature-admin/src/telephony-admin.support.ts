import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tws/crypto';
import type { ConfigChanged } from '@tws/contracts';
import { AdminChanges, type AdminPrincipal, type AuditEntry } from '@tws/identity-data-access';
import { badRequest, conflict, TWS_CONFIG } from '@tws/service';
import { DomainNumbersRepository, type NumberOwnerType } from '@tws/telephony-data-access';
import { consecutiveNumbers } from './consecutive-numbers';

const HOLDER: Record<NumberOwnerType, string> = {
  device: "a user's device",
  'intercom-group-device': 'an intercom group device',
  'phone-queue': 'a phone queue',
  'virtual-device-resource': 'a virtual-device resource',
};

/**
 * What every telephony admin service needs: the tenant check on the domain, secrets sealing, the
 * domain-wide number check, and the audit + announcement of each change.
 */
@Injectable()
export class TelephonyAdminSupport {
  private readonly secrets: SecretBox;

  constructor(
    private readonly changes: AdminChanges,
    private readonly numbers: DomainNumbersRepository,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** The company of a domain the administrator may manage; 404 otherwise (missing or another company's). */
  companyOf(admin: AdminPrincipal, domainId: string): Promise<string> {
    return this.changes.companyOf(admin, domainId);
  }

  seal(v: string): string;
  seal(v: string | null | undefined): string | null | undefined;
  seal(v: string | null | undefined) {
    return this.secrets.sealOptional(v);
  }

  /** The numbers "Duplicate x" creates from `first`; 400 naming `field` when it cannot. */
  expand(first: string, count: number, field: string): string[] {
    const r = consecutiveNumbers(first, count);
    if (!Array.isArray(r)) throw badRequest(`invalid body: ${field}: ${r.reason}`, [{ path: field, message: r.reason }]);
    return r;
  }

  /**
   * 409 naming every number already held in the domain by a user's device, an intercom group
   * device, a phone queue or a virtual-device resource (other than `exceptOwnerId`). The database
   * triggers enforce the same rule for concurrent writers.
   */
  async assertNumbersFree(domainId: string, numbers: string[], exceptOwnerId?: string): Promise<void> {
    const taken = (await this.numbers.holders(domainId, numbers)).filter((h) => h.ownerId !== exceptOwnerId);
    if (taken.length) {
      throw conflict(`already used in this domain: ${taken.map((h) => `${h.number} (by ${HOLDER[h.ownerType]})`).join(', ')} — nothing was changed`);
    }
  }

  /** Audits one change and announces it (and any others it implies) on NATS. */
  changed(admin: AdminPrincipal, entry: AuditEntry & { companyId: string }, ...announce: ConfigChanged[]): Promise<void> {
    return this.changes.changed(admin, entry, ...announce);
  }
}
