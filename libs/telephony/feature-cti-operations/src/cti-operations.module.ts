import { Module } from '@nestjs/common';
import { AdminChanges, AuditRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { TenancyRepository } from '@tws/tenancy-data-access';
import { CtiOperationsController } from './cti-operations.controller';
import { CtiOperationsService } from './cti-operations.service';

/** web-services: the operations of the CTI links (guide 10.4–10.6) under /api/admin/v1/domains/{id}/cti. */
@Module({
  controllers: [CtiOperationsController],
  providers: [TenantScopeRepository, AuditRepository, AdminChanges, TenancyRepository, CtiOperationsService],
})
export class CtiOperationsModule {}
