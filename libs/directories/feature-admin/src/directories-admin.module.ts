import { Module } from '@nestjs/common';
import { ContactsRepository, ContactSyncStore, DirectoriesRepository, SyncRunsRepository, TwsUsersConnector } from '@tws/directories-data-access';
import { AuditRepository, TenantScopeRepository, AdminChanges } from '@tws/identity-data-access';
import { ParameterRepository } from '@tws/parameters-data-access';
import { DialingPlanRepository, DialingPlans } from '@tws/tenancy-data-access';
import { ContactsAdminService } from './contacts-admin.service';
import { DirectoriesAdminService } from './directories-admin.service';
import { DirectoriesAdminSupport } from './directories-admin.support';
import { DirectoriesController, DirectoryContactsController } from './directories.controllers';
import { DirectorySyncAdminService } from './directory-sync-admin.service';
import { DirectorySyncService } from './directory-sync.service';
import { PrivateContactsController } from './private-contacts.controller';
import { PrivateContactsService } from './private-contacts.service';
import { ServerTypes } from './server-types';
import { SyncRunner } from './sync-runner';
import { SyncScheduler } from './sync-scheduler';

/**
 * Directories in web-services (guide chapter 8): the admin API
 * (`/api/admin/v1/domains/{domainId}/directories...`), contacts of TWS contacts directories, and
 * the synchronization (manual, daily, high frequency) with its runs; and the user API of private
 * contacts (`/api/v1/directory/private-contacts`, 9.1.1).
 */
@Module({
  controllers: [DirectoriesController, DirectoryContactsController, PrivateContactsController],
  providers: [
    TenantScopeRepository,
    AuditRepository,
    AdminChanges,
    ParameterRepository,
    DialingPlanRepository,
    DialingPlans,
    DirectoriesRepository,
    ContactsRepository,
    ContactSyncStore,
    SyncRunsRepository,
    TwsUsersConnector,
    ServerTypes,
    DirectoriesAdminSupport,
    DirectoriesAdminService,
    ContactsAdminService,
    PrivateContactsService,
    SyncRunner,
    DirectorySyncService,
    DirectorySyncAdminService,
    SyncScheduler,
  ],
})
export class DirectoriesAdminModule {}
