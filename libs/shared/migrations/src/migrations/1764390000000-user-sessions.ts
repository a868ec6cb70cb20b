import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions of users signed in through `POST /api/v1/auth/login` (guide chapter 6): opaque access
 * and refresh tokens, stored as SHA-256 hashes only. Revocation does not depend on who changes a
 * user (admin API, a future user import) nor on NATS: a session goes with its user (ON DELETE
 * CASCADE), and a trigger deletes a user's sessions in the same transaction that disables the
 * user or changes its password hash.
 */
export class UserSessions1764390000000 implements MigrationInterface {
  name = 'UserSessions1764390000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_session (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES tws_user (id) ON DELETE CASCADE,
        access_hash text NOT NULL UNIQUE,
        access_expires_at timestamptz NOT NULL,
        refresh_hash text NOT NULL UNIQUE,
        refresh_expires_at timestamptz NOT NULL,
        method text NOT NULL CHECK (method IN ('TWS', 'LDAP', 'WindowsSecurity', 'None')),
        application text,
        source_address text,
        created_at timestamptz NOT NULL DEFAULT now(),
        refreshed_at timestamptz
      );
      CREATE INDEX user_session_user_idx ON user_session (user_id);
      CREATE INDEX user_session_refresh_expires_idx ON user_session (refresh_expires_at);

      CREATE FUNCTION user_session_revoke() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (OLD.enabled AND NOT NEW.enabled) OR NEW.password_hash IS DISTINCT FROM OLD.password_hash THEN
          DELETE FROM user_session WHERE user_id = NEW.id;
        END IF;
        RETURN NULL;
      END $$;
      CREATE TRIGGER tws_user_revoke_sessions AFTER UPDATE OF enabled, password_hash ON tws_user
        FOR EACH ROW EXECUTE FUNCTION user_session_revoke();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER tws_user_revoke_sessions ON tws_user; DROP FUNCTION user_session_revoke(); DROP TABLE user_session');
  }
}
