import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Number search (prefixes typed by users) walks each directory in number order and stops at the
 * end of the page: an index per directory on the numbers a search may match (not red-listed, not
 * invisible). The index on (canonical, directory) stays for reverse lookup's equality across the
 * authorized directories. See docs/performance.md.
 */
export class ContactNumberSearch1764420000000 implements MigrationInterface {
  name = 'ContactNumberSearch1764420000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX contact_phone_search_idx ON contact_phone (directory_id, canonical text_pattern_ops)
        WHERE canonical IS NOT NULL AND NOT red_list AND NOT invisible;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX contact_phone_search_idx');
  }
}
