import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ALLOWED_BEFORE_PASSWORD_CHANGE, assertCompanyAccess, PUBLIC_ADMIN_ROUTE, TenantScopeRepository, type AdminPrincipal } from '@tws/identity-data-access';
import { ApiError, notFound } from '@tws/service';
import { AdminAuthService } from './admin-auth.service';

/**
 * Every `/api/admin/...` route needs `Authorization: Bearer <token>` from the admin login, except
 * the ones marked public. While the password must be changed (the default `tws`/`tws` at first
 * start), only the routes marked for it answer; everything else says so.
 */
@Injectable()
export class AdminAuthGuard implements CanActivate {
  constructor(
    private readonly auth: AdminAuthService,
    private readonly scope: TenantScopeRepository,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request & { admin?: AdminPrincipal; adminToken?: string }>();
    if (!req.path.startsWith('/api/admin/')) return true;
    const flag = (key: string) => this.reflector.getAllAndOverride<boolean>(key, [ctx.getHandler(), ctx.getClass()]) === true;
    if (flag(PUBLIC_ADMIN_ROUTE)) return true;
    const header = req.header('authorization') ?? '';
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const admin = token ? await this.auth.authenticate(token) : undefined;
    if (!admin) {
      ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="tws-admin"');
      throw new ApiError(401, 'unauthenticated', token ? 'session expired or revoked: sign in again' : 'sign in first: POST /api/admin/v1/auth/login, then send Authorization: Bearer <token>');
    }
    if (admin.mustChangePassword && !flag(ALLOWED_BEFORE_PASSWORD_CHANGE)) {
      throw new ApiError(403, 'password_change_required', 'change the default password first: POST /api/admin/v1/auth/password');
    }
    req.admin = admin;
    req.adminToken = token;
    await this.checkTenant(admin, req.params as Record<string, string | undefined>);
    return true;
  }

  /**
   * Tenant isolation before validation or anything else: a `companyId` or `domainId` in the URL
   * that the administrator may not manage (or that does not exist) is a 404, whatever the body.
   * Services check again (defence in depth).
   */
  private async checkTenant(admin: AdminPrincipal, params: Record<string, string | undefined>) {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const { companyId, domainId } = params;
    if (companyId && uuid.test(companyId)) {
      if (!(await this.scope.companyExists(companyId))) throw notFound(`company ${companyId}`);
      assertCompanyAccess(admin, companyId, `company ${companyId}`);
    }
    if (domainId && uuid.test(domainId)) {
      const company = await this.scope.companyOfDomain(domainId);
      if (!company) throw notFound(`domain ${domainId}`);
      assertCompanyAccess(admin, company, `domain ${domainId}`);
    }
  }
}
