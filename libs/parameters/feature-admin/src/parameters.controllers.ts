import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { ParametersService } from './parameters.service';
import { expertQuerySchema, listQuerySchema, setValueSchema, type ExpertQuery, type ListQuery, type SetValue } from './parameters.schemas';

const uuid = new ParseUUIDPipe({ version: undefined });
const listQuery = new ZodPipe(listQuerySchema, 'query');
const expertQuery = new ZodPipe(expertQuerySchema, 'query');
const valueBody = new ZodPipe(setValueSchema);

@ApiTags('parameters')
@ApiBearerAuth()
@Controller('api/admin/v1')
export class ParameterCatalogueController {
  constructor(private readonly parameters: ParametersService) {}

  @Get('applications')
  @ApiOperation({ summary: 'Applications of the Applications parameters menu, with their number of parameters (?expert=true counts expert ones)' })
  applications(@Query(expertQuery) q: ExpertQuery) {
    return this.parameters.applications(q);
  }

  @Get('applications/:application/parameters')
  @ApiOperation({ summary: 'Parameters of an application: type, factory default, installation default, description (expert ones with ?expert=true)' })
  definitions(@Param('application') application: string, @Query(expertQuery) q: ExpertQuery) {
    return this.parameters.definitions(application, q);
  }

  @Get('parameters/:name')
  @ApiOperation({ summary: 'One parameter of the catalogue (name as the guide spells it, case-insensitive)' })
  definition(@Param('name') name: string) {
    return this.parameters.definition(name);
  }

  @Put('parameters/:name')
  @ApiOperation({ summary: 'Set the installation-wide default value (super users)' })
  @ApiBody({ schema: openApiSchema(setValueSchema) })
  setDefault(@CurrentAdmin() admin: AdminPrincipal, @Param('name') name: string, @Body(valueBody) body: SetValue) {
    return this.parameters.setValue(admin, { scope: 'default' }, name, body);
  }

  @Delete('parameters/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Back to the factory default (super users)' })
  clearDefault(@CurrentAdmin() admin: AdminPrincipal, @Param('name') name: string) {
    return this.parameters.clearValue(admin, { scope: 'default' }, name);
  }

  @Get('companies/:companyId/parameters/:name/values')
  @ApiOperation({ summary: 'Where a parameter is set in a company: on which domains, groups and users, with which value' })
  companyValues(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Param('name') name: string) {
    return this.parameters.companyValues(admin, companyId, name);
  }
}

@ApiTags('parameters')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId')
export class ScopedParametersController {
  constructor(private readonly parameters: ParametersService) {}

  @Get('parameters')
  @ApiOperation({ summary: 'Values set on the domain (?application=, ?expert=true)' })
  listDomain(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Query(listQuery) q: ListQuery) {
    return this.parameters.listValues(admin, { scope: 'domain', domainId }, q);
  }

  @Put('parameters/:name')
  @ApiOperation({ summary: 'Set a value for every user of the domain' })
  @ApiBody({ schema: openApiSchema(setValueSchema) })
  setDomain(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('name') name: string, @Body(valueBody) body: SetValue) {
    return this.parameters.setValue(admin, { scope: 'domain', domainId }, name, body);
  }

  @Delete('parameters/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the domain value (the default applies again)' })
  clearDomain(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('name') name: string) {
    return this.parameters.clearValue(admin, { scope: 'domain', domainId }, name);
  }

  @Get('groups/:groupId/parameters')
  @ApiOperation({ summary: 'Values set on a group (?application=, ?expert=true)' })
  listGroup(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string, @Query(listQuery) q: ListQuery) {
    return this.parameters.listValues(admin, { scope: 'group', domainId, groupId }, q);
  }

  @Put('groups/:groupId/parameters/:name')
  @ApiOperation({ summary: "Set a value for the group's members" })
  @ApiBody({ schema: openApiSchema(setValueSchema) })
  setGroup(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('groupId', uuid) groupId: string,
    @Param('name') name: string,
    @Body(valueBody) body: SetValue,
  ) {
    return this.parameters.setValue(admin, { scope: 'group', domainId, groupId }, name, body);
  }

  @Delete('groups/:groupId/parameters/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the group value' })
  clearGroup(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('groupId', uuid) groupId: string, @Param('name') name: string) {
    return this.parameters.clearValue(admin, { scope: 'group', domainId, groupId }, name);
  }

  @Get('users/:userId/parameters')
  @ApiOperation({ summary: 'Values set on a user (?application=, ?expert=true)' })
  listUser(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Query(listQuery) q: ListQuery) {
    return this.parameters.listValues(admin, { scope: 'user', domainId, userId }, q);
  }

  @Put('users/:userId/parameters/:name')
  @ApiOperation({ summary: 'Set a value for one user' })
  @ApiBody({ schema: openApiSchema(setValueSchema) })
  setUser(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Param('name') name: string,
    @Body(valueBody) body: SetValue,
  ) {
    return this.parameters.setValue(admin, { scope: 'user', domainId, userId }, name, body);
  }

  @Delete('users/:userId/parameters/:name')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the user value' })
  clearUser(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Param('name') name: string) {
    return this.parameters.clearValue(admin, { scope: 'user', domainId, userId }, name);
  }

  @Get('users/:userId/effective-parameters')
  @ApiOperation({ summary: 'Every parameter as it applies to the user (user > group > domain > default), with its source (?application=, ?expert=true)' })
  effective(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Query(listQuery) q: ListQuery) {
    return this.parameters.effective(admin, domainId, userId, q);
  }

  @Get('users/:userId/effective-parameters/:name')
  @ApiOperation({ summary: 'The value of one parameter for the user, and where it comes from' })
  effectiveOne(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Param('name') name: string) {
    return this.parameters.effectiveOne(admin, domainId, userId, name);
  }
}
