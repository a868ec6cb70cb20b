import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Directories (guide 8.1, 8.2, 9.1.1): the directory with its connector settings, field mapping,
 * synchronization mode and merge flag; the contact store with a phone table holding each number
 * as written and in canonical form (reverse lookup is an indexed equality); synchronization runs
 * with their progress and report.
 */
export class Directories1764380000000 implements MigrationInterface {
  name = 'Directories1764380000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE directory (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 128),
        type text NOT NULL CONSTRAINT directory_type_check CHECK (type IN ('draft', 'public', 'private')),
        priority int NOT NULL CHECK (priority BETWEEN 0 AND 9999),
        -- A later connector (exchange, office365, google, lotus, odbc...) replaces this constraint.
        server_type text NOT NULL CONSTRAINT directory_server_type_check CHECK (server_type IN ('tws-users', 'tws-contacts', 'ldap')),
        -- Connector settings without secrets (host, port, base DN, filter, page size...).
        connector jsonb NOT NULL DEFAULT '{}'::jsonb,
        password_sealed text,
        -- Field mapping as the administrator wrote it ("sn|u"), compiled and checked at save time.
        field_mapping jsonb NOT NULL DEFAULT '{}'::jsonb,
        sync_mode text NOT NULL DEFAULT 'manual' CHECK (sync_mode IN ('manual', 'daily', 'frequent')),
        sync_every int CHECK (sync_every BETWEEN 1 AND 1440),
        sync_unit text CHECK (sync_unit IN ('minutes', 'hours')),
        merge boolean NOT NULL DEFAULT false,
        last_synced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((sync_mode = 'frequent') = (sync_every IS NOT NULL AND sync_unit IS NOT NULL))
      );
      CREATE UNIQUE INDEX directory_domain_name_key ON directory (domain_id, lower(name));
      CREATE INDEX directory_sync_mode_idx ON directory (sync_mode) WHERE sync_mode <> 'manual';

      CREATE TABLE contact (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        directory_id uuid NOT NULL REFERENCES directory (id) ON DELETE CASCADE,
        -- Private contacts (9.1.1) belong to the user who created them.
        owner_user_id uuid REFERENCES tws_user (id) ON DELETE CASCADE,
        -- The directory's ID of the contact (mapped ID field); a uuid for TWS contacts.
        external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 512),
        last_name text NOT NULL DEFAULT '',
        first_name text NOT NULL DEFAULT '',
        company text NOT NULL DEFAULT '',
        -- Every mapped field but the phones: { key: { v, i?, a?, label? } } (i, a: field options).
        fields jsonb NOT NULL DEFAULT '{}'::jsonb,
        vip text,
        -- lower(Mail 1) for merging (8.2.2).
        merge_mail text,
        -- Names, company and e-mails without accents, lower case; fields with option i left out.
        search_vector tsvector NOT NULL,
        -- "lastname firstname" without accents, lower case (byte order): search order, last-name prefixes.
        sort_key text COLLATE "C" NOT NULL DEFAULT '',
        -- Hash of everything above: an unchanged entry costs no write at the next synchronization.
        content_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX contact_directory_external_key ON contact (directory_id, external_id);
      CREATE INDEX contact_owner_idx ON contact (owner_user_id) WHERE owner_user_id IS NOT NULL;
      CREATE INDEX contact_search_idx ON contact USING gin (search_vector);
      -- Search walks each directory in name order and stops at the page's end.
      CREATE INDEX contact_directory_sort_idx ON contact (directory_id, sort_key, id);
      CREATE INDEX contact_merge_mail_idx ON contact (merge_mail) WHERE merge_mail IS NOT NULL;

      CREATE TABLE contact_phone (
        contact_id uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
        -- Denormalized from the contact, so lookup filters on authorized directories in the index.
        directory_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('assistant', 'standard', 'professional', 'gsm', 'personal')),
        number text NOT NULL,
        canonical text,
        red_list boolean NOT NULL DEFAULT false,
        -- Field option i: not shown in the Caller's contact card.
        invisible boolean NOT NULL DEFAULT false,
        PRIMARY KEY (contact_id, kind)
      );
      -- Reverse lookup (equality) and number search (prefix): text_pattern_ops serves both.
      CREATE INDEX contact_phone_canonical_idx ON contact_phone (canonical text_pattern_ops, directory_id) WHERE canonical IS NOT NULL;

      CREATE TABLE directory_sync_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        directory_id uuid NOT NULL REFERENCES directory (id) ON DELETE CASCADE,
        trigger text NOT NULL CHECK (trigger IN ('manual', 'daily', 'frequent')),
        requested_by text,
        status text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        read int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        deleted int NOT NULL DEFAULT 0,
        ignored int NOT NULL DEFAULT 0,
        -- [{ reason, count, examples: [id or DN] }]
        ignored_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
        -- Things the administrator should know that did not stop the run (numbers that are not numbers...).
        warnings jsonb NOT NULL DEFAULT '[]'::jsonb,
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        instance text
      );
      CREATE INDEX directory_sync_run_directory_idx ON directory_sync_run (directory_id, started_at DESC);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DELETE FROM "authorization" WHERE object_type = 'directory';
      DROP TABLE directory_sync_run, contact_phone, contact, directory;
    `);
  }
}
