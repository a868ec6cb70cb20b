import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { DirectoryEntity } from './directories.entities';

type NewDirectory = Omit<DirectoryEntity, 'id' | 'createdAt' | 'updatedAt' | 'lastSyncedAt'>;
export type DirectoryPatch = Partial<Omit<DirectoryEntity, 'id' | 'domainId' | 'createdAt' | 'updatedAt'>>;

/** An authorization removed with the directory it was about. */
export interface RemovedDirectoryAuthorization {
  id: string;
  subjectType: string;
  subjectId: string;
}

/** A directory as the scheduler sees it, with the start of its latest run. */
export interface ScheduledDirectory {
  id: string;
  domainId: string;
  name: string;
  syncMode: 'daily' | 'frequent';
  syncEvery: number | null;
  syncUnit: 'minutes' | 'hours' | null;
  lastStartedAt: Date | null;
}

/** Advisory lock of a directory's synchronization: (namespace, directory) → one run at a time, everywhere. */
export const SYNC_LOCK_SQL = `pg_try_advisory_xact_lock(hashtext('tws.directory-sync'), hashtext($1::text))`;

/**
 * Directories (guide 8.1). Written by web-services only. Deleting one removes its contacts, runs
 * (foreign keys) and the authorizations that grant it (7.4.2), in one transaction.
 */
@Injectable()
export class DirectoriesRepository {
  constructor(private readonly db: DatabaseService) {}

  private get repo() {
    return this.db.dataSource.getRepository(DirectoryEntity);
  }

  create(fields: NewDirectory): Promise<DirectoryEntity> {
    return this.repo.save(this.repo.create(fields));
  }

  list(domainId: string): Promise<DirectoryEntity[]> {
    return this.repo.createQueryBuilder('d').where('d.domain_id = :domainId', { domainId }).orderBy('d.priority', 'ASC').addOrderBy('lower(d.name)', 'ASC').getMany();
  }

  async find(domainId: string, id: string): Promise<DirectoryEntity | undefined> {
    return (await this.repo.findOneBy({ id, domainId })) ?? undefined;
  }

  async findById(id: string): Promise<DirectoryEntity | undefined> {
    return (await this.repo.findOneBy({ id })) ?? undefined;
  }

  /**
   * The private TWS contacts directories (9.1.1 `[TwsPrivate]`) of a domain among `ids` (the ones a
   * user is authorized to), by priority: where that user writes its own contacts.
   */
  privateContactDirectories(domainId: string, ids: string[]): Promise<DirectoryEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.repo
      .createQueryBuilder('d')
      .where(`d.domain_id = :domainId AND d.id IN (:...ids) AND d.type = 'private' AND d.server_type = 'tws-contacts'`, { domainId, ids })
      .orderBy('d.priority', 'ASC')
      .addOrderBy('lower(d.name)', 'ASC')
      .addOrderBy('d.id', 'ASC')
      .getMany();
  }

  async findByName(domainId: string, name: string): Promise<DirectoryEntity | undefined> {
    return (await this.repo.createQueryBuilder('d').where('d.domain_id = :domainId AND lower(d.name) = lower(:name)', { domainId, name }).getOne()) ?? undefined;
  }

  async update(id: string, patch: DirectoryPatch): Promise<DirectoryEntity> {
    if (Object.keys(patch).length) await this.repo.update({ id }, patch as never);
    return (await this.repo.findOneBy({ id }))!;
  }

  async markSynced(id: string, at: Date): Promise<void> {
    await this.db.dataSource.query('UPDATE directory SET last_synced_at = $2 WHERE id = $1', [id, at]);
  }

  /**
   * Deletes the directory with its contacts, runs and authorizations. Undefined (nothing deleted)
   * when a synchronization holds it: it must be cancelled (or end) first.
   */
  delete(id: string): Promise<RemovedDirectoryAuthorization[] | undefined> {
    return this.db.dataSource.transaction(async (tx) => {
      const [lock]: { ok: boolean }[] = await tx.query(`SELECT ${SYNC_LOCK_SQL} AS ok`, [id]);
      if (!lock!.ok) return undefined;
      const [removed]: [{ id: string; subject_type: string; subject_id: string }[], number] = await tx.query(
        `DELETE FROM "authorization" WHERE object_type = 'directory' AND object_ref = $1::text RETURNING id, subject_type, subject_id`,
        [id],
      );
      await tx.query('DELETE FROM directory WHERE id = $1', [id]);
      return removed.map((r) => ({ id: r.id, subjectType: r.subject_type, subjectId: r.subject_id }));
    });
  }

  /** Directories that synchronize by themselves (daily or high frequency), not drafts. */
  scheduled(): Promise<ScheduledDirectory[]> {
    return this.db.dataSource.query(
      `SELECT d.id, d.domain_id AS "domainId", d.name, d.sync_mode AS "syncMode", d.sync_every AS "syncEvery", d.sync_unit AS "syncUnit",
              (SELECT max(r.started_at) FROM directory_sync_run r WHERE r.directory_id = d.id) AS "lastStartedAt"
       FROM directory d
       WHERE d.sync_mode <> 'manual' AND d.type <> 'draft' AND d.server_type <> 'tws-contacts'
       ORDER BY d.priority, d.id`,
    );
  }

  /** Counts of contacts per directory of a domain. */
  async contactCounts(domainId: string): Promise<Map<string, number>> {
    const rows: { id: string; n: number }[] = await this.db.dataSource.query(
      `SELECT d.id, (SELECT count(*) FROM contact c WHERE c.directory_id = d.id)::int AS n FROM directory d WHERE d.domain_id = $1`,
      [domainId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** The user if it belongs to the domain (private contacts, "as user" routes). */
  async userOfDomain(domainId: string, userId: string): Promise<{ id: string; username: string } | undefined> {
    const r: { id: string; username: string }[] = await this.db.dataSource.query('SELECT id, username FROM tws_user WHERE id = $1 AND domain_id = $2', [userId, domainId]);
    return r[0];
  }
}
