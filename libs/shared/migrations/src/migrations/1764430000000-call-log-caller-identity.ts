import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who the other party of a call-log row is (guide 8: reverse lookup on every call): the name and
 * company of the contact the directories give for the remote number, as the row's user may see
 * them, and where it came from. `remote_looked_up` is the number the name was looked up for, so
 * a row is looked up once per remote number (again only if the number changes: a transfer).
 */
export class CallLogCallerIdentity1764430000000 implements MigrationInterface {
  name = 'CallLogCallerIdentity1764430000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE call_log
        ADD COLUMN remote_name text,
        ADD COLUMN remote_company text,
        ADD COLUMN remote_source text CHECK (remote_source IN ('directory', 'tws-user')),
        ADD COLUMN remote_directory_id uuid,
        ADD COLUMN remote_contact_id text,
        ADD COLUMN remote_looked_up text;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE call_log
        DROP COLUMN remote_name, DROP COLUMN remote_company, DROP COLUMN remote_source,
        DROP COLUMN remote_directory_id, DROP COLUMN remote_contact_id, DROP COLUMN remote_looked_up;
    `);
  }
}
