import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * User imports (guide 7.2): per domain, an LDAP / Active Directory source, its field mapping,
 * device protocol and options, add-in-group, culture, number customization and synchronization
 * type; which TWS users each import brought in (by the source's ID), so that later runs update,
 * disable or delete them and never touch users created by hand; runs with their report.
 */
export class UserImports1764400000000 implements MigrationInterface {
  name = 'UserImports1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_import (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        description text NOT NULL CHECK (length(description) BETWEEN 1 AND 200),
        source_type text NOT NULL CHECK (source_type IN ('ldap', 'active-directory')),
        sync_type text NOT NULL CHECK (sync_type IN ('full', 'insert-update-disable', 'insert-update', 'update')),
        -- LDAP connector settings without the password (host, port, tls, bindDn, baseDn, filter, pageSize...).
        connector jsonb NOT NULL,
        password_sealed text,
        -- { id, username, lastName, firstName, email, number, gsm, culture, private: [{index, field}] } as written.
        field_mapping jsonb NOT NULL,
        -- Protocol and options of the devices created: { protocol, video, oneNumber, softphone, sipProxy, sipProxyPort }.
        device jsonb NOT NULL,
        group_id uuid REFERENCES tws_group (id) ON DELETE SET NULL,
        -- 'auto' (from the mapped culture field, else en-US) or a culture such as fr-FR.
        culture text NOT NULL DEFAULT 'auto',
        customize_number boolean NOT NULL DEFAULT false,
        -- 'manual' (the Synchro button) or 'daily' (at timeSynchronizationDirectories, as directories).
        schedule text NOT NULL DEFAULT 'manual' CHECK (schedule IN ('manual', 'daily')),
        last_run_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX user_import_domain_description_key ON user_import (domain_id, lower(description));

      -- The users an import brought in or adopted, by the source's ID (a user belongs to one import at most).
      CREATE TABLE user_import_member (
        user_id uuid PRIMARY KEY REFERENCES tws_user (id) ON DELETE CASCADE,
        import_id uuid NOT NULL REFERENCES user_import (id) ON DELETE CASCADE,
        external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 512),
        -- Disabled by "Insert, update and disable" because it left the source: enabled again if it comes back.
        disabled_by_import boolean NOT NULL DEFAULT false,
        UNIQUE (import_id, external_id)
      );

      CREATE TABLE user_import_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        import_id uuid NOT NULL REFERENCES user_import (id) ON DELETE CASCADE,
        requested_by text,
        dry_run boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        sync_type text NOT NULL,
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        read int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        disabled int NOT NULL DEFAULT 0,
        deleted int NOT NULL DEFAULT 0,
        ignored int NOT NULL DEFAULT 0,
        ignored_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- Logins per action (bounded), for the administrator.
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        error text,
        instance text
      );
      CREATE INDEX user_import_run_import_idx ON user_import_run (import_id, started_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE user_import_run; DROP TABLE user_import_member; DROP TABLE user_import;');
  }
}
