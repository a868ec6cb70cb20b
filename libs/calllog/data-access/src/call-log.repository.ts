import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { CallLogEntity, type CallLogIdentity } from './call-log.entity';

/** The fields of a call-log row the call model computes (no id, no caller identity). */
export type CallLogParty = Omit<CallLogEntity, 'id' | 'updatedAt' | keyof CallLogIdentity>;

/** A row whose remote number has not been looked up yet. */
export interface IdentityPending {
  id: string;
  domainId: string;
  device: string;
  remoteNumber: string;
}

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
      const next = reduce(current ? partyOf(current) : undefined);
      if (!next) return true;
      if (current) await repo.update({ id: current.id }, { ...next, updatedAt: new Date() });
      else await repo.insert(next);
      return true;
    });
  }

  /** The party's row when its remote number is known but not looked up for yet. */
  async identityPending(key: { domainId: string; device: string; callRef: string }): Promise<IdentityPending | undefined> {
    const [row] = (await this.db.dataSource.query(
      `SELECT id, remote_number FROM call_log
        WHERE domain_id = $1 AND device = $2 AND call_ref = $3
          AND remote_number IS NOT NULL AND remote_looked_up IS DISTINCT FROM remote_number`,
      [key.domainId, key.device, key.callRef],
    )) as { id: string; remote_number: string }[];
    return row ? { id: row.id, domainId: key.domainId, device: key.device, remoteNumber: row.remote_number } : undefined;
  }

  /**
   * Rows written within `sinceMs` whose remote number was never looked up: a failed lookup left
   * them. Rows written in the last 2 s are left to the event being processed.
   */
  async identityBacklog(sinceMs: number, limit: number): Promise<IdentityPending[]> {
    const rows = (await this.db.dataSource.query(
      `SELECT id, domain_id, device, remote_number FROM call_log
        WHERE updated_at > now() - make_interval(secs => $1) AND updated_at < now() - interval '2 seconds'
          AND remote_number IS NOT NULL
          AND remote_looked_up IS DISTINCT FROM remote_number
        ORDER BY updated_at DESC LIMIT $2`,
      [sinceMs / 1000, limit],
    )) as { id: string; domain_id: string; device: string; remote_number: string }[];
    return rows.map((r) => ({ id: r.id, domainId: r.domain_id, device: r.device, remoteNumber: r.remote_number }));
  }

  /** Records who the remote number is (or that nobody is: all null), unless the number changed meanwhile. */
  async setIdentity(id: string, lookedUp: string, identity: Omit<CallLogIdentity, 'remoteLookedUp'>): Promise<void> {
    await this.db.dataSource.query(
      `UPDATE call_log SET remote_name = $3, remote_company = $4, remote_source = $5, remote_directory_id = $6,
              remote_contact_id = $7, remote_looked_up = $2, updated_at = now()
        WHERE id = $1 AND remote_number = $2`,
      [id, lookedUp, identity.remoteName, identity.remoteCompany, identity.remoteSource, identity.remoteDirectoryId, identity.remoteContactId],
    );
  }

  /** The user a device of the domain belongs to (null: an intercom group's, a queue's, or unknown). */
  async userOfDevice(domainId: string, device: string): Promise<string | null> {
    const [row] = (await this.db.dataSource.query(`SELECT user_id FROM device WHERE domain_id = $1 AND number = $2`, [domainId, device])) as { user_id: string }[];
    return row?.user_id ?? null;
  }

  /** Completed calls of the given devices, newest first (with the remote party's identity). */
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

function partyOf(row: CallLogEntity): CallLogParty {
  return {
    domainId: row.domainId,
    device: row.device,
    callRef: row.callRef,
    direction: row.direction,
    answered: row.answered,
    remoteNumber: row.remoteNumber,
    startedAt: row.startedAt,
    answeredAt: row.answeredAt,
    endedAt: row.endedAt,
  };
}
