import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import {
  createUserImportSchema,
  runUserImportSchema,
  updateUserImportSchema,
  type CreateUserImport,
  type RunUserImport,
  type UpdateUserImport,
} from './user-import.schemas';
import { UserImportsService } from './user-imports.service';

const uuid = new ParseUUIDPipe();

@ApiTags('user-imports')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/user-imports')
export class UserImportsController {
  constructor(private readonly imports: UserImportsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user import (guide 7.2): LDAP or Active Directory source, field mapping, device, add-in-group, culture, number customization, synchronization type' })
  @ApiBody({ schema: openApiSchema(createUserImportSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createUserImportSchema)) body: CreateUserImport) {
    return this.imports.create(admin, domainId, body);
  }

  @Get()
  @ApiOperation({ summary: 'User imports of the domain, with how many users each holds and its latest run' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.imports.list(admin, domainId);
  }

  @Get(':importId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('importId', uuid) importId: string) {
    return this.imports.get(admin, domainId, importId);
  }

  @Patch(':importId')
  @ApiOperation({ summary: 'Change a user import (connector settings are merged into the saved ones; fields and device replace theirs)' })
  @ApiBody({ schema: openApiSchema(updateUserImportSchema) })
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('importId', uuid) importId: string,
    @Body(new ZodPipe(updateUserImportSchema)) body: UpdateUserImport,
  ) {
    return this.imports.update(admin, domainId, importId, body);
  }

  @Delete(':importId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user import and its reports (its users stay); 409 while an import of the domain runs' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('importId', uuid) importId: string) {
    await this.imports.delete(admin, domainId, importId);
  }

  @Post(':importId/run')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run the import now (the Synchro button); {dryRun: true} previews it and changes nothing. Follow it in runs. 409 while one runs in the domain' })
  @ApiBody({ schema: openApiSchema(runUserImportSchema) })
  start(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('importId', uuid) importId: string,
    @Body(new ZodPipe(runUserImportSchema)) body: RunUserImport,
  ) {
    return this.imports.start(admin, domainId, importId, body.dryRun);
  }

  @Get(':importId/runs')
  @ApiOperation({ summary: 'Runs of the import, newest first: progress while running, the report after (created / updated / disabled / deleted / ignored with reasons)' })
  runs(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('importId', uuid) importId: string) {
    return this.imports.runs(admin, domainId, importId);
  }

  @Get(':importId/runs/:runId')
  run(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('importId', uuid) importId: string, @Param('runId', uuid) runId: string) {
    return this.imports.run(admin, domainId, importId, runId);
  }
}
