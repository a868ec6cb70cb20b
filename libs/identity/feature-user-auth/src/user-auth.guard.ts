import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { bearerToken, PUBLIC_USER_ROUTE, type UserPrincipal } from '@tws/identity-data-access';
import { ApiError } from '@tws/service';
import { UserAuthService } from './user-auth.service';

/**
 * Every user API route (`/api/v1/...`) needs `Authorization: Bearer <access token>` from
 * `POST /api/v1/auth/login`, except the ones marked public. Admin routes have their own guard.
 */
@Injectable()
export class UserAuthGuard implements CanActivate {
  constructor(
    private readonly auth: UserAuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true;
    const req = ctx.switchToHttp().getRequest<Request & { user?: UserPrincipal }>();
    if (!req.path.startsWith('/api/v1/')) return true;
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_USER_ROUTE, [ctx.getHandler(), ctx.getClass()]) === true) return true;
    const token = bearerToken(req.header('authorization'));
    const user = token ? await this.auth.verify(token) : undefined;
    if (!user) {
      ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="tws"');
      throw new ApiError(401, 'unauthenticated', token ? 'access token unknown, expired or revoked: refresh it or sign in again' : 'sign in first: POST /api/v1/auth/login, then send Authorization: Bearer <accessToken>');
    }
    req.user = user;
    return true;
  }
}
