import { Body, Controller, createParamDecorator, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, type ExecutionContext, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  AllowedBeforePasswordChange,
  AuditRepository,
  CurrentAdmin,
  PublicAdminRoute,
  type AdminPrincipal,
} from '@tws/identity-data-access';
import { openApiSchema, ZodPipe } from '@tws/service';
import { AdminAuthService } from './admin-auth.service';
import { AdminUsersService } from './admin-users.service';
import {
  adminUserSchema,
  auditQuerySchema,
  changePasswordSchema,
  loginSchema,
  updateAdminUserSchema,
  type AdminUserInput,
  type ChangePassword,
  type Login,
  type UpdateAdminUserInput,
} from './admin-auth.schemas';

const AdminToken = createParamDecorator((_d: unknown, ctx: ExecutionContext): string => ctx.switchToHttp().getRequest<{ adminToken: string }>().adminToken);
const uuid = new ParseUUIDPipe();

@ApiTags('auth')
@Controller('api/admin/v1/auth')
export class AdminAuthController {
  constructor(private readonly auth: AdminAuthService) {}

  @Post('login')
  @HttpCode(200)
  @PublicAdminRoute()
  @ApiOperation({ summary: 'Sign in as an administrator (default tws/tws, to be changed at first login)' })
  @ApiBody({ schema: openApiSchema(loginSchema) })
  login(@Body(new ZodPipe(loginSchema)) body: Login, @Req() req: Request) {
    return this.auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown');
  }

  @Post('password')
  @HttpCode(200)
  @AllowedBeforePasswordChange()
  @ApiBearerAuth()
  @ApiOperation({ summary: "Change the signed-in administrator's password (revokes their other sessions)" })
  @ApiBody({ schema: openApiSchema(changePasswordSchema) })
  changePassword(@CurrentAdmin() admin: AdminPrincipal, @AdminToken() token: string, @Body(new ZodPipe(changePasswordSchema)) body: ChangePassword) {
    return this.auth.changePassword(admin, token, body.currentPassword, body.newPassword);
  }

  @Post('logout')
  @HttpCode(204)
  @AllowedBeforePasswordChange()
  @ApiBearerAuth()
  async logout(@AdminToken() token: string) {
    await this.auth.logout(token);
  }

  @Get('me')
  @AllowedBeforePasswordChange()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The signed-in administrator; bootMode is true until a company has a domain (guide 3.2)' })
  me(@CurrentAdmin() admin: AdminPrincipal) {
    return this.auth.me(admin);
  }
}

@ApiTags('admin-users')
@ApiBearerAuth()
@Controller('api/admin/v1/admin-users')
export class AdminUsersController {
  constructor(private readonly users: AdminUsersService) {}

  @Get()
  list(@CurrentAdmin() admin: AdminPrincipal) {
    return this.users.list(admin);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an administrator (super user only); limited to its companies unless super user' })
  @ApiBody({ schema: openApiSchema(adminUserSchema) })
  create(@CurrentAdmin() admin: AdminPrincipal, @Body(new ZodPipe(adminUserSchema)) body: AdminUserInput) {
    return this.users.create(admin, body);
  }

  @Get(':id')
  get(@CurrentAdmin() admin: AdminPrincipal, @Param('id', uuid) id: string) {
    return this.users.get(admin, id);
  }

  @Patch(':id')
  @ApiBody({ schema: openApiSchema(updateAdminUserSchema) })
  update(@CurrentAdmin() admin: AdminPrincipal, @Param('id', uuid) id: string, @Body(new ZodPipe(updateAdminUserSchema)) body: UpdateAdminUserInput) {
    return this.users.update(admin, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@CurrentAdmin() admin: AdminPrincipal, @Param('id', uuid) id: string) {
    await this.users.delete(admin, id);
  }
}

@ApiTags('audit-log')
@ApiBearerAuth()
@Controller('api/admin/v1/audit-log')
export class AuditLogController {
  constructor(private readonly audit: AuditRepository) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what, when (secrets masked); limited to your companies' })
  list(@CurrentAdmin() admin: AdminPrincipal, @Query(new ZodPipe(auditQuerySchema, 'query')) q: { companyId?: string; limit: number }) {
    return this.audit.list(admin, q);
  }
}
