import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Tenancy (company, domain, user, device), CSTA links and call logs: the first slice. */
export class InitialSchema1764300000000 implements MigrationInterface {
  name = 'InitialSchema1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE company (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX company_name_key ON company (lower(name));

      CREATE TABLE domain (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        numbering_length int NOT NULL DEFAULT 4 CHECK (numbering_length BETWEEN 1 AND 20),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX domain_name_key ON domain (lower(name));
      CREATE INDEX domain_company_idx ON domain (company_id);

      CREATE TABLE tws_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        username text NOT NULL CHECK (length(username) BETWEEN 1 AND 128),
        first_name text NOT NULL DEFAULT '',
        last_name text NOT NULL DEFAULT '',
        email text,
        gsm text,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX tws_user_domain_username_key ON tws_user (domain_id, lower(username));

      CREATE TABLE device (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES tws_user (id) ON DELETE CASCADE,
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        number text NOT NULL CHECK (number ~ '^[0-9*#+]{1,32}$'),
        protocol text NOT NULL CHECK (protocol IN ('CSTA', 'VTI-XML', 'SIP')),
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX device_domain_number_key ON device (domain_id, number);
      CREATE INDEX device_user_idx ON device (user_id);

      CREATE TABLE csta_link (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        name text NOT NULL,
        host text NOT NULL,
        port int NOT NULL CHECK (port BETWEEN 1 AND 65535),
        pbx_type text NOT NULL,
        pbx_domain text,
        username text,
        password_sealed text,
        capacity int NOT NULL DEFAULT 500 CHECK (capacity BETWEEN 1 AND 100000),
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX csta_link_domain_idx ON csta_link (domain_id);

      CREATE TABLE call_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        domain_id uuid NOT NULL REFERENCES domain (id) ON DELETE CASCADE,
        device text NOT NULL,
        call_ref text NOT NULL,
        direction text NOT NULL CHECK (direction IN ('incoming', 'outgoing')),
        answered boolean NOT NULL DEFAULT false,
        remote_number text,
        started_at timestamptz NOT NULL,
        answered_at timestamptz,
        ended_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX call_log_party_key ON call_log (domain_id, device, call_ref);
      CREATE INDEX call_log_device_started_idx ON call_log (domain_id, device, started_at DESC);

      CREATE TABLE call_event_processed (
        event_id text PRIMARY KEY,
        processed_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE call_event_processed, call_log, csta_link, device, tws_user, domain, company`);
  }
}
