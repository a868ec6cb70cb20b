import { Module } from '@nestjs/common';
import { AdminChanges, AuditRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { ParameterRepository } from '@tws/parameters-data-access';
import { CatalogueSyncService } from './catalogue-sync.service';
import { ParameterResolver } from './parameter-resolver.service';
import { ParametersService } from './parameters.service';
import { ParameterCatalogueController, ScopedParametersController } from './parameters.controllers';

/**
 * Application parameters in web-services: the admin API (`/api/admin/v1/...parameters`), the
 * catalogue sync at start, and resolution for a user over NATS (`tws.params.resolve`).
 */
@Module({
  controllers: [ParameterCatalogueController, ScopedParametersController],
  providers: [ParameterRepository, AuditRepository, TenantScopeRepository, AdminChanges, CatalogueSyncService, ParameterResolver, ParametersService],
  exports: [ParameterResolver],
})
export class ParametersAdminModule {}
