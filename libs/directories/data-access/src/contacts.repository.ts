import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { MappedContact } from '@tws/directories-mapping';
import { searchWords, prefixTsQuery } from '@tws/directories-mapping';
import { DatabaseService } from '@tws/service';
import { CONTACT_COLUMNS, upsertContacts, type ContactRow } from './contact-store';

/**
 * Contacts of a directory for the administrator: browsing any directory, and writing the contacts
 * of TWS contacts directories (public ones, and the private `[TwsPrivate]` contacts of users, 9.1.1).
 */
@Injectable()
export class ContactsRepository {
  constructor(private readonly db: DatabaseService) {}

  async list(directoryId: string, opts: { search?: string; ownerUserId?: string; offset: number; limit: number }): Promise<[ContactRow[], number]> {
    const params: unknown[] = [directoryId, opts.ownerUserId ?? null];
    let filter = '';
    const words = opts.search ? searchWords(opts.search) : [];
    if (words.length) {
      params.push(prefixTsQuery(words));
      filter = `AND c.search_vector @@ to_tsquery('simple', $3)`;
    }
    const where = `c.directory_id = $1 AND ($2::uuid IS NULL OR c.owner_user_id = $2) ${filter}`;
    const [rows, count]: [ContactRow[], { n: number }[]] = await Promise.all([
      this.db.dataSource.query(
        `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE ${where} ORDER BY c.sort_key, c.id OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
        [...params, opts.offset, opts.limit],
      ),
      this.db.dataSource.query(`SELECT count(*)::int AS n FROM contact c WHERE ${where}`, params),
    ]);
    return [rows, count[0]?.n ?? 0];
  }

  /** A user's own private contacts (9.1.1) in the given private directories, in name order. */
  async listOwned(directoryIds: string[], ownerUserId: string, opts: { search?: string; offset: number; limit: number }): Promise<[ContactRow[], number]> {
    if (directoryIds.length === 0) return [[], 0];
    const params: unknown[] = [directoryIds, ownerUserId];
    const words = opts.search ? searchWords(opts.search) : [];
    if (words.length) params.push(prefixTsQuery(words));
    const where = `c.directory_id = ANY($1::uuid[]) AND c.owner_user_id = $2 ${words.length ? `AND c.search_vector @@ to_tsquery('simple', $3)` : ''}`;
    const [rows, count]: [ContactRow[], { n: number }[]] = await Promise.all([
      this.db.dataSource.query(
        `SELECT ${CONTACT_COLUMNS} FROM contact c WHERE ${where} ORDER BY c.sort_key, c.id OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
        [...params, opts.offset, opts.limit],
      ),
      this.db.dataSource.query(`SELECT count(*)::int AS n FROM contact c WHERE ${where}`, params),
    ]);
    return [rows, count[0]?.n ?? 0];
  }

  /** One of a user's own private contacts, if it is in one of the given directories. */
  async findOwned(directoryIds: string[], ownerUserId: string, id: string): Promise<ContactRow | undefined> {
    if (directoryIds.length === 0) return undefined;
    const r: ContactRow[] = await this.db.dataSource.query(`SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.directory_id = ANY($1::uuid[]) AND c.owner_user_id = $2 AND c.id = $3`, [
      directoryIds,
      ownerUserId,
      id,
    ]);
    return r[0];
  }

  async find(directoryId: string, id: string): Promise<ContactRow | undefined> {
    const r: ContactRow[] = await this.db.dataSource.query(`SELECT ${CONTACT_COLUMNS} FROM contact c WHERE c.directory_id = $1 AND c.id = $2`, [directoryId, id]);
    return r[0];
  }

  /** Writes one contact (created or replaced by its ID) with its phones, in one transaction. */
  async save(directoryId: string, ownerUserId: string | null, contact: MappedContact): Promise<ContactRow> {
    const id = await this.db.dataSource.transaction(async (tx) => {
      await upsertContacts(tx.queryRunner as QueryRunner, directoryId, ownerUserId, [contact]);
      const r: { id: string }[] = await tx.query('SELECT id FROM contact WHERE directory_id = $1 AND external_id = $2', [directoryId, contact.externalId]);
      return r[0]!.id;
    });
    return (await this.find(directoryId, id))!;
  }

  async delete(id: string): Promise<void> {
    await this.db.dataSource.query('DELETE FROM contact WHERE id = $1', [id]);
  }
}
