import { type CanActivate, createParamDecorator, type ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { bearerToken } from '@tws/identity-data-access';
import { ApiError } from '@tws/service';
import { ToolkitService, type ToolkitCaller } from './toolkit.service';

/** Toolkit REST routes act for the owner of `Authorization: Bearer <access token>`. */
@Injectable()
export class ToolkitAuthGuard implements CanActivate {
  constructor(private readonly toolkit: ToolkitService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<Request & { caller?: ToolkitCaller }>();
    try {
      req.caller = await this.toolkit.authenticate(bearerToken(req.header('authorization')));
    } catch (e) {
      if (e instanceof ApiError && e.getStatus() === 401) ctx.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="tws-toolkit"');
      throw e;
    }
    return true;
  }
}

/** The user the request acts for (set by ToolkitAuthGuard). */
export const Caller = createParamDecorator((_d: unknown, ctx: ExecutionContext): ToolkitCaller => {
  const caller = ctx.switchToHttp().getRequest<{ caller?: ToolkitCaller }>().caller;
  if (!caller) throw new Error('Caller used on a route ToolkitAuthGuard does not protect');
  return caller;
});
