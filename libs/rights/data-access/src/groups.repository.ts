import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DatabaseService } from '@tws/service';
import { AuthorizationEntity, GroupEntity } from './rights.entities';

export interface GroupRow extends GroupEntity {
  memberCount: number;
}

export interface MemberRow {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
}

/** Object types whose object is a user or a group (its calendar, call log, statistics, records). */
export const OWNED_OBJECT_TYPES = ['calendar', 'call-log', 'statistics', 'records'] as const;

const escapeLike = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Groups and their members (guide 7.3). Written by web-services only. Reads `tws_user` (names,
 * domain) without writing it: membership rows reference users by foreign key.
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  async create(domainId: string, name: string, description: string): Promise<GroupRow> {
    const g = await this.ds.getRepository(GroupEntity).save({ domainId, name, description });
    return Object.assign(g, { memberCount: 0 });
  }

  async find(id: string): Promise<GroupRow | undefined> {
    return (await this.select('g.id = :id', { id }))[0];
  }

  /** Case-insensitive, as the unique index is. */
  async findByName(domainId: string, name: string): Promise<GroupRow | undefined> {
    return (await this.select('g.domain_id = :domainId AND lower(g.name) = lower(:name)', { domainId, name }))[0];
  }

  list(domainId: string, search?: string): Promise<GroupRow[]> {
    return search
      ? this.select('g.domain_id = :domainId AND (g.name ILIKE :s OR g.description ILIKE :s)', { domainId, s: escapeLike(search) })
      : this.select('g.domain_id = :domainId', { domainId });
  }

  private async select(where: string, params: Record<string, unknown>): Promise<GroupRow[]> {
    const { entities, raw } = await this.ds
      .getRepository(GroupEntity)
      .createQueryBuilder('g')
      .addSelect('(SELECT count(*) FROM group_member m WHERE m.group_id = g.id)::int', 'member_count')
      .where(where, params)
      .orderBy('lower(g.name)', 'ASC')
      .getRawAndEntities<{ member_count: number }>();
    return entities.map((g, i) => Object.assign(g, { memberCount: raw[i]!.member_count }));
  }

  async update(id: string, patch: Partial<Pick<GroupEntity, 'name' | 'description'>>): Promise<GroupRow> {
    if (Object.keys(patch).length) await this.ds.getRepository(GroupEntity).update({ id }, patch);
    return (await this.find(id))!;
  }

  /**
   * Deletes a group with its memberships and every authorization about it (held by the group,
   * or sharing the group's calendar / call log), in one transaction. Returns those authorizations.
   */
  async delete(id: string): Promise<AuthorizationEntity[]> {
    return this.ds.transaction(async (tx) => {
      const removed = await tx
        .getRepository(AuthorizationEntity)
        .createQueryBuilder('a')
        .where(`(a.subject_type = 'group' AND a.subject_id = :id) OR (a.object_type IN (:...owned) AND a.object_ref = :ref)`, { id, ref: id, owned: OWNED_OBJECT_TYPES })
        .getMany();
      if (removed.length) await tx.getRepository(AuthorizationEntity).delete(removed.map((a) => a.id));
      await tx.getRepository(GroupEntity).delete({ id });
      return removed;
    });
  }

  // members
  async listMembers(groupId: string, opts: { search?: string; offset: number; limit: number }): Promise<[MemberRow[], number]> {
    const params: unknown[] = [groupId];
    let filter = '';
    if (opts.search) {
      params.push(escapeLike(opts.search));
      filter = `AND (u.username ILIKE $2 OR u.first_name ILIKE $2 OR u.last_name ILIKE $2)`;
    }
    const from = `FROM group_member m JOIN tws_user u ON u.id = m.user_id WHERE m.group_id = $1 ${filter}`;
    const [rows, count]: [MemberRow[], { n: number }[]] = await Promise.all([
      this.ds.query(
        `SELECT u.id, u.username, u.first_name AS "firstName", u.last_name AS "lastName" ${from}
         ORDER BY lower(u.username) OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
        [...params, opts.offset, opts.limit],
      ),
      this.ds.query(`SELECT count(*)::int AS n ${from}`, params),
    ]);
    return [rows, count[0]?.n ?? 0];
  }

  /** Of the given ids, those of users of the domain. */
  async usersOfDomain(domainId: string, userIds: string[]): Promise<string[]> {
    const r: { id: string }[] = await this.ds.query('SELECT id FROM tws_user WHERE domain_id = $1 AND id = ANY($2::uuid[])', [domainId, userIds]);
    return r.map((x) => x.id);
  }

  async isMember(groupId: string, userId: string): Promise<boolean> {
    const r: unknown[] = await this.ds.query('SELECT 1 FROM group_member WHERE group_id = $1 AND user_id = $2', [groupId, userId]);
    return r.length > 0;
  }

  /**
   * Adds members (those already in are left alone) and, in the same transaction, hands the
   * applications the group holds to `check` (the licence check): when it throws, nothing is
   * written. Returns the users actually added.
   */
  addMembers(groupId: string, userIds: string[], check: (tx: EntityManager, applications: string[]) => Promise<void>): Promise<string[]> {
    return this.ds.transaction(async (tx) => {
      const added: { user_id: string }[] = await tx.query(
        `INSERT INTO group_member (group_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING user_id`,
        [groupId, userIds],
      );
      if (added.length) {
        const apps: { object_ref: string }[] = await tx.query(
          `SELECT DISTINCT object_ref FROM "authorization" WHERE object_type = 'application' AND subject_type = 'group' AND subject_id = $1 ORDER BY object_ref`,
          [groupId],
        );
        await check(tx, apps.map((a) => a.object_ref));
      }
      return added.map((a) => a.user_id);
    });
  }

  /** Removes members; returns those that were members. */
  async removeMembers(groupId: string, userIds: string[]): Promise<string[]> {
    const r: [{ user_id: string }[], number] = await this.ds.query(
      'DELETE FROM group_member WHERE group_id = $1 AND user_id = ANY($2::uuid[]) RETURNING user_id',
      [groupId, userIds],
    );
    return r[0].map((x) => x.user_id);
  }
}
