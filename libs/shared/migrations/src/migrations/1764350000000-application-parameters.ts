import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Application parameters (guide 6.1, 9.1.x, 9.2.1, 9.6.2, 9.7.2, 10.2): the catalogue
 * (applications and parameter definitions, written at start by web-services from the catalogue
 * in code, `@tws/parameters-data-access`) and the values set at default, domain, group or user
 * scope. Deleting a domain, group or user deletes the values set on it.
 */
export class ApplicationParameters1764350000000 implements MigrationInterface {
  name = 'ApplicationParameters1764350000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parameter_application (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9-]{0,39}$'),
        label text NOT NULL,
        position int NOT NULL
      );

      CREATE TABLE parameter_definition (
        name text PRIMARY KEY CHECK (name ~ '^[A-Za-z][A-Za-z0-9_-]{0,99}$'),
        application_code text NOT NULL REFERENCES parameter_application (code),
        type text NOT NULL CHECK (type IN ('string', 'integer', 'boolean', 'enum', 'time', 'url', 'secret', 'list')),
        options jsonb NOT NULL DEFAULT '{}'::jsonb,
        default_value text,
        description text NOT NULL,
        expert boolean NOT NULL DEFAULT false,
        scopes text[] NOT NULL CHECK (scopes <@ ARRAY['default', 'domain', 'group', 'user']::text[] AND cardinality(scopes) > 0),
        guide_ref text NOT NULL,
        position int NOT NULL,
        retired boolean NOT NULL DEFAULT false
      );
      -- Names are looked up case-insensitively: two may not differ by case only.
      CREATE UNIQUE INDEX parameter_definition_lower_name_key ON parameter_definition (lower(name));

      CREATE TABLE parameter_value (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        parameter_name text NOT NULL REFERENCES parameter_definition (name) ON DELETE CASCADE,
        scope text NOT NULL CHECK (scope IN ('default', 'domain', 'group', 'user')),
        domain_id uuid REFERENCES domain (id) ON DELETE CASCADE,
        group_id uuid REFERENCES tws_group (id) ON DELETE CASCADE,
        user_id uuid REFERENCES tws_user (id) ON DELETE CASCADE,
        -- The object the value is set on (null for the installation default).
        scope_id uuid GENERATED ALWAYS AS (coalesce(user_id, group_id, domain_id)) STORED,
        -- Canonical text; AES-GCM sealed (TWS_SECRET_KEY) for secret parameters.
        value text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (
          (scope = 'default' AND domain_id IS NULL AND group_id IS NULL AND user_id IS NULL) OR
          (scope = 'domain' AND domain_id IS NOT NULL AND group_id IS NULL AND user_id IS NULL) OR
          (scope = 'group' AND domain_id IS NOT NULL AND group_id IS NOT NULL AND user_id IS NULL) OR
          (scope = 'user' AND domain_id IS NOT NULL AND user_id IS NOT NULL AND group_id IS NULL)
        )
      );
      -- One value per parameter and scope object.
      CREATE UNIQUE INDEX parameter_value_default_key ON parameter_value (parameter_name) WHERE scope = 'default';
      CREATE UNIQUE INDEX parameter_value_domain_key ON parameter_value (parameter_name, domain_id) WHERE scope = 'domain';
      CREATE UNIQUE INDEX parameter_value_group_key ON parameter_value (parameter_name, group_id) WHERE scope = 'group';
      CREATE UNIQUE INDEX parameter_value_user_key ON parameter_value (parameter_name, user_id) WHERE scope = 'user';
      -- Resolution for a user (scope_id = ANY(user, domain, groups)) and per-object listings.
      CREATE INDEX parameter_value_scope_id_idx ON parameter_value (scope_id);
      -- Cascades from tws_group / tws_user / domain deletions.
      CREATE INDEX parameter_value_domain_idx ON parameter_value (domain_id);
      CREATE INDEX parameter_value_group_idx ON parameter_value (group_id) WHERE group_id IS NOT NULL;
      CREATE INDEX parameter_value_user_idx ON parameter_value (user_id) WHERE user_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE parameter_value, parameter_definition, parameter_application`);
  }
}
