import { Module } from '@nestjs/common';
import { LookupRepository } from '@tws/directories-data-access';
import { TenantScopeRepository } from '@tws/identity-data-access';
import { DialingPlanRepository, DialingPlans } from '@tws/tenancy-data-access';
import { DirectoryLookupAdminController } from './directory-lookup.controller';
import { DirectoryLookupResponder } from './directory-lookup.responder';
import { DirectoryLookupService } from './directory-lookup.service';
import { DirectoryReaders } from './directory-readers';
import { DirectoryUserController } from './directory-user.controller';

/**
 * Search and reverse lookup in web-services: NATS `tws.dir.lookup` / `tws.dir.search`, and the
 * admin routes `.../users/{userId}/directory-search|directory-lookup`, and the user API
 * `/api/v1/directory/search|lookup`.
 */
@Module({
  controllers: [DirectoryLookupAdminController, DirectoryUserController],
  providers: [TenantScopeRepository, DialingPlanRepository, DialingPlans, LookupRepository, DirectoryReaders, DirectoryLookupService, DirectoryLookupResponder],
  exports: [DirectoryLookupService],
})
export class DirectoriesLookupModule {}
