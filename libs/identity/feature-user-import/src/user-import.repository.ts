import { Injectable } from '@nestjs/common';
import type { EntityManager, QueryRunner } from 'typeorm';
import { OWNED_OBJECT_TYPES } from '@tws/rights-data-access';
import { DatabaseService } from '@tws/service';
import type { ImportDevice, ImportSchedule } from './user-import.schemas';
import type { SourceType, UserFieldMapping } from './user-import.mapping';
import type { ExistingUser, ImportRow, NumberHolder, SyncType, UserPatch } from './user-import.plan';

export interface UserImportRow {
  id: string;
  domainId: string;
  description: string;
  sourceType: SourceType;
  syncType: SyncType;
  connector: Record<string, unknown>;
  passwordSealed: string | null;
  fields: UserFieldMapping;
  device: ImportDevice;
  groupId: string | null;
  culture: string;
  customizeNumber: boolean;
  schedule: ImportSchedule;
  lastRunAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ReportLine {
  reason: string;
  count: number;
  examples: string[];
}

export interface RunCounters {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  disabled: number;
  deleted: number;
  ignored: number;
  ignoredReasons: ReportLine[];
  warnings: string[];
  /** Logins per action (at most RUN_DETAIL_LOGINS each). */
  details: Partial<Record<'created' | 'updated' | 'disabled' | 'deleted', string[]>>;
}

export interface UserImportRunRow extends RunCounters {
  id: string;
  importId: string;
  requestedBy: string | null;
  dryRun: boolean;
  status: 'running' | 'succeeded' | 'failed';
  syncType: SyncType;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** Runs kept per import (the newest). */
export const RUNS_KEPT = 20;

/** One run at a time per domain (so two imports never fight over the same users and numbers), across every instance. */
export const IMPORT_LOCK_SQL = `pg_try_advisory_xact_lock(hashtext('tws.user-import'), hashtext($1::text))`;

const IMPORT_COLUMNS = `id, domain_id AS "domainId", description, source_type AS "sourceType", sync_type AS "syncType", connector,
  password_sealed AS "passwordSealed", field_mapping AS "fields", device, group_id AS "groupId", culture,
  customize_number AS "customizeNumber", schedule, last_run_at AS "lastRunAt", created_at AS "createdAt", updated_at AS "updatedAt"`;
const RUN_COLUMNS = `id, import_id AS "importId", requested_by AS "requestedBy", dry_run AS "dryRun", status, sync_type AS "syncType",
  started_at AS "startedAt", finished_at AS "finishedAt", read, created, updated, unchanged, disabled, deleted, ignored,
  ignored_reasons AS "ignoredReasons", warnings, details, error`;

export type ImportWrite = Omit<UserImportRow, 'id' | 'domainId' | 'lastRunAt' | 'createdAt' | 'updatedAt'>;

/** The user_import tables (written by web-services only). */
@Injectable()
export class UserImportRepository {
  constructor(private readonly db: DatabaseService) {}

  private q<T>(sql: string, params: unknown[] = [], m: EntityManager = this.db.dataSource.manager): Promise<T> {
    return m.query(sql, params);
  }

  async create(domainId: string, w: ImportWrite): Promise<UserImportRow> {
    const rows = await this.q<UserImportRow[]>(
      `INSERT INTO user_import (domain_id, description, source_type, sync_type, connector, password_sealed, field_mapping, device, group_id, culture, customize_number, schedule)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING ${IMPORT_COLUMNS}`,
      [domainId, w.description, w.sourceType, w.syncType, w.connector, w.passwordSealed, w.fields, w.device, w.groupId, w.culture, w.customizeNumber, w.schedule],
    );
    return rows[0]!;
  }

  async update(id: string, w: ImportWrite): Promise<UserImportRow> {
    const r = await this.q<[UserImportRow[], number]>(
      `UPDATE user_import SET description = $2, source_type = $3, sync_type = $4, connector = $5, password_sealed = $6, field_mapping = $7, device = $8,
         group_id = $9, culture = $10, customize_number = $11, schedule = $12, updated_at = now() WHERE id = $1 RETURNING ${IMPORT_COLUMNS}`,
      [id, w.description, w.sourceType, w.syncType, w.connector, w.passwordSealed, w.fields, w.device, w.groupId, w.culture, w.customizeNumber, w.schedule],
    );
    return r[0][0]!;
  }

  list(domainId: string): Promise<UserImportRow[]> {
    return this.q(`SELECT ${IMPORT_COLUMNS} FROM user_import WHERE domain_id = $1 ORDER BY lower(description)`, [domainId]);
  }

  async find(domainId: string, id: string): Promise<UserImportRow | undefined> {
    return (await this.q<UserImportRow[]>(`SELECT ${IMPORT_COLUMNS} FROM user_import WHERE domain_id = $1 AND id = $2`, [domainId, id]))[0];
  }

  /** Imports that run by themselves, with the start of their latest run (previews aside). */
  scheduled(): Promise<{ id: string; domainId: string; lastStartedAt: Date | null }[]> {
    return this.q(
      `SELECT i.id, i.domain_id AS "domainId", (SELECT max(r.started_at) FROM user_import_run r WHERE r.import_id = i.id AND NOT r.dry_run) AS "lastStartedAt"
         FROM user_import i WHERE i.schedule = 'daily'`,
    );
  }

  async lastStartedAt(importId: string): Promise<Date | null> {
    const r = await this.q<{ at: Date | null }[]>('SELECT max(started_at) AS at FROM user_import_run WHERE import_id = $1 AND NOT dry_run', [importId]);
    return r[0]?.at ?? null;
  }

  async descriptionTaken(domainId: string, description: string, exceptId?: string): Promise<boolean> {
    const r = await this.q<unknown[]>(`SELECT 1 FROM user_import WHERE domain_id = $1 AND lower(description) = lower($2) AND id IS DISTINCT FROM $3::uuid`, [domainId, description, exceptId ?? null]);
    return r.length > 0;
  }

  async groupInDomain(domainId: string, groupId: string, m?: EntityManager): Promise<boolean> {
    return (await this.q<unknown[]>('SELECT 1 FROM tws_group WHERE domain_id = $1 AND id = $2', [domainId, groupId], m)).length > 0;
  }

  async memberCount(importId: string): Promise<number> {
    return (await this.q<{ n: number }[]>('SELECT count(*)::int AS n FROM user_import_member WHERE import_id = $1', [importId]))[0]!.n;
  }

  /** Deletes the import (its links and reports go with it; its users stay), unless one of its domain's imports runs (undefined). */
  async delete(domainId: string, id: string): Promise<boolean | undefined> {
    return this.db.dataSource.transaction(async (tx) => {
      const [lock] = await tx.query(`SELECT ${IMPORT_LOCK_SQL} AS ok`, [domainId]);
      if (!(lock as { ok: boolean }).ok) return undefined;
      const r = await tx.query('DELETE FROM user_import WHERE id = $1', [id]);
      return (r as [unknown, number])[1] > 0;
    });
  }

  // runs
  async createRun(importId: string, syncType: SyncType, requestedBy: string | null, dryRun: boolean, instance: string): Promise<UserImportRunRow> {
    return (await this.q<UserImportRunRow[]>(
      `INSERT INTO user_import_run (import_id, sync_type, requested_by, dry_run, status, instance) VALUES ($1, $2, $3, $4, 'running', $5) RETURNING ${RUN_COLUMNS}`,
      [importId, syncType, requestedBy, dryRun, instance],
    ))[0]!;
  }

  /** Runs of the domain left "running" by an instance that died: their transaction is gone, so is their work. */
  async failStale(domainId: string, reason: string): Promise<void> {
    await this.q(
      `UPDATE user_import_run SET status = 'failed', finished_at = now(), error = $2
        WHERE status = 'running' AND import_id IN (SELECT id FROM user_import WHERE domain_id = $1)`,
      [domainId, reason],
    );
  }

  async progress(id: string, read: number): Promise<void> {
    await this.q('UPDATE user_import_run SET read = $2 WHERE id = $1', [id, read]);
  }

  async finish(id: string, status: 'succeeded' | 'failed', c: RunCounters, error: string | null): Promise<void> {
    const r = await this.q<[{ import_id: string }[], number]>(
      `UPDATE user_import_run SET status = $2, finished_at = now(), read = $3, created = $4, updated = $5, unchanged = $6, disabled = $7, deleted = $8,
         ignored = $9, ignored_reasons = $10, warnings = $11, details = $12, error = $13 WHERE id = $1 RETURNING import_id`,
      [id, status, c.read, c.created, c.updated, c.unchanged, c.disabled, c.deleted, c.ignored, JSON.stringify(c.ignoredReasons), JSON.stringify(c.warnings), JSON.stringify(c.details), error],
    );
    const importId = r[0][0]?.import_id;
    if (importId) {
      await this.q(
        `DELETE FROM user_import_run WHERE import_id = $1 AND status <> 'running'
           AND id NOT IN (SELECT id FROM user_import_run WHERE import_id = $1 ORDER BY started_at DESC LIMIT $2)`,
        [importId, RUNS_KEPT],
      );
    }
  }

  /** The newest runs first (`limit` 1: the latest). */
  listRuns(importId: string, limit = RUNS_KEPT): Promise<UserImportRunRow[]> {
    return this.q(`SELECT ${RUN_COLUMNS} FROM user_import_run WHERE import_id = $1 ORDER BY started_at DESC LIMIT $2`, [importId, limit]);
  }

  async findRun(importId: string, id: string): Promise<UserImportRunRow | undefined> {
    return (await this.q<UserImportRunRow[]>(`SELECT ${RUN_COLUMNS} FROM user_import_run WHERE import_id = $1 AND id = $2`, [importId, id]))[0];
  }

  /** The run in progress in the domain, if any. */
  async runningInDomain(domainId: string): Promise<(UserImportRunRow & { description: string }) | undefined> {
    return (await this.q<(UserImportRunRow & { description: string })[]>(
      `SELECT ${RUN_COLUMNS.replace(/(^|,\s*)(\w+)/g, '$1r.$2')}, i.description FROM user_import_run r JOIN user_import i ON i.id = r.import_id
        WHERE i.domain_id = $1 AND r.status = 'running' ORDER BY r.started_at DESC LIMIT 1`,
      [domainId],
    ))[0];
  }

  /** Opens the transaction of a run holding the domain's import lock; undefined when another run holds it. */
  async openRun(domainId: string): Promise<QueryRunner | undefined> {
    const qr = this.db.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction('READ COMMITTED');
      const [lock] = (await qr.query(`SELECT ${IMPORT_LOCK_SQL} AS ok`, [domainId])) as { ok: boolean }[];
      if (!lock!.ok) {
        await qr.rollbackTransaction();
        await qr.release();
        return undefined;
      }
      return qr;
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      await qr.release().catch(() => undefined);
      throw e;
    }
  }
}

/** The writes of one run, inside its transaction. */
export class ImportWriter {
  constructor(
    private readonly m: EntityManager,
    private readonly domainId: string,
    private readonly importId: string,
  ) {}

  /** The domain's users with their devices and their link to an import. */
  async existingUsers(): Promise<ExistingUser[]> {
    const rows: (Omit<ExistingUser, 'link' | 'otherImport'> & { importId: string | null; externalId: string | null; disabledByImport: boolean | null; importDescription: string | null })[] =
      await this.m.query(
        `SELECT u.id, u.username, u.first_name AS "firstName", u.last_name AS "lastName", u.email, u.gsm, u.culture, u.enabled, u.private_fields AS "privateFields",
                COALESCE((SELECT json_agg(json_build_object('id', d.id, 'number', d.number) ORDER BY d.created_at, d.id) FROM device d WHERE d.user_id = u.id), '[]') AS devices,
                m.import_id AS "importId", m.external_id AS "externalId", m.disabled_by_import AS "disabledByImport", i.description AS "importDescription"
           FROM tws_user u LEFT JOIN user_import_member m ON m.user_id = u.id LEFT JOIN user_import i ON i.id = m.import_id
          WHERE u.domain_id = $1`,
        [this.domainId],
      );
    return rows.map(({ importId, externalId, disabledByImport, importDescription, ...u }) => ({
      ...u,
      ...(importId === this.importId ? { link: { externalId: externalId!, disabledByImport: disabledByImport! } } : {}),
      ...(importId && importId !== this.importId ? { otherImport: importDescription ?? importId } : {}),
    }));
  }

  async numberHolders(): Promise<NumberHolder[]> {
    return this.m.query(
      `SELECT n.number, n.owner_type AS "ownerType", n.owner_id AS "ownerId", d.user_id AS "userId"
         FROM domain_number n LEFT JOIN device d ON n.owner_type = 'device' AND d.id = n.owner_id WHERE n.domain_id = $1`,
      [this.domainId],
    );
  }

  /** Deletes users as the users API does: with the authorizations about them (devices, memberships, links go by foreign keys). */
  async deleteUsers(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.m.query(
      `DELETE FROM "authorization" WHERE (subject_type = 'user' AND subject_id = ANY($1::uuid[]))
         OR (object_type = ANY($2::text[]) AND object_ref = ANY($1::text[]))`,
      [ids, OWNED_OBJECT_TYPES],
    );
    await this.m.query('DELETE FROM tws_user WHERE id = ANY($1::uuid[])', [ids]);
  }

  async disableUsers(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.m.query('UPDATE tws_user SET enabled = false, updated_at = now() WHERE id = ANY($1::uuid[])', [ids]);
    await this.m.query('UPDATE user_import_member SET disabled_by_import = true WHERE user_id = ANY($1::uuid[])', [ids]);
  }

  async updateUser(id: string, patch: UserPatch): Promise<void> {
    const columns: Record<keyof UserPatch, string> = {
      username: 'username',
      firstName: 'first_name',
      lastName: 'last_name',
      email: 'email',
      gsm: 'gsm',
      culture: 'culture',
      enabled: 'enabled',
      privateFields: 'private_fields',
    };
    const entries = Object.entries(patch) as [keyof UserPatch, unknown][];
    if (!entries.length) return;
    const sets = entries.map(([k], i) => `${columns[k]} = $${i + 2}`);
    await this.m.query(`UPDATE tws_user SET ${sets.join(', ')}, updated_at = now() WHERE id = $1`, [id, ...entries.map(([k, v]) => (k === 'privateFields' ? JSON.stringify(v) : v))]);
  }

  async setDeviceNumber(deviceId: string, number: string): Promise<void> {
    await this.m.query('UPDATE device SET number = $2 WHERE id = $1', [deviceId, number]);
  }

  /** Creates users with one device each; returns their ids by login (lower case). */
  async createUsers(rows: ImportRow[], device: ImportDevice): Promise<Map<string, string>> {
    const ids = new Map<string, string>();
    if (!rows.length) return ids;
    const users = rows.map((r) => ({ username: r.username, first_name: r.firstName, last_name: r.lastName, email: r.email, gsm: r.gsm, culture: r.culture, private_fields: nonEmpty(r.privateFields) }));
    const created: { id: string; username: string }[] = await this.m.query(
      `INSERT INTO tws_user (domain_id, username, first_name, last_name, email, gsm, culture, private_fields, enabled)
       SELECT $1, x.username, x.first_name, x.last_name, x.email, x.gsm, x.culture, x.private_fields, true
         FROM jsonb_to_recordset($2::jsonb) AS x(username text, first_name text, last_name text, email text, gsm text, culture text, private_fields jsonb)
       RETURNING id, username`,
      [this.domainId, JSON.stringify(users)],
    );
    for (const c of created) ids.set(c.username.toLowerCase(), c.id);
    await this.addDevices(rows.map((r) => ({ userId: ids.get(r.username.toLowerCase())!, number: r.number })), device);
    return ids;
  }

  async addDevices(list: { userId: string; number: string }[], device: ImportDevice): Promise<void> {
    if (!list.length) return;
    await this.m.query(
      `INSERT INTO device (user_id, domain_id, number, protocol, video, softphone, one_number, sip_proxy, sip_proxy_port)
       SELECT x.user_id, $1, x.number, $3, $4, $5, $6, $7, $8 FROM jsonb_to_recordset($2::jsonb) AS x(user_id uuid, number text)`,
      [this.domainId, JSON.stringify(list.map((d) => ({ user_id: d.userId, number: d.number }))), device.protocol, device.video, device.softphone, device.oneNumber, device.sipProxy ?? null, device.sipProxyPort ?? null],
    );
  }

  /** Links users to this import under their source ID (enabled again from the import's point of view). */
  async link(list: { userId: string; externalId: string }[]): Promise<void> {
    if (!list.length) return;
    // Free the IDs first: a user may take over the ID another user of this import had.
    await this.m.query('DELETE FROM user_import_member WHERE import_id = $1 AND external_id = ANY($2::text[]) AND NOT (user_id = ANY($3::uuid[]))', [
      this.importId,
      list.map((l) => l.externalId),
      list.map((l) => l.userId),
    ]);
    await this.m.query(
      `INSERT INTO user_import_member (user_id, import_id, external_id, disabled_by_import)
       SELECT x.user_id, $1, x.external_id, false FROM jsonb_to_recordset($2::jsonb) AS x(user_id uuid, external_id text)
       ON CONFLICT (user_id) DO UPDATE SET import_id = excluded.import_id, external_id = excluded.external_id, disabled_by_import = false`,
      [this.importId, JSON.stringify(list.map((l) => ({ user_id: l.userId, external_id: l.externalId })))],
    );
  }

  /** Adds users to the group; returns the applications the group holds (their licences must be checked). */
  async addToGroup(groupId: string, userIds: string[]): Promise<{ added: number; applications: string[] }> {
    if (!userIds.length) return { added: 0, applications: [] };
    const added: unknown[] = await this.m.query('INSERT INTO group_member (group_id, user_id) SELECT $1, unnest($2::uuid[]) ON CONFLICT DO NOTHING RETURNING user_id', [groupId, userIds]);
    if (!added.length) return { added: 0, applications: [] };
    const apps: { object_ref: string }[] = await this.m.query(
      `SELECT DISTINCT object_ref FROM "authorization" WHERE object_type = 'application' AND subject_type = 'group' AND subject_id = $1 ORDER BY object_ref`,
      [groupId],
    );
    return { added: added.length, applications: apps.map((a) => a.object_ref) };
  }

  async markRun(): Promise<void> {
    await this.m.query('UPDATE user_import SET last_run_at = now() WHERE id = $1', [this.importId]);
  }
}

const nonEmpty = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ''));
