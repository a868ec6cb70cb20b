import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { ContactsAdminService } from './contacts-admin.service';
import { DirectoriesAdminService } from './directories-admin.service';
import {
  createContactSchema,
  createDirectorySchema,
  listContactsQuerySchema,
  updateContactSchema,
  updateDirectorySchema,
  type CreateContact,
  type CreateDirectory,
  type ListContactsQuery,
  type UpdateContact,
  type UpdateDirectory,
} from './directories.schemas';
import { DirectorySyncAdminService } from './directory-sync-admin.service';

const uuid = new ParseUUIDPipe();

@ApiTags('directories')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/directories')
export class DirectoriesController {
  constructor(
    private readonly directories: DirectoriesAdminService,
    private readonly sync: DirectorySyncAdminService,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a directory: connector, field mapping (options after "|", checked now), synchronization mode, merge' })
  @ApiBody({ schema: openApiSchema(createDirectorySchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createDirectorySchema)) body: CreateDirectory) {
    return this.directories.create(admin, domainId, body);
  }

  @Get()
  @ApiOperation({ summary: 'Directories of the domain by priority, with contact counts and the latest synchronization' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.directories.list(admin, domainId);
  }

  @Get(':directoryId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string) {
    return this.directories.get(admin, domainId, directoryId);
  }

  @Patch(':directoryId')
  @ApiOperation({ summary: 'Change a directory (connector settings are merged into the saved ones; fields replace the mapping)' })
  @ApiBody({ schema: openApiSchema(updateDirectorySchema) })
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('directoryId', uuid) directoryId: string,
    @Body(new ZodPipe(updateDirectorySchema)) body: UpdateDirectory,
  ) {
    return this.directories.update(admin, domainId, directoryId, body);
  }

  @Delete(':directoryId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a directory with its contacts, reports and authorizations (409 while it synchronizes)' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string) {
    await this.directories.delete(admin, domainId, directoryId);
  }

  @Post(':directoryId/sync')
  @HttpCode(202)
  @ApiOperation({ summary: 'Synchronize now (the Synchro button); follow the run in sync-runs. 409 when one is running' })
  startSync(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string) {
    return this.sync.start(admin, domainId, directoryId);
  }

  @Post(':directoryId/sync/cancel')
  @HttpCode(202)
  @ApiOperation({ summary: 'Cancel the running synchronization (on any instance); the previous contacts stay' })
  cancelSync(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string) {
    return this.sync.cancel(admin, domainId, directoryId);
  }

  @Get(':directoryId/sync-runs')
  @ApiOperation({ summary: 'Synchronizations of the directory, newest first: progress while running, report after' })
  runs(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string) {
    return this.sync.list(admin, domainId, directoryId);
  }

  @Get(':directoryId/sync-runs/:runId')
  run(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string, @Param('runId', uuid) runId: string) {
    return this.sync.get(admin, domainId, directoryId, runId);
  }
}

@ApiTags('directories')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/directories/:directoryId/contacts')
export class DirectoryContactsController {
  constructor(private readonly contacts: ContactsAdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a contact to a TWS contacts directory (a private one: for the user ownerUserId)' })
  @ApiBody({ schema: openApiSchema(createContactSchema) })
  create(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('directoryId', uuid) directoryId: string,
    @Body(new ZodPipe(createContactSchema)) body: CreateContact,
  ) {
    return this.contacts.create(admin, domainId, directoryId, body);
  }

  @Get()
  @ApiOperation({ summary: 'Contacts of a directory (search by name prefix, owner), every number with its red-list flag' })
  list(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('directoryId', uuid) directoryId: string,
    @Query(new ZodPipe(listContactsQuerySchema, 'query')) q: ListContactsQuery,
  ) {
    return this.contacts.list(admin, domainId, directoryId, q);
  }

  @Get(':contactId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string, @Param('contactId', uuid) contactId: string) {
    return this.contacts.get(admin, domainId, directoryId, contactId);
  }

  @Patch(':contactId')
  @ApiBody({ schema: openApiSchema(updateContactSchema) })
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('directoryId', uuid) directoryId: string,
    @Param('contactId', uuid) contactId: string,
    @Body(new ZodPipe(updateContactSchema)) body: UpdateContact,
  ) {
    return this.contacts.update(admin, domainId, directoryId, contactId, body);
  }

  @Delete(':contactId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('directoryId', uuid) directoryId: string, @Param('contactId', uuid) contactId: string) {
    await this.contacts.delete(admin, domainId, directoryId, contactId);
  }
}
