import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APPLICATIONS, type ApplicationCode } from '@tws/contracts';
import { ApiError, DatabaseService } from '@tws/service';

/**
 * Licence consumption (guide 7.4.1): an application licence is used by each distinct user
 * authorized to the application, directly or through one of its groups, in any company of the
 * installation. Available counts come from the loaded licence file (none loaded, or expired: 0;
 * existing grants stay, new ones are refused).
 */
const AUTHORIZED_USERS = `
    SELECT a.object_ref AS application, a.subject_id AS user_id FROM "authorization" a
      WHERE a.object_type = 'application' AND a.subject_type = 'user'
    UNION
    SELECT a.object_ref, m.user_id FROM "authorization" a JOIN group_member m ON m.group_id = a.subject_id
      WHERE a.object_type = 'application' AND a.subject_type = 'group'`;
const USED_SQL = `SELECT count(DISTINCT u.user_id)::int AS used FROM (${AUTHORIZED_USERS}) u WHERE u.application = $1`;
const USED_BY_APPLICATION_SQL = `SELECT u.application, count(DISTINCT u.user_id)::int AS used FROM (${AUTHORIZED_USERS}) u GROUP BY u.application`;

@Injectable()
export class LicenceUsageRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Available / used / free for every application of the guide's table, in its order. */
  async usage(manager: EntityManager = this.db.dataSource.manager) {
    const available: { application_code: string; available: number }[] = await manager.query(
      `SELECT application_code, available FROM licence_application WHERE NOT EXISTS (SELECT 1 FROM licence_file WHERE expires_at < now())`,
    );
    const used = await this.usedByApplication(manager);
    return APPLICATIONS.map((app) => {
      const avail = available.find((a) => a.application_code === app.code)?.available ?? 0;
      return { application: app.code, label: app.label, available: avail, used: used[app.code], free: Math.max(0, avail - used[app.code]) };
    });
  }

  /** Users using each application's licence, for every application of the guide's table (one query). */
  async usedByApplication(manager: EntityManager = this.db.dataSource.manager): Promise<Record<ApplicationCode, number>> {
    const rows: { application: string; used: number }[] = await manager.query(USED_BY_APPLICATION_SQL);
    return Object.fromEntries(APPLICATIONS.map((app) => [app.code, rows.find((r) => r.application === app.code)?.used ?? 0])) as Record<ApplicationCode, number>;
  }

  async used(app: ApplicationCode, manager: EntityManager = this.db.dataSource.manager): Promise<number> {
    const r: { used: number }[] = await manager.query(USED_SQL, [app]);
    return r[0]?.used ?? 0;
  }

  /** Licences of the loaded file; none once the file has expired. */
  async available(app: ApplicationCode, manager: EntityManager = this.db.dataSource.manager): Promise<number> {
    const r: { available: number }[] = await manager.query(
      `SELECT available FROM licence_application WHERE application_code = $1 AND NOT EXISTS (SELECT 1 FROM licence_file WHERE expires_at < now())`,
      [app],
    );
    return r[0]?.available ?? 0;
  }

  /**
   * Call inside the transaction that adds an application authorization (or a member to a group
   * holding one), after the change: refuses (409 `licence_exceeded`, the transaction must roll
   * back) when more users would use the application than the licence allows. Locks the
   * application's licence row so concurrent grants cannot both slip under the limit.
   */
  async assertWithinLicence(app: ApplicationCode, manager: EntityManager): Promise<void> {
    await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`licence:${app}`]);
    const [available, used] = [await this.available(app, manager), await this.used(app, manager)];
    if (used > available) {
      const label = APPLICATIONS.find((a) => a.code === app)!.label;
      throw new ApiError(409, 'licence_exceeded', `${label}: this would use ${used} licences and ${available} are available (Security / Licences)`, [
        { application: app, available, used },
      ]);
    }
  }
}
