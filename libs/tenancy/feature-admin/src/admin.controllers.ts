import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
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
@Controller('api/admin/v1/companies')
export class CompaniesController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a company (fully independent tenant)' })
  @ApiBody({ schema: openApiSchema(createCompanySchema) })
  create(@Body(new ZodPipe(createCompanySchema)) body: CreateCompany) {
    return this.admin.createCompany(body);
  }

  @Get()
  list() {
    return this.admin.listCompanies();
  }

  @Get(':companyId')
  get(@Param('companyId', uuid) id: string) {
    return this.admin.getCompany(id);
  }

  @Post(':companyId/domains')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a domain in a company' })
  @ApiBody({ schema: openApiSchema(createDomainSchema) })
  createDomain(@Param('companyId', uuid) companyId: string, @Body(new ZodPipe(createDomainSchema)) body: CreateDomain) {
    return this.admin.createDomain(companyId, body);
  }

  @Get(':companyId/domains')
  listDomains(@Param('companyId', uuid) companyId: string) {
    return this.admin.listDomains(companyId);
  }
}

@ApiTags('users')
@Controller('api/admin/v1/domains/:domainId/users')
export class UsersController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user with its devices (all or nothing)' })
  @ApiBody({ schema: openApiSchema(createUserSchema) })
  create(@Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createUserSchema)) body: CreateUser) {
    return this.admin.createUser(domainId, body);
  }

  @Get()
  @ApiOperation({ summary: 'List users (search on username, names, device number; paged)' })
  list(@Param('domainId', uuid) domainId: string, @Query(new ZodPipe(listUsersQuerySchema, 'query')) q: { search?: string; offset: number; limit: number }) {
    return this.admin.listUsers(domainId, q);
  }

  @Get(':userId')
  get(@Param('domainId', uuid) domainId: string, @Param('userId', uuid) userId: string) {
    return this.admin.getUser(domainId, userId);
  }
}

@ApiTags('csta-links')
@Controller('api/admin/v1/domains/:domainId/csta-links')
export class CstaLinksController {
  constructor(private readonly admin: AdminService) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Configure a CSTA link to a PBX (password is write-only)' })
  @ApiBody({ schema: openApiSchema(createCstaLinkSchema) })
  create(@Param('domainId', uuid) domainId: string, @Body(new ZodPipe(createCstaLinkSchema)) body: CreateCstaLink) {
    return this.admin.createCstaLink(domainId, body);
  }

  @Get()
  list(@Param('domainId', uuid) domainId: string) {
    return this.admin.listCstaLinks(domainId);
  }

  @Get(':linkId')
  get(@Param('domainId', uuid) domainId: string, @Param('linkId', uuid) linkId: string) {
    return this.admin.getCstaLink(domainId, linkId);
  }
}
