import { Module } from '@nestjs/common';
import { AdminChanges, AuditRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { LicenceRepository, LicenceUsageRepository } from '@tws/licensing-data-access';
import { LicencesController } from './licences.controller';
import { LicencesService } from './licences.service';

/** Security / Licences of the admin API (`/api/admin/v1/licences`). */
@Module({
  controllers: [LicencesController],
  providers: [LicenceRepository, LicenceUsageRepository, AuditRepository, TenantScopeRepository, AdminChanges, LicencesService],
})
export class LicensingAdminModule {}
