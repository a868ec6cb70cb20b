import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminRepository, AuditRepository, LoginThrottleRepository, TenantScopeRepository } from '@tws/identity-data-access';
import { AdminAuthService } from './admin-auth.service';
import { AdminAuthGuard } from './admin-auth.guard';
import { AdminUsersService } from './admin-users.service';
import { AdminAuthController, AdminUsersController, AuditLogController } from './admin-auth.controllers';

/**
 * Administrators: sign-in, sessions, the guard protecting every `/api/admin` route, admin users
 * and the audit log. Exports the audit repository for the other admin features.
 */
@Module({
  controllers: [AdminAuthController, AdminUsersController, AuditLogController],
  providers: [
    AdminRepository,
    AuditRepository,
    LoginThrottleRepository,
    TenantScopeRepository,
    AdminAuthService,
    AdminUsersService,
    { provide: APP_GUARD, useClass: AdminAuthGuard },
  ],
  exports: [AuditRepository],
})
export class AdminAuthModule {}
