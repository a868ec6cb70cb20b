import { Module } from '@nestjs/common';
import { TenancyRepository } from '@tws/tenancy-data-access';
import { AuditRepository } from '@tws/identity-data-access';
import { AdminService } from './admin.service';
import { CompaniesController, CstaLinksController, DomainsController, UsersController } from './admin.controllers';

/** The admin API of web-services for tenancy and CSTA links (`/api/admin/v1`). */
@Module({
  controllers: [CompaniesController, DomainsController, UsersController, CstaLinksController],
  providers: [TenancyRepository, AuditRepository, AdminService],
})
export class TenancyAdminModule {}
