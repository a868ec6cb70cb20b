import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from '@tws/crypto';
import { AdminRepository, AuditRepository, LoginThrottleRepository, TenantScopeRepository, type AdminPrincipal, type ThrottlePolicy } from '@tws/identity-data-access';
import { ApiError, badRequest } from '@tws/service';

/** Five failures in 15 minutes lock a user name for 15 minutes (whether it exists or not). */
export const USER_THROTTLE: ThrottlePolicy = { maxFailures: 5, windowS: 900, lockS: 900 };
/** Twenty failures in 15 minutes lock a source address. */
export const ADDRESS_THROTTLE: ThrottlePolicy = { maxFailures: 20, windowS: 900, lockS: 900 };
export const SESSION_HOURS = 8;

export const tokenHashOf = (token: string) => createHash('sha256').update(token).digest('hex');

/** Administrator sign-in (guide 3.2, 10.1), hardened: throttled, no user enumeration, sessions revocable. */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly admins: AdminRepository,
    private readonly throttle: LoginThrottleRepository,
    private readonly audit: AuditRepository,
    private readonly scope: TenantScopeRepository,
  ) {}

  /** The signed-in administrator, and whether the installation is still in boot mode. */
  async me(admin: AdminPrincipal) {
    return { ...admin, bootMode: await this.scope.bootMode() };
  }

  async login(username: string, password: string, address: string) {
    const keys = [`admin-user:${username.toLowerCase()}`, `admin-ip:${address}`];
    const locked = await this.throttle.lockedFor(keys);
    if (locked > 0) {
      throw new ApiError(429, 'too_many_attempts', `too many failed sign-ins: try again in ${Math.ceil(locked / 60)} minute(s)`, [{ retryAfterS: locked }]);
    }
    const admin = await this.admins.findByUsername(username);
    // Same work whether the user exists or not, so timing does not tell.
    const ok = await verifyPassword(password, admin?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!admin || !ok) {
      await this.throttle.fail(keys[0]!, USER_THROTTLE);
      await this.throttle.fail(keys[1]!, ADDRESS_THROTTLE);
      throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
    }
    await this.throttle.clear(keys[0]!);
    const token = `twsa_${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + SESSION_HOURS * 3600_000);
    await this.admins.createSession(admin.id, tokenHashOf(token), expiresAt);
    await this.audit.record(admin, { action: 'login', entity: 'admin-user', entityId: admin.id });
    void this.admins.purgeExpiredSessions().catch(() => undefined);
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      mustChangePassword: admin.mustChangePassword,
      bootMode: await this.scope.bootMode(),
      admin: { id: admin.id, username: admin.username, superUser: admin.superUser, companyIds: admin.companyIds },
    };
  }

  authenticate(token: string): Promise<AdminPrincipal | undefined> {
    return this.admins.principalOfSession(tokenHashOf(token));
  }

  /** Changes the caller's password; every other session of theirs is revoked. */
  async changePassword(admin: AdminPrincipal, token: string, current: string, next: string) {
    const row = await this.admins.findById(admin.id);
    if (!row || !(await verifyPassword(current, row.passwordHash))) throw new ApiError(401, 'invalid_credentials', 'the current password is wrong');
    if (next === current) throw badRequest('the new password must differ from the current one', [{ path: 'newPassword', message: 'same as the current password' }]);
    if (next.toLowerCase() === row.username.toLowerCase() || next === 'tws') {
      throw badRequest('the new password is too easy to guess', [{ path: 'newPassword', message: 'must not be the user name or the default password' }]);
    }
    await this.admins.setPassword(admin.id, await hashPassword(next));
    await this.admins.deleteSessionsOf(admin.id, tokenHashOf(token));
    await this.audit.record(admin, { action: 'password-change', entity: 'admin-user', entityId: admin.id });
    return { mustChangePassword: false };
  }

  async logout(token: string) {
    await this.admins.deleteSession(tokenHashOf(token));
  }
}
