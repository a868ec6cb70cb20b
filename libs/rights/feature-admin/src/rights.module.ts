import { Module } from '@nestjs/common';
import { AuditRepository } from '@tws/identity-data-access';
import { LicenceUsageRepository } from '@tws/licensing-data-access';
import { AuthorizationsRepository, GroupsRepository, TenantLookupRepository } from '@tws/rights-data-access';
import { AuthorizationsService } from './authorizations.service';
import { EffectiveRightsAdminService } from './effective-rights-admin.service';
import { EffectiveRightsService } from './effective-rights.service';
import { GroupsService } from './groups.service';
import { AuthorizationsController, EffectiveRightsController, GroupsController } from './rights.controllers';
import { RightsChanges } from './rights-changes';
import { RightsResponder } from './rights.responder';

/**
 * Groups, authorizations and effective rights in web-services: the admin API
 * (`/api/admin/v1/domains/{domainId}/groups`, `/api/admin/v1/companies/{companyId}/authorizations`,
 * `.../users/{userId}/effective-rights`) and the NATS queries `tws.rights.query` / `tws.rights.check`.
 */
@Module({
  controllers: [GroupsController, AuthorizationsController, EffectiveRightsController],
  providers: [
    GroupsRepository,
    AuthorizationsRepository,
    TenantLookupRepository,
    LicenceUsageRepository,
    AuditRepository,
    EffectiveRightsService,
    RightsChanges,
    RightsResponder,
    GroupsService,
    AuthorizationsService,
    EffectiveRightsAdminService,
  ],
})
export class RightsAdminModule {}
