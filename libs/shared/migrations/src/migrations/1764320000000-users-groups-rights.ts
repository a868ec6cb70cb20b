import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and devices with every field of the guide (3.3.4, 9.3); groups and membership (7.3);
 * authorizations (7.4); licences (3.3.1, 3.3.2). The features come in their own libraries.
 */
export class UsersGroupsRights1764320000000 implements MigrationInterface {
  name = 'UsersGroupsRights1764320000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tws_user
        ADD COLUMN password_hash text,
        ADD COLUMN ip text,
        ADD COLUMN culture text NOT NULL DEFAULT 'en-US',
        ADD COLUMN voicemail_password_sealed text,
        ADD COLUMN private_fields jsonb NOT NULL DEFAULT '{}'::jsonb;

      ALTER TABLE device
        ADD COLUMN password_sealed text,
        ADD COLUMN ip text,
        ADD COLUMN video boolean NOT NULL DEFAULT false,
        ADD COLUMN client_port int CHECK (client_port BETWEEN 1 AND 65535),
        ADD COLUMN cco_count int NOT NULL DEFAULT 0 CHECK (cco_count BETWEEN 0 AND 99),
        ADD COLUMN softphone boolean NOT NULL DEFAULT false,
        ADD COLUMN one_number boolean NOT NULL DEFAULT false,
        ADD COLUMN server_monitoring boolean NOT NULL DEFAULT false,
        ADD COLUMN sip_username text,
        ADD COLUMN sip_password_sealed text,
        ADD COLUMN sip_proxy text,
        ADD COLUMN sip_proxy_port int CHECK (sip_proxy_port BETWEEN 1 AND 65535),
        ADD COLUMN stun text,
        ADD COLUMN realm text,
        ADD COLUMN expire_interval int CHECK (expire_interval BETWEEN 30 AND 86400),
        ADD COLUMN dtmf_method text CHECK (dtmf_method IN ('RFC2833', 'INFO', 'INBAND')),
        ADD COLUMN g729 boolean NOT NULL DEFAULT false,
        ADD COLUMN tls boolean NOT NULL DEFAULT false;

      CREATE TABLE tws_group (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        description text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX tws_group_domain_name_key ON tws_group (domain_id, lower(name));

      CREATE TABLE group_member (
        group_id uuid NOT NULL REFERENCES tws_group (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES tws_user (id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, user_id)
      );
      CREATE INDEX group_member_user_idx ON group_member (user_id);

      -- One right: an object (application code, directory, calendar/call log/statistics/records
      -- of a user or group, intercom group, phone queue) granted to a subject (user, group, phone
      -- queue, intercom group). object_ref is an application code or a uuid, as text.
      CREATE TABLE "authorization" (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
        object_type text NOT NULL CHECK (object_type IN ('application', 'directory', 'calendar', 'intercom-group', 'phone-queue', 'call-log', 'statistics', 'records')),
        object_ref text NOT NULL,
        object_domain_id uuid REFERENCES domain (id) ON DELETE CASCADE,
        subject_type text NOT NULL CHECK (subject_type IN ('user', 'group', 'phone-queue', 'intercom-group')),
        subject_id uuid NOT NULL,
        subject_domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX authorization_key ON "authorization" (object_type, object_ref, subject_type, subject_id);
      CREATE INDEX authorization_subject_idx ON "authorization" (subject_type, subject_id);
      CREATE INDEX authorization_company_idx ON "authorization" (company_id, object_type);

      -- The licence file loaded on this installation (one current file) and its counts.
      CREATE TABLE installation (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        installation_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO installation (installation_id) VALUES (upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)));

      CREATE TABLE licence_file (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        licence_id text NOT NULL,
        issued_to text NOT NULL,
        issued_at timestamptz NOT NULL,
        expires_at timestamptz,
        content text NOT NULL,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        loaded_by text NOT NULL
      );

      CREATE TABLE licence_application (
        application_code text PRIMARY KEY,
        available int NOT NULL CHECK (available >= 0)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP TABLE licence_application, licence_file, installation, "authorization", group_member, tws_group;
      ALTER TABLE device DROP COLUMN password_sealed, DROP COLUMN ip, DROP COLUMN video, DROP COLUMN client_port,
        DROP COLUMN cco_count, DROP COLUMN softphone, DROP COLUMN one_number, DROP COLUMN server_monitoring,
        DROP COLUMN sip_username, DROP COLUMN sip_password_sealed, DROP COLUMN sip_proxy, DROP COLUMN sip_proxy_port,
        DROP COLUMN stun, DROP COLUMN realm, DROP COLUMN expire_interval, DROP COLUMN dtmf_method, DROP COLUMN g729, DROP COLUMN tls;
      ALTER TABLE tws_user DROP COLUMN password_hash, DROP COLUMN ip, DROP COLUMN culture,
        DROP COLUMN voicemail_password_sealed, DROP COLUMN private_fields;
    `);
  }
}
