import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentAdmin, type AdminPrincipal } from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { AdminService } from './admin.service';
import {
  createCompanySchema,
  createCstaLinkSchema,
  createDomainSchema,
  createUserSchema,
  listUsersQuerySchema,
  type CreateCompany,
  type CreateCstaLink,
  type CreateDomain,
  type CreateUser,
} from './admin.schemas';

const uuid = new ParseUUIDPipe({ version: undefined });

@ApiTags('companies')
@ApiBearerAuth()
@Controller('api/admin/v1/companies')
export class CompaniesController {
  constructor(private readonly tenancy: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a company (fully independent tenant)' })
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
}
