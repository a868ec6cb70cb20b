import { Injectable } from '@nestjs/common';
import type { AuthorizationObjectType } from '@tws/contracts';
import { assertCompanyAccess, type AdminPrincipal } from '@tws/identity-data-access';
import { TenantLookupRepository } from '@tws/rights-data-access';
import { notFound } from '@tws/service';
import { EffectiveRightsService } from './effective-rights.service';
import { checkRight, rightsAnswer } from './effective-rights.model';

/** The REST face of effective rights: the same answers as NATS, for an administrator of the user's company. */
@Injectable()
export class EffectiveRightsAdminService {
  constructor(
    private readonly rights: EffectiveRightsService,
    private readonly tenancy: TenantLookupRepository,
  ) {}

  /** The user's rights, if the user is in the domain and the administrator manages its company (404 otherwise). */
  private async rightsOf(admin: AdminPrincipal, domainId: string, userId: string) {
    const d = await this.tenancy.domain(domainId);
    if (!d) throw notFound(`domain ${domainId}`);
    assertCompanyAccess(admin, d.companyId, `domain ${domainId}`);
    const r = await this.rights.of(userId);
    if (!r || r.domainId !== d.id) throw notFound(`user ${userId} in domain ${domainId}`);
    return r;
  }

  async query(admin: AdminPrincipal, domainId: string, userId: string, objectType?: AuthorizationObjectType) {
    return rightsAnswer(await this.rightsOf(admin, domainId, userId), objectType);
  }

  async check(admin: AdminPrincipal, domainId: string, userId: string, objectType: AuthorizationObjectType, objectRef: string) {
    return checkRight(await this.rightsOf(admin, domainId, userId), objectType, objectRef);
  }
}
