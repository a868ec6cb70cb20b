import { Module } from '@nestjs/common';
import { DialingPlanRepository, TenancyRepository } from '@tws/tenancy-data-access';
import { AdminChanges, AuditRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { AdminService } from './admin.service';
import { DialingPlanAdminService, DialingPlanController } from './dialing-plan.admin';
import { CompaniesController, CstaLinksController, DomainsController, UsersController } from './admin.controllers';

/** The admin API of web-services for tenancy and CSTA links (`/api/admin/v1`). */
@Module({
  controllers: [CompaniesController, DomainsController, UsersController, CstaLinksController, DialingPlanController],
  providers: [TenancyRepository, DialingPlanRepository, AuditRepository, TenantScopeRepository, AdminChanges, AdminService, DialingPlanAdminService],
})
export class TenancyAdminModule {}
