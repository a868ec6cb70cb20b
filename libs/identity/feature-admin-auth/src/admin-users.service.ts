import { Injectable } from '@nestjs/common';
import { hashPassword } from '@tws/crypto';
import { AdminRepository, AuditRepository, type AdminPrincipal, type AdminUserRow } from '@tws/identity-data-access';
import { ApiError, conflict, NatsService, notFound } from '@tws/service';
import { ConfigChanges } from '@tws/contracts';
import type { AdminUserInput, UpdateAdminUserInput } from './admin-auth.schemas';

const view = (u: AdminUserRow) => ({
  id: u.id,
  username: u.username,
  superUser: u.superUser,
  companyIds: u.companyIds,
  mustChangePassword: u.mustChangePassword,
  createdAt: u.createdAt.toISOString(),
});

/** Global / Admin users (guide 10.1): only a super user manages administrators. */
@Injectable()
export class AdminUsersService {
  constructor(
    private readonly admins: AdminRepository,
    private readonly audit: AuditRepository,
    private readonly nats: NatsService,
  ) {}

  private requireSuperUser(admin: AdminPrincipal) {
    if (!admin.superUser) throw new ApiError(403, 'forbidden', 'only a super user manages administrators');
  }

  async list(admin: AdminPrincipal) {
    this.requireSuperUser(admin);
    return (await this.admins.list()).map(view);
  }

  async get(admin: AdminPrincipal, id: string) {
    this.requireSuperUser(admin);
    const u = await this.admins.findById(id);
    if (!u) throw notFound(`administrator ${id}`);
    return view(u);
  }

  async create(admin: AdminPrincipal, input: AdminUserInput) {
    this.requireSuperUser(admin);
    if (await this.admins.findByUsername(input.username)) throw conflict(`administrator "${input.username}" already exists`);
    const u = await this.admins.save(
      { username: input.username, passwordHash: await hashPassword(input.password), superUser: input.superUser, mustChangePassword: true },
      input.companyIds,
    );
    await this.audit.record(admin, { action: 'create', entity: 'admin-user', entityId: u.id, after: { ...view(u), password: input.password } });
    return view(u);
  }

  async update(admin: AdminPrincipal, id: string, input: UpdateAdminUserInput) {
    this.requireSuperUser(admin);
    const current = await this.admins.findById(id);
    if (!current) throw notFound(`administrator ${id}`);
    if (input.username && input.username.toLowerCase() !== current.username.toLowerCase() && (await this.admins.findByUsername(input.username))) {
      throw conflict(`administrator "${input.username}" already exists`);
    }
    if (current.superUser && input.superUser === false && (await this.admins.countSuperUsers()) <= 1) {
      throw conflict('this is the last super user: make another administrator super user first');
    }
    const u = await this.admins.save(
      {
        id,
        username: input.username ?? current.username,
        superUser: input.superUser ?? current.superUser,
        ...(input.password ? { passwordHash: await hashPassword(input.password), mustChangePassword: true } : {}),
      },
      input.companyIds ?? current.companyIds,
    );
    if (input.password) await this.admins.deleteSessionsOf(id);
    await this.audit.record(admin, { action: 'update', entity: 'admin-user', entityId: id, before: view(current), after: { ...view(u), ...(input.password ? { password: input.password } : {}) } });
    this.announce(id);
    return view(u);
  }

  async delete(admin: AdminPrincipal, id: string) {
    this.requireSuperUser(admin);
    const current = await this.admins.findById(id);
    if (!current) throw notFound(`administrator ${id}`);
    if (current.id === admin.id) throw conflict('you cannot delete your own account');
    if (current.superUser && (await this.admins.countSuperUsers()) <= 1) throw conflict('this is the last super user');
    await this.admins.delete(id);
    await this.audit.record(admin, { action: 'delete', entity: 'admin-user', entityId: id, before: view(current) });
    this.announce(id);
  }

  private announce(id: string) {
    try {
      this.nats.current.publish(ConfigChanges, ['admin-user'], { entity: 'admin-user', id, change: 'updated' });
    } catch {
      /* saved; NATS is down */
    }
  }
}
