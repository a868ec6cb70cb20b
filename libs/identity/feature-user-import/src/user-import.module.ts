import { Module } from '@nestjs/common';
import { AdminChanges, AuditRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { LicenceUsageRepository } from '@tws/licensing-data-access';
import { ParameterRepository } from '@tws/parameters-data-access';
import { DialingPlanRepository, DialingPlans } from '@tws/tenancy-data-access';
import { UserImportRepository } from './user-import.repository';
import { UserImportRunner } from './user-import.runner';
import { UserImportScheduler } from './user-import.scheduler';
import { UserImportsController } from './user-imports.controller';
import { UserImportsService } from './user-imports.service';

/**
 * User import in web-services (guide 7.2): `/api/admin/v1/domains/{domainId}/user-imports...`,
 * LDAP / Active Directory → TWS users, one way.
 */
@Module({
  controllers: [UserImportsController],
  providers: [TenantScopeRepository, AuditRepository, AdminChanges, LicenceUsageRepository, DialingPlanRepository, DialingPlans, ParameterRepository, UserImportRepository, UserImportRunner, UserImportsService, UserImportScheduler],
})
export class UserImportModule {}
