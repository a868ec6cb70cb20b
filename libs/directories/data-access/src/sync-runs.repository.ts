import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { DirectorySyncRunEntity, type ReportLine, type SyncRunStatus, type SyncTrigger } from './directories.entities';

export interface SyncCounters {
  read: number;
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
  ignored: number;
  ignoredReasons: ReportLine[];
  warnings: ReportLine[];
}

/** Runs kept per directory (the newest); older reports are deleted when a run ends. */
export const SYNC_RUNS_KEPT = 20;

/**
 * Synchronization runs: written on the pool (outside the run's own transaction), so progress is
 * visible to every instance while the run works.
 */
@Injectable()
export class SyncRunsRepository {
  constructor(private readonly db: DatabaseService) {}

  private get repo() {
    return this.db.dataSource.getRepository(DirectorySyncRunEntity);
  }

  create(directoryId: string, trigger: SyncTrigger, requestedBy: string | null, instance: string): Promise<DirectorySyncRunEntity> {
    return this.repo.save(
      this.repo.create({
        directoryId,
        trigger,
        requestedBy,
        instance,
        status: 'running',
        startedAt: new Date(),
        finishedAt: null,
        read: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        deleted: 0,
        ignored: 0,
        ignoredReasons: [],
        warnings: [],
        error: null,
        cancelRequested: false,
      }),
    );
  }

  /** Runs left "running" by an instance that died: their transaction is gone, so is their work. */
  async failStale(directoryId: string, reason: string): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE directory_sync_run SET status = 'failed', finished_at = now(), error = $2 WHERE directory_id = $1 AND status = 'running'`,
      [directoryId, reason],
    );
  }

  async progress(id: string, c: SyncCounters): Promise<void> {
    await this.repo.update({ id }, c);
  }

  async finish(id: string, status: Exclude<SyncRunStatus, 'running'>, c: SyncCounters, error: string | null): Promise<DirectorySyncRunEntity> {
    await this.repo.update({ id }, { ...c, status, error, finishedAt: new Date() });
    const run = (await this.repo.findOneBy({ id }))!;
    await this.db.dataSource.query(
      `DELETE FROM directory_sync_run WHERE directory_id = $1 AND status <> 'running'
         AND id NOT IN (SELECT id FROM directory_sync_run WHERE directory_id = $1 ORDER BY started_at DESC LIMIT $2)`,
      [run.directoryId, SYNC_RUNS_KEPT],
    );
    return run;
  }

  /** The newest runs first (`take` 1: the latest). */
  list(directoryId: string, take = SYNC_RUNS_KEPT): Promise<DirectorySyncRunEntity[]> {
    return this.repo.find({ where: { directoryId }, order: { startedAt: 'DESC' }, take });
  }

  async find(directoryId: string, id: string): Promise<DirectorySyncRunEntity | undefined> {
    return (await this.repo.findOneBy({ id, directoryId })) ?? undefined;
  }

  async running(directoryId: string): Promise<DirectorySyncRunEntity | undefined> {
    return (await this.repo.findOne({ where: { directoryId, status: 'running' }, order: { startedAt: 'DESC' } })) ?? undefined;
  }

  /** Asks the running synchronization of the directory to stop (the instance running it polls). */
  async requestCancel(directoryId: string): Promise<DirectorySyncRunEntity | undefined> {
    const r: [DirectorySyncRunEntity[], number] = await this.db.dataSource.query(
      `UPDATE directory_sync_run SET cancel_requested = true WHERE directory_id = $1 AND status = 'running' RETURNING id`,
      [directoryId],
    );
    const id = (r[0][0] as { id?: string } | undefined)?.id;
    return id ? this.find(directoryId, id) : undefined;
  }

  async cancelRequested(id: string): Promise<boolean> {
    const r: { c: boolean }[] = await this.db.dataSource.query('SELECT cancel_requested AS c FROM directory_sync_run WHERE id = $1', [id]);
    return r[0]?.c ?? true;
  }

  /** Latest run per directory of a domain. */
  async latest(domainId: string): Promise<Map<string, DirectorySyncRunEntity>> {
    const rows = await this.repo
      .createQueryBuilder('r')
      .distinctOn(['r.directory_id'])
      .innerJoin('directory', 'd', 'd.id = r.directory_id')
      .where('d.domain_id = :domainId', { domainId })
      .orderBy('r.directory_id')
      .addOrderBy('r.started_at', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [r.directoryId, r]));
  }
}
