import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { ALLOWED_BEFORE_PASSWORD_CHANGE, PUBLIC_ADMIN_ROUTE, type AdminPrincipal } from '@tws/identity-data-access';
import { ApiError } from '@tws/service';
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
    return true;
  }
}
