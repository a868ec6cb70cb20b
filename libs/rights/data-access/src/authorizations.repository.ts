import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthorizationObjectType, AuthorizationSubjectType } from '@tws/contracts';
import { DatabaseService } from '@tws/service';
import { OWNED_OBJECT_TYPES } from './groups.repository';
import { AuthorizationEntity } from './rights.entities';

/** A user or a group of a company, as a subject or the object of a calendar/call-log share. */
export interface PrincipalRow {
  id: string;
  kind: 'user' | 'group';
  domainId: string;
  name: string;
}

export interface AuthorizationFilter {
  objectType?: AuthorizationObjectType;
  objectRef?: string;
  objectDomainId?: string;
  subjectType?: AuthorizationSubjectType;
  subjectId?: string;
  subjectDomainId?: string;
}

/** An authorization with the names of what its ids point to (users and groups; null otherwise). */
export interface AuthorizationView extends AuthorizationEntity {
  objectName: string | null;
  objectKind: 'user' | 'group' | null;
  subjectName: string | null;
}

export type NewAuthorization = Omit<AuthorizationEntity, 'id' | 'createdAt'>;

/** What the effective rights of one user are computed from (one consistent snapshot). */
export interface UserRightsRows {
  user: { id: string; domainId: string; companyId: string };
  groupIds: string[];
  /** Authorizations held by the user or one of its groups (every type but statistics/records). */
  held: Pick<AuthorizationEntity, 'id' | 'objectType' | 'objectRef' | 'subjectType' | 'subjectId'>[];
  /** Statistics/records authorizations whose object is the user (the viewer). */
  viewing: Pick<AuthorizationEntity, 'id' | 'objectType' | 'objectRef' | 'subjectType' | 'subjectId'>[];
  /** Members of the groups that appear as shared objects or as viewed subjects. */
  groupMembers: Map<string, string[]>;
}

const OWNED_IN = OWNED_OBJECT_TYPES.map((t) => `'${t}'`).join(', ');
const VIEW_SQL = `
  SELECT a.id, a.company_id AS "companyId", a.object_type AS "objectType", a.object_ref AS "objectRef",
         a.object_domain_id AS "objectDomainId", a.subject_type AS "subjectType", a.subject_id AS "subjectId",
         a.subject_domain_id AS "subjectDomainId", a.created_at AS "createdAt",
         coalesce(ou.username, og.name) AS "objectName",
         CASE WHEN ou.id IS NOT NULL THEN 'user' WHEN og.id IS NOT NULL THEN 'group' END AS "objectKind",
         coalesce(su.username, sg.name) AS "subjectName"
  FROM "authorization" a
  LEFT JOIN tws_user ou ON ou.id = (CASE WHEN a.object_type IN (${OWNED_IN}) THEN a.object_ref::uuid END)
  LEFT JOIN tws_group og ON og.id = (CASE WHEN a.object_type IN (${OWNED_IN}) THEN a.object_ref::uuid END)
  LEFT JOIN tws_user su ON a.subject_type = 'user' AND su.id = a.subject_id
  LEFT JOIN tws_group sg ON a.subject_type = 'group' AND sg.id = a.subject_id`;

/**
 * Authorizations (guide 7.4) and the reads their rules need. Written by web-services only; reads
 * `tws_user`, `tws_group` and `domain` to resolve and check the users and groups they name.
 */
@Injectable()
export class AuthorizationsRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  /** Domains of a company: id → name. */
  async domainsOf(companyId: string): Promise<Map<string, string>> {
    const r: { id: string; name: string }[] = await this.ds.query('SELECT id, name FROM domain WHERE company_id = $1', [companyId]);
    return new Map(r.map((d) => [d.id, d.name]));
  }

  /** Of the given ids, the users and groups that belong to a domain of the company. */
  async principalsOf(companyId: string, ids: string[]): Promise<PrincipalRow[]> {
    if (ids.length === 0) return [];
    return this.ds.query(
      `SELECT u.id, 'user' AS kind, u.domain_id AS "domainId", u.username AS name
         FROM tws_user u JOIN domain d ON d.id = u.domain_id WHERE d.company_id = $1 AND u.id = ANY($2::uuid[])
       UNION ALL
       SELECT g.id, 'group', g.domain_id, g.name
         FROM tws_group g JOIN domain d ON d.id = g.domain_id WHERE d.company_id = $1 AND g.id = ANY($2::uuid[])`,
      [companyId, ids],
    );
  }

  /** Intercom groups and phone queues of the company among `ids` (object or subject of a right). */
  async telephonyObjectsOf(companyId: string, ids: string[]): Promise<{ id: string; kind: 'intercom-group' | 'phone-queue'; domainId: string; name: string }[]> {
    if (ids.length === 0) return [];
    return this.ds.query(
      `SELECT i.id, 'intercom-group' AS kind, i.domain_id AS "domainId", i.name
         FROM intercom_group i JOIN domain d ON d.id = i.domain_id WHERE d.company_id = $1 AND i.id = ANY($2::uuid[])
       UNION ALL
       SELECT q.id, 'phone-queue', q.domain_id, q.name
         FROM phone_queue q JOIN domain d ON d.id = q.domain_id WHERE d.company_id = $1 AND q.id = ANY($2::uuid[])`,
      [companyId, ids],
    );
  }

  /** A directory of the company (directory rights, 7.4.2), with its domain; undefined if there is none with that id. */
  async directoryOf(companyId: string, id: string): Promise<{ id: string; domainId: string; name: string } | undefined> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return undefined;
    const r: { id: string; domainId: string; name: string }[] = await this.ds.query(
      `SELECT x.id, x.domain_id AS "domainId", x.name FROM directory x JOIN domain d ON d.id = x.domain_id WHERE d.company_id = $1 AND x.id = $2`,
      [companyId, id],
    );
    return r[0];
  }

  async find(companyId: string, id: string): Promise<AuthorizationView | undefined> {
    const r: AuthorizationView[] = await this.ds.query(`${VIEW_SQL} WHERE a.company_id = $1 AND a.id = $2`, [companyId, id]);
    return r[0];
  }

  async list(companyId: string, f: AuthorizationFilter, page: { offset: number; limit: number }): Promise<[AuthorizationView[], number]> {
    const where = [
      'a.company_id = $1',
      '($2::text IS NULL OR a.object_type = $2)',
      '($3::text IS NULL OR a.object_ref = $3)',
      '($4::uuid IS NULL OR a.object_domain_id = $4)',
      '($5::text IS NULL OR a.subject_type = $5)',
      '($6::uuid IS NULL OR a.subject_id = $6)',
      '($7::uuid IS NULL OR a.subject_domain_id = $7)',
    ].join(' AND ');
    const params = [companyId, f.objectType ?? null, f.objectRef ?? null, f.objectDomainId ?? null, f.subjectType ?? null, f.subjectId ?? null, f.subjectDomainId ?? null];
    const [rows, count]: [AuthorizationView[], { n: number }[]] = await Promise.all([
      this.ds.query(`${VIEW_SQL} WHERE ${where} ORDER BY a.object_type, a.object_ref, a.subject_type, "subjectName", a.id OFFSET $8 LIMIT $9`, [
        ...params,
        page.offset,
        page.limit,
      ]),
      this.ds.query(`SELECT count(*)::int AS n FROM "authorization" a WHERE ${where}`, params),
    ]);
    return [rows, count[0]?.n ?? 0];
  }

  /** Of the given subjects, those that already hold the object. */
  async existing(objectType: AuthorizationObjectType, objectRef: string, subjectIds: string[]): Promise<AuthorizationEntity[]> {
    return this.ds
      .getRepository(AuthorizationEntity)
      .createQueryBuilder('a')
      .where('a.object_type = :objectType AND a.object_ref = :objectRef AND a.subject_id IN (:...subjectIds)', { objectType, objectRef, subjectIds })
      .getMany();
  }

  /**
   * Inserts the authorizations and runs `check` (the licence check) in the same transaction:
   * when it throws, nothing is written.
   */
  grant(rows: NewAuthorization[], check: (tx: EntityManager) => Promise<void>): Promise<AuthorizationEntity[]> {
    return this.ds.transaction(async (tx) => {
      const saved = await tx.getRepository(AuthorizationEntity).save(rows.map((r) => tx.getRepository(AuthorizationEntity).create(r)));
      await check(tx);
      return saved;
    });
  }

  /**
   * Deletes the company's authorizations with these ids and returns them. `check` sees the ids
   * found first: when it throws, nothing is deleted.
   */
  async revoke(companyId: string, ids: string[], check: (found: string[]) => void): Promise<AuthorizationView[]> {
    return this.ds.transaction(async (tx) => {
      const rows: AuthorizationView[] = await tx.query(`${VIEW_SQL} WHERE a.company_id = $1 AND a.id = ANY($2::uuid[]) FOR UPDATE OF a`, [companyId, ids]);
      check(rows.map((r) => r.id));
      if (rows.length) await tx.query('DELETE FROM "authorization" WHERE id = ANY($1::uuid[])', [rows.map((r) => r.id)]);
      return rows;
    });
  }

  /**
   * Everything the effective rights of a user depend on, read in one repeatable-read snapshot
   * (so a change committed half-way cannot mix old and new rows). Undefined for an unknown user.
   */
  loadUserRights(userId: string): Promise<UserRightsRows | undefined> {
    return this.ds.transaction('REPEATABLE READ', async (tx) => {
      const users: { id: string; domainId: string; companyId: string; groupIds: string[] }[] = await tx.query(
        `SELECT u.id, u.domain_id AS "domainId", d.company_id AS "companyId",
                coalesce((SELECT array_agg(m.group_id ORDER BY m.group_id) FROM group_member m WHERE m.user_id = u.id), '{}') AS "groupIds"
         FROM tws_user u JOIN domain d ON d.id = u.domain_id WHERE u.id = $1`,
        [userId],
      );
      const user = users[0];
      if (!user) return undefined;
      const columns = `a.id, a.object_type AS "objectType", a.object_ref AS "objectRef", a.subject_type AS "subjectType", a.subject_id AS "subjectId"`;
      const held: UserRightsRows['held'] = await tx.query(
        `SELECT ${columns} FROM "authorization" a
         WHERE a.object_type NOT IN ('statistics', 'records')
           AND ((a.subject_type = 'user' AND a.subject_id = $1) OR (a.subject_type = 'group' AND a.subject_id = ANY($2::uuid[])))`,
        [userId, user.groupIds],
      );
      const viewing: UserRightsRows['viewing'] = await tx.query(
        `SELECT ${columns} FROM "authorization" a WHERE a.object_type IN ('statistics', 'records') AND a.object_ref = $1::text`,
        [userId],
      );
      const groups = [
        ...held.filter((a) => a.objectType === 'calendar' || a.objectType === 'call-log').map((a) => a.objectRef),
        ...viewing.filter((a) => a.subjectType === 'group').map((a) => a.subjectId),
      ];
      const groupMembers = new Map<string, string[]>();
      if (groups.length) {
        const rows: { groupId: string; userId: string | null }[] = await tx.query(
          `SELECT g.id AS "groupId", m.user_id AS "userId" FROM tws_group g LEFT JOIN group_member m ON m.group_id = g.id WHERE g.id = ANY($1::uuid[])`,
          [[...new Set(groups)]],
        );
        for (const r of rows) {
          const list = groupMembers.get(r.groupId) ?? [];
          if (r.userId) list.push(r.userId);
          groupMembers.set(r.groupId, list);
        }
      }
      return { user: { id: user.id, domainId: user.domainId, companyId: user.companyId }, groupIds: user.groupIds, held, viewing, groupMembers };
    });
  }
}
