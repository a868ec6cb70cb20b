import type { MigrationInterface, QueryRunner } from 'typeorm';

/** ODBC directories (guide 8.4): the server type `odbc` joins the allowed ones. */
export class DirectoryOdbc1764415000000 implements MigrationInterface {
  name = 'DirectoryOdbc1764415000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE directory DROP CONSTRAINT directory_server_type_check;
      ALTER TABLE directory ADD CONSTRAINT directory_server_type_check CHECK (server_type IN ('tws-users', 'tws-contacts', 'ldap', 'odbc'));
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM directory WHERE server_type = 'odbc';
      ALTER TABLE directory DROP CONSTRAINT directory_server_type_check;
      ALTER TABLE directory ADD CONSTRAINT directory_server_type_check CHECK (server_type IN ('tws-users', 'tws-contacts', 'ldap'));
    `);
  }
}
