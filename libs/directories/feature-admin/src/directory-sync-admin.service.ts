import { Injectable } from '@nestjs/common';
import { SyncRunsRepository } from '@tws/directories-data-access';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { ApiError, notFound } from '@tws/service';
import { DirectoriesAdminService } from './directories-admin.service';
import { toSyncRun } from './directories.mappers';
import { DirectorySyncService } from './directory-sync.service';

/** The Synchro button (8.1, 8.2.1), its progress, its reports, and cancelling. */
@Injectable()
export class DirectorySyncAdminService {
  constructor(
    private readonly directories: DirectoriesAdminService,
    private readonly sync: DirectorySyncService,
    private readonly runs: SyncRunsRepository,
  ) {}

  async start(admin: AdminPrincipal, domainId: string, directoryId: string) {
    const { directory } = await this.directories.directory(admin, domainId, directoryId);
    return (await this.sync.start(directory, 'manual', admin.username))!;
  }

  async cancel(admin: AdminPrincipal, domainId: string, directoryId: string) {
    const { directory } = await this.directories.directory(admin, domainId, directoryId);
    const run = await this.sync.cancel(directoryId);
    if (!run) throw new ApiError(409, 'conflict', `"${directory.name}" is not synchronizing`);
    return run;
  }

  async list(admin: AdminPrincipal, domainId: string, directoryId: string) {
    await this.directories.directory(admin, domainId, directoryId);
    return (await this.runs.list(directoryId)).map(toSyncRun);
  }

  async get(admin: AdminPrincipal, domainId: string, directoryId: string, runId: string) {
    await this.directories.directory(admin, domainId, directoryId);
    const run = await this.runs.find(directoryId, runId);
    if (!run) throw notFound(`synchronization ${runId} of directory ${directoryId}`);
    return toSyncRun(run);
  }
}
