import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { AdminService } from './admin.service';
import {
  createCompanySchema,
  createCstaLinkSchema,
  createDomainSchema,
  createUserSchema,
  deviceSchema,
  listUsersQuerySchema,
  updateCompanySchema,
  updateCstaLinkSchema,
  updateDeviceSchema,
  updateDomainSchema,
  updateUserSchema,
  type CreateCompany,
  type CreateCstaLink,
  type CreateDomain,
  type CreateUser,
  type DeviceInput,
  type UpdateCstaLink,
  type UpdateDevice,
  type UpdateDomain,
  type UpdateUser,
} from './admin.schemas';

const uuid = new ParseUUIDPipe();

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/admin/v1/companies')
export class CompaniesController {
  constructor(private readonly tenancy: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a company (fully independent tenant; super user)' })
  @ApiBody({ schema: openApiSchema(createCompanySchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Body(new ZodPipe(createCompanySchema)) body: CreateCompany) {
    return this.tenancy.createCompany(admin, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal) {
    return this.tenancy.listCompanies(admin);
  }

  @Get(':companyId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) id: string) {
    return this.tenancy.getCompany(admin, id);
  }

  @Patch(':companyId')
  @ApiBody({ schema: openApiSchema(updateCompanySchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) id: string, @Body(new ZodPipe(updateCompanySchema)) body: CreateCompany) {
    return this.tenancy.updateCompany(admin, id, body);
  }

  @Delete(':companyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a company without domains (super user)' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) id: string) {
    await this.tenancy.deleteCompany(admin, id);
  }

  @Post(':companyId/domains')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a domain in a company' })
  @ApiBody({ schema: openApiSchema(createDomainSchema) })
  createDomain(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string, @Body(new ZodPipe(createDomainSchema)) body: CreateDomain) {
    return this.tenancy.createDomain(admin, companyId, body);
  }

  @Get(':companyId/domains')
  listDomains(@CurrentAdmin() admin: AdminPrincipal, @Param('companyId', uuid) companyId: string) {
    return this.tenancy.listDomains(admin, companyId);
  }
}

@ApiTags('domains')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId')
export class DomainsController {
  constructor(private readonly tenancy: AdminService) {}

  @Get()
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) id: string) {
    return this.tenancy.getDomain(admin, id);
  }

  @Patch()
  @ApiBody({ schema: openApiSchema(updateDomainSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) id: string, @Body(new ZodPipe(updateDomainSchema)) body: UpdateDomain) {
    return this.tenancy.updateDomain(admin, id, body);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a domain without users' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) id: string) {
    await this.tenancy.deleteDomain(admin, id);
  }
}

@ApiTags('users')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/users')
export class UsersController {
  constructor(private readonly tenancy: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user with its devices (all or nothing)' })
  @ApiBody({ schema: openApiSchema(createUserSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createUserSchema)) body: CreateUser) {
    return this.tenancy.createUser(admin, domainId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List users (search on username, names, device number; paged)' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Query(new ZodPipe(listUsersQuerySchema, 'query')) q: { search?: string; offset: number; limit: number }) {
    return this.tenancy.listUsers(admin, domainId, q);
  }

  @Get(':userId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string) {
    return this.tenancy.getUser(admin, domainId, userId);
  }

  @Patch(':userId')
  @ApiOperation({ summary: 'Change a user (secrets: a new value, or null to clear)' })
  @ApiBody({ schema: openApiSchema(updateUserSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Body(new ZodPipe(updateUserSchema)) body: UpdateUser) {
    return this.tenancy.updateUser(admin, domainId, userId, body);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a user with its devices, memberships and authorizations (call logs stay)' })
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string) {
    await this.tenancy.deleteUser(admin, domainId, userId);
  }

  @Post(':userId/devices')
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(deviceSchema) })
  addDevice(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Body(new ZodPipe(deviceSchema)) body: DeviceInput) {
    return this.tenancy.addDevice(admin, domainId, userId, body);
  }

  @Patch(':userId/devices/:deviceId')
  @ApiBody({ schema: openApiSchema(updateDeviceSchema) })
  updateDevice(
    @CurrentAdmin() admin: AdminPrincipal,
    @Param('domainId', uuid) domainId: string,
    @Param('userId', uuid) userId: string,
    @Param('deviceId', uuid) deviceId: string,
    @Body(new ZodPipe(updateDeviceSchema)) body: UpdateDevice,
  ) {
    return this.tenancy.updateDevice(admin, domainId, userId, deviceId, body);
  }

  @Delete(':userId/devices/:deviceId')
  @HttpCode(204)
  async deleteDevice(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string, @Param('deviceId', uuid) deviceId: string) {
    await this.tenancy.deleteDevice(admin, domainId, userId, deviceId);
  }
}

@ApiTags('csta-links')
@ApiBearerAuth()
@Controller('api/admin/v1/domains/:domainId/csta-links')
export class CstaLinksController {
  constructor(private readonly tenancy: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Configure a CSTA link to a PBX (password is write-only)' })
  @ApiBody({ schema: openApiSchema(createCstaLinkSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createCstaLinkSchema)) body: CreateCstaLink) {
    return this.tenancy.createCstaLink(admin, domainId, body);
  }

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string) {
    return this.tenancy.listCstaLinks(admin, domainId);
  }

  @Get(':linkId')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string) {
    return this.tenancy.getCstaLink(admin, domainId, linkId);
  }

  @Patch(':linkId')
  @ApiOperation({ summary: 'Change a CSTA link; cstaservices restarts it without a service restart' })
  @ApiBody({ schema: openApiSchema(updateCstaLinkSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string, @Body(new ZodPipe(updateCstaLinkSchema)) body: UpdateCstaLink) {
    return this.tenancy.updateCstaLink(admin, domainId, linkId, body);
  }

  @Delete(':linkId')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string) {
    await this.tenancy.deleteCstaLink(admin, domainId, linkId);
  }
}
