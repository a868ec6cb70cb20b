import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthorizationObjectType } from '@tws/contracts';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { AuthorizationsService } from './authorizations.service';
import { EffectiveRightsAdminService } from './effective-rights-admin.service';
import { GroupsService } from './groups.service';
import {
  createGroupSchema,
  effectiveRightsQuerySchema,
  grantSchema,
  listAuthorizationsQuerySchema,
  listGroupsQuerySchema,
  listMembersQuerySchema,
  membersSchema,
  revokeSchema,
  rightsCheckQuerySchema,
  updateGroupSchema,
  type CreateGroup,
  type Grant,
  type ListAuthorizationsQuery,
  type ListMembersQuery,
  type Members,
  type Revoke,
  type UpdateGroup,
} from './rights.schemas';

const uuid = new ParseUUIDPipe({ version: undefined });

@ApiTags('groups')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/groups')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a group (name unique in the domain, whatever the case)' })
  @ApiBody({ schema: openApiSchema(createGroupSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createGroupSchema)) body: CreateGroup) {
    return this.groups.create(admin, domainId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the groups of a domain (with their member counts)' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Query(new ZodPipe(listGroupsQuerySchema, 'query')) q: { search?: string }) {
    return this.groups.list(admin, domainId, q.search);
  }

  @Get(':groupId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string) {
    return this.groups.get(admin, domainId, groupId);
  }

  @Patch(':groupId')
  @ApiOperation({ summary: 'Rename a group or change its description' })
  @ApiBody({ schema: openApiSchema(updateGroupSchema) })
  update(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Body(new ZodPipe(updateGroupSchema)) body: UpdateGroup,
  ) {
    return this.groups.update(admin, domainId, groupId, body);
  }

  @Delete(':groupId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a group with its memberships and every authorization held by it or sharing its calendar / call log' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string) {
    await this.groups.delete(admin, domainId, groupId);
  }

  @Get(':groupId/members')
  @ApiOperation({ summary: 'List the members of a group (search on username and names; paged)' })
  members(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Query(new ZodPipe(listMembersQuerySchema, 'query')) q: ListMembersQuery,
  ) {
    return this.groups.listMembers(admin, domainId, groupId, q);
  }

  @Post(':groupId/members')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add users of the domain to a group (licences of the applications the group holds are checked)' })
  @ApiBody({ schema: openApiSchema(membersSchema) })
  addMembers(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Body(new ZodPipe(membersSchema)) body: Members,
  ) {
    return this.groups.addMembers(admin, domainId, groupId, body.userIds);
  }

  @Post(':groupId/members/remove')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove users from a group' })
  @ApiBody({ schema: openApiSchema(membersSchema) })
  removeMembers(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Body(new ZodPipe(membersSchema)) body: Members,
  ) {
    return this.groups.removeMembers(admin, domainId, groupId, body.userIds);
  }

  @Delete(':groupId/members/:userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove one user from a group' })
  async removeMember(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Param('userId', uuid) userId: string,
  ) {
    await this.groups.removeMember(admin, domainId, groupId, userId.toLowerCase());
  }
}

@ApiTags('authorizations')
@ApiBearerAuth()
@Controller('api/admin/v1/companies/:companyId/authorizations')
export class AuthorizationsController {
  constructor(private readonly authorizations: AuthorizationsService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Grant an object to users / groups of any domain of the company (all or nothing)',
    description:
      'Object: type, then ref (application code, or uuid) and, for directories, intercom groups and phone queues, its domain. ' +
      'Statistics and records are granted the other way round: the object is the user who will see the data of the subjects. ' +
      'Phone queues and call logs cannot be shared with another domain. Application grants consume licences (409 licence_exceeded).',
  })
  @ApiBody({ schema: openApiSchema(grantSchema) })
  grant(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Body(new ZodPipe(grantSchema)) body: Grant) {
    return this.authorizations.grant(admin, companyId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List authorizations, filtered by object type / object / subject (paged)' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Query(new ZodPipe(listAuthorizationsQuerySchema, 'query')) q: ListAuthorizationsQuery) {
    return this.authorizations.list(admin, companyId, q);
  }

  @Post('revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke several authorizations (all or nothing)' })
  @ApiBody({ schema: openApiSchema(revokeSchema) })
  revokeMany(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Body(new ZodPipe(revokeSchema)) body: Revoke) {
    return this.authorizations.revokeMany(admin, companyId, body.ids);
  }

  @Get(':authorizationId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Param('authorizationId', uuid) id: string) {
    return this.authorizations.get(admin, companyId, id.toLowerCase());
  }

  @Delete(':authorizationId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an authorization' })
  async revoke(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Param('authorizationId', uuid) id: string) {
    await this.authorizations.revoke(admin, companyId, id.toLowerCase());
  }
}

@ApiTags('authorizations')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/users/:userId/effective-rights')
export class EffectiveRightsController {
  constructor(private readonly rights: EffectiveRightsAdminService) {}

  @Get()
  @ApiOperation({
    summary: 'What a user may see, directly or through its groups (the same answer as NATS tws.rights.query)',
    description:
      'Per object type: application codes, or uuids of directories, intercom groups, phone queues, and of the users whose calendar, call log, statistics or records it may see.',
  })
  get(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Query(new ZodPipe(effectiveRightsQuerySchema, 'query')) q: { objectType?: AuthorizationObjectType },
  ) {
    return this.rights.query(admin, domainId, userId, q.objectType);
  }

  @Get('check')
  @ApiOperation({ summary: 'May this user see this object, and why (the same answer as NATS tws.rights.check)' })
  check(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Query(new ZodPipe(rightsCheckQuerySchema, 'query')) q: { objectType: AuthorizationObjectType; objectRef: string },
  ) {
    return this.rights.check(admin, domainId, userId, q.objectType, q.objectRef);
  }
}
