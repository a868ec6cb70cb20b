import type { MigrationInterface, QueryRunner } from 'typeorm';
import { hashPassword } from '@tws/crypto';

/**
 * Administrators (guide 10.1), their sessions, login throttling and the audit log. Creates the
 * default administrator tws/tws of the original, flagged to change its password at first login.
 */
export class AdminUsers1764310000000 implements MigrationInterface {
  name = 'AdminUsers1764310000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_user (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username text NOT NULL CHECK (length(username) BETWEEN 1 AND 128),
        password_hash text NOT NULL,
        super_user boolean NOT NULL DEFAULT false,
        must_change_password boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX admin_user_username_key ON admin_user (lower(username));

      CREATE TABLE admin_user_company (
        admin_user_id uuid NOT NULL REFERENCES admin_user (id) ON DELETE CASCADE,
        company_id uuid NOT NULL REFERENCES company (id) ON DELETE CASCADE,
        PRIMARY KEY (admin_user_id, company_id)
      );

      CREATE TABLE admin_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        admin_user_id uuid NOT NULL REFERENCES admin_user (id) ON DELETE CASCADE,
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX admin_session_user_idx ON admin_session (admin_user_id);

      CREATE TABLE login_throttle (
        key text PRIMARY KEY,
        failures int NOT NULL DEFAULT 0,
        window_start timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz
      );

      CREATE TABLE audit_log (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL DEFAULT now(),
        admin_user_id uuid,
        admin_username text NOT NULL,
        company_id uuid,
        action text NOT NULL,
        entity text NOT NULL,
        entity_id text,
        before jsonb,
        after jsonb,
        correlation_id text
      );
      CREATE INDEX audit_log_company_at_idx ON audit_log (company_id, at DESC);
    `);
    await q.query(`INSERT INTO admin_user (username, password_hash, super_user, must_change_password) VALUES ('tws', $1, true, true)`, [
      await hashPassword('tws'),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_log, login_throttle, admin_session, admin_user_company, admin_user`);
  }
}
