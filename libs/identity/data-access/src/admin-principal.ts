import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { notFound } from '@tws/service';

/** The administrator behind an admin API request (set by the admin auth guard). */
export interface AdminPrincipal {
  id: string;
  username: string;
  superUser: boolean;
  /** Companies this administrator may manage (all of them for a super user). */
  companyIds: string[];
  mustChangePassword: boolean;
}

/** Injects the authenticated administrator into a controller method. */
export const CurrentAdmin = createParamDecorator((_data: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const admin = ctx.switchToHttp().getRequest<{ admin?: AdminPrincipal }>().admin;
  if (!admin) throw new Error('CurrentAdmin used on a route the admin guard does not protect');
  return admin;
});

/** Marks an admin route that needs no session (login). */
export const PUBLIC_ADMIN_ROUTE = 'tws:public-admin-route';
export const PublicAdminRoute = () => SetMetadata(PUBLIC_ADMIN_ROUTE, true);

/** Marks an admin route usable while the password must still be changed. */
export const ALLOWED_BEFORE_PASSWORD_CHANGE = 'tws:allowed-before-password-change';
export const AllowedBeforePasswordChange = () => SetMetadata(ALLOWED_BEFORE_PASSWORD_CHANGE, true);

/**
 * Tenant isolation: an administrator who may not manage `companyId` gets the same 404 as for
 * an object that does not exist, so nothing reveals another company's data.
 */
export function assertCompanyAccess(admin: AdminPrincipal, companyId: string, what: string): void {
  if (!admin.superUser && !admin.companyIds.includes(companyId)) throw notFound(what);
}
