import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { VerifiedToken } from '@tws/contracts';

/** The user behind a user API request (`/api/v1/...`), set by the user auth guard from the access token. */
export type UserPrincipal = VerifiedToken;

/** Injects the signed-in user into a controller method of the user API. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): UserPrincipal => {
  const user = ctx.switchToHttp().getRequest<{ user?: UserPrincipal }>().user;
  if (!user) throw new Error('CurrentUser used on a route the user auth guard does not protect');
  return user;
});

/** Marks a user API route that needs no access token (login, refresh). */
export const PUBLIC_USER_ROUTE = 'tws:public-user-route';
export const PublicUserRoute = () => SetMetadata(PUBLIC_USER_ROUTE, true);

/** `Authorization: Bearer <token>` → the token, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}
