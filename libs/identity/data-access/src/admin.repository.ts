import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { AdminSessionEntity, AdminUserEntity } from './identity.entities';
import type { AdminPrincipal } from './admin-principal';

export interface AdminUserRow extends AdminUserEntity {
  companyIds: string[];
}

/** Administrators, their companies and sessions. Written by web-services only. */
@Injectable()
export class AdminRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  private async withCompanies(users: AdminUserEntity[]): Promise<AdminUserRow[]> {
    if (users.length === 0) return [];
    const links: { admin_user_id: string; company_id: string }[] = await this.ds.query(
      'SELECT admin_user_id, company_id FROM admin_user_company WHERE admin_user_id = ANY($1::uuid[]) ORDER BY company_id',
      [users.map((u) => u.id)],
    );
    return users.map((u) => Object.assign(u, { companyIds: links.filter((l) => l.admin_user_id === u.id).map((l) => l.company_id) }));
  }

  async findByUsername(username: string): Promise<AdminUserRow | undefined> {
    const u = await this.ds
      .getRepository(AdminUserEntity)
      .createQueryBuilder('a')
      .where('lower(a.username) = lower(:username)', { username })
      .getOne();
    return u ? (await this.withCompanies([u]))[0] : undefined;
  }

  async findById(id: string): Promise<AdminUserRow | undefined> {
    const u = await this.ds.getRepository(AdminUserEntity).findOneBy({ id });
    return u ? (await this.withCompanies([u]))[0] : undefined;
  }

  async list(): Promise<AdminUserRow[]> {
    return this.withCompanies(await this.ds.getRepository(AdminUserEntity).find({ order: { username: 'ASC' } }));
  }

  /** Creates or updates an administrator and replaces its company list, in one transaction. */
  async save(
    user: { id?: string; username: string; passwordHash?: string; superUser: boolean; mustChangePassword?: boolean },
    companyIds: string[],
  ): Promise<AdminUserRow> {
    const id = await this.ds.transaction(async (tx) => {
      const repo = tx.getRepository(AdminUserEntity);
      let saved: AdminUserEntity;
      if (user.id) {
        await repo.update({ id: user.id }, {
          username: user.username,
          superUser: user.superUser,
          ...(user.passwordHash ? { passwordHash: user.passwordHash } : {}),
          ...(user.mustChangePassword !== undefined ? { mustChangePassword: user.mustChangePassword } : {}),
        });
        saved = await repo.findOneByOrFail({ id: user.id });
      } else {
        saved = await repo.save(repo.create({ username: user.username, passwordHash: user.passwordHash!, superUser: user.superUser, mustChangePassword: user.mustChangePassword ?? false }));
      }
      await tx.query('DELETE FROM admin_user_company WHERE admin_user_id = $1', [saved.id]);
      if (companyIds.length) {
        await tx.query('INSERT INTO admin_user_company (admin_user_id, company_id) SELECT $1, unnest($2::uuid[])', [saved.id, companyIds]);
      }
      return saved.id;
    });
    return (await this.findById(id))!;
  }

  async delete(id: string): Promise<void> {
    await this.ds.getRepository(AdminUserEntity).delete({ id });
  }

  countSuperUsers(): Promise<number> {
    return this.ds.getRepository(AdminUserEntity).countBy({ superUser: true });
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.ds.getRepository(AdminUserEntity).update({ id }, { passwordHash, mustChangePassword: false });
  }

  // sessions
  async createSession(adminUserId: string, tokenHash: string, expiresAt: Date): Promise<void> {
    await this.ds.getRepository(AdminSessionEntity).insert({ adminUserId, tokenHash, expiresAt });
  }

  /** The administrator of a live session, with what it may manage. */
  async principalOfSession(tokenHash: string): Promise<AdminPrincipal | undefined> {
    const s = await this.ds
      .getRepository(AdminSessionEntity)
      .createQueryBuilder('s')
      .where('s.token_hash = :tokenHash AND s.expires_at > now()', { tokenHash })
      .getOne();
    if (!s) return undefined;
    const u = await this.findById(s.adminUserId);
    if (!u) return undefined;
    return { id: u.id, username: u.username, superUser: u.superUser, companyIds: u.companyIds, mustChangePassword: u.mustChangePassword };
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.ds.getRepository(AdminSessionEntity).delete({ tokenHash });
  }

  /** Revokes every session of an administrator but the one given (password change, deletion). */
  async deleteSessionsOf(adminUserId: string, keepTokenHash?: string): Promise<void> {
    await this.ds.query('DELETE FROM admin_session WHERE admin_user_id = $1 AND token_hash IS DISTINCT FROM $2', [adminUserId, keepTokenHash ?? null]);
  }

  async purgeExpiredSessions(): Promise<void> {
    await this.ds.query('DELETE FROM admin_session WHERE expires_at < now()');
  }
}
