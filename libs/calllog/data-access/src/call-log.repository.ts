import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { CallLogEntity } from './call-log.entity';

/** The fields of a call-log row the call model computes (no id). */
export type CallLogParty = Omit<CallLogEntity, 'id' | 'updatedAt'>;

@Injectable()
export class CallLogRepository {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Applies one event exactly once: records the event id, reads the party's row under a lock,
   * lets `reduce` compute the new row, writes it — all in one transaction. Returns false when
   * the event had already been applied.
   */
  async applyOnce(
    eventId: string,
    key: { domainId: string; device: string; callRef: string },
    reduce: (current: CallLogParty | undefined) => CallLogParty | undefined,
  ): Promise<boolean> {
    return this.db.dataSource.transaction(async (tx) => {
      const fresh = await tx.query(
        'INSERT INTO call_event_processed (event_id) VALUES ($1) ON CONFLICT DO NOTHING RETURNING event_id',
        [eventId],
      );
      if (fresh.length === 0) return false;
      const repo = tx.getRepository(CallLogEntity);
      const current = await repo.findOne({ where: key, lock: { mode: 'pessimistic_write' } });
      const next = reduce(current ?? undefined);
      if (!next) return true;
      if (current) await repo.update({ id: current.id }, { ...next, updatedAt: new Date() });
      else await repo.insert(next);
      return true;
    });
  }

  /** Completed calls of the given devices, newest first. */
  listEnded(domainId: string, devices: string[], opts: { limit: number; before?: Date }) {
    if (devices.length === 0) return Promise.resolve([]);
    const q = this.db.dataSource
      .getRepository(CallLogEntity)
      .createQueryBuilder('c')
      .where('c.domain_id = :domainId AND c.device IN (:...devices) AND c.ended_at IS NOT NULL', { domainId, devices })
      .orderBy('c.started_at', 'DESC')
      .take(opts.limit);
    if (opts.before) q.andWhere('c.started_at < :before', { before: opts.before });
    return q.getMany();
  }
}
