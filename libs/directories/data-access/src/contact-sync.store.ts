import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { MappedContact } from '@tws/directories-mapping';
import { DatabaseService } from '@tws/service';
import { upsertContacts } from './contact-store';
import { SYNC_LOCK_SQL } from './directories.repository';

export interface BatchResult {
  created: number;
  updated: number;
  unchanged: number;
  /** IDs already read earlier in this run: the later entries are ignored. */
  duplicates: string[];
}

/**
 * The write side of one synchronization: one transaction on one connection, holding the
 * directory's advisory lock (one synchronization per directory across every instance). Readers
 * keep seeing the previous contacts until `commit`; `rollback` (a failing or cancelled source)
 * leaves them exactly as they were. IDs seen during the run go to a temporary table, so memory
 * does not grow with the directory and the contacts that vanished are deleted in one statement.
 */
export class ContactSyncSession {
  private closed = false;

  constructor(
    private readonly qr: QueryRunner,
    readonly directoryId: string,
  ) {}

  /**
   * Writes a batch: upserts `contacts` by (directory, ID) and marks `alsoSeen` (entries that were
   * refused but identified: their previous version must stay) as seen.
   */
  async write(contacts: MappedContact[], alsoSeen: string[] = []): Promise<BatchResult> {
    const duplicates: string[] = [];
    const unique = new Map<string, MappedContact>();
    for (const c of contacts) {
      if (unique.has(c.externalId)) duplicates.push(c.externalId);
      else unique.set(c.externalId, c);
    }
    const ids = [...unique.keys(), ...alsoSeen.filter((id) => !unique.has(id))];
    const fresh = new Set<string>(
      ids.length
        ? ((await this.qr.query('INSERT INTO sync_seen (external_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING external_id', [ids], true)).records as { external_id: string }[]).map(
            (r) => r.external_id,
          )
        : [],
    );
    const toWrite: MappedContact[] = [];
    for (const [id, c] of unique) {
      if (fresh.has(id)) toWrite.push(c);
      else duplicates.push(id);
    }
    const written = await upsertContacts(this.qr, this.directoryId, null, toWrite);
    const created = written.filter((w) => w.inserted).length;
    return { created, updated: written.length - created, unchanged: toWrite.length - written.length, duplicates };
  }

  /** Contacts the directory holds now (what readers see until commit). */
  async contactCount(): Promise<number> {
    const r = await this.qr.query('SELECT count(*)::int AS n FROM contact WHERE directory_id = $1', [this.directoryId]);
    return (r as { n: number }[])[0]!.n;
  }

  /** Deletes the contacts of the directory that were not seen in this run; returns how many. */
  async deleteVanished(): Promise<number> {
    await this.qr.query('ANALYZE sync_seen');
    const r = await this.qr.query(
      `DELETE FROM contact c WHERE c.directory_id = $1 AND NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.external_id = c.external_id)`,
      [this.directoryId],
      true,
    );
    return r.affected ?? 0;
  }

  async commit(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.qr.commitTransaction();
    } finally {
      await this.qr.release();
    }
  }

  /** Undoes everything written in this run; never throws (the connection may be gone already). */
  async rollback(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.qr.rollbackTransaction().catch(() => undefined);
    await this.qr.release().catch(() => undefined);
  }
}

@Injectable()
export class ContactSyncStore {
  constructor(private readonly db: DatabaseService) {}

  /**
   * Opens the write session of a synchronization of the directory, or undefined when another one
   * (on any instance) holds it.
   */
  async open(directoryId: string): Promise<ContactSyncSession | undefined> {
    const qr = this.db.dataSource.createQueryRunner();
    await qr.connect();
    try {
      await qr.startTransaction('READ COMMITTED');
      const [lock] = (await qr.query(`SELECT ${SYNC_LOCK_SQL} AS ok`, [directoryId])) as { ok: boolean }[];
      if (!lock!.ok) {
        await qr.rollbackTransaction();
        await qr.release();
        return undefined;
      }
      await qr.query('CREATE TEMPORARY TABLE sync_seen (external_id text PRIMARY KEY) ON COMMIT DROP');
      return new ContactSyncSession(qr, directoryId);
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      await qr.release().catch(() => undefined);
      throw e;
    }
  }
}
