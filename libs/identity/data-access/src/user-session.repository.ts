import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import type { AuthMethod, VerifiedToken } from '@tws/contracts';

export interface NewUserSession {
  userId: string;
  accessHash: string;
  accessExpiresAt: Date;
  refreshHash: string;
  refreshExpiresAt: Date;
  method: AuthMethod;
  application: string | null;
  sourceAddress: string;
}

interface SessionRow {
  userId: string;
  username: string;
  domainId: string;
  domain: string;
  companyId: string;
  expiresAt: Date;
  method: AuthMethod;
  application: string | null;
}

/** What the queries return about a session's user, in VerifiedToken's shape. */
const PRINCIPAL = `u.id AS "userId", u.username, d.id AS "domainId", d.name AS domain, d.company_id AS "companyId",
  s.access_expires_at AS "expiresAt", s.method, s.application`;

const toVerified = (r: SessionRow): VerifiedToken => ({
  userId: r.userId,
  username: r.username,
  domainId: r.domainId,
  domain: r.domain,
  companyId: r.companyId,
  expiresAt: new Date(r.expiresAt).toISOString(),
  method: r.method,
  application: (r.application as VerifiedToken['application']) ?? null,
});

/**
 * Users' sessions (web-services writes them; nobody else reads them: other services ask
 * `tws.auth.verify`). Disabling a user or changing its password deletes its sessions in the
 * database itself (trigger of migration 1764390000000); the queries also refuse a disabled user's
 * session, in case.
 */
@Injectable()
export class UserSessionRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  async create(s: NewUserSession): Promise<void> {
    await this.ds.query(
      `INSERT INTO user_session (user_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at, method, application, source_address)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [s.userId, s.accessHash, s.accessExpiresAt, s.refreshHash, s.refreshExpiresAt, s.method, s.application, s.sourceAddress],
    );
  }

  /** The user of a live access token, or undefined (unknown, expired, revoked, user disabled). */
  async verify(accessHash: string): Promise<VerifiedToken | undefined> {
    const rows: SessionRow[] = await this.ds.query(
      `SELECT ${PRINCIPAL} FROM user_session s JOIN tws_user u ON u.id = s.user_id JOIN domain d ON d.id = u.domain_id
       WHERE s.access_hash = $1 AND s.access_expires_at > now() AND u.enabled`,
      [accessHash],
    );
    return rows[0] ? toVerified(rows[0]) : undefined;
  }

  /**
   * Exchanges a live refresh token for new tokens (rotation: the old ones stop working at once).
   * Undefined when the refresh token is unknown, already used, expired or revoked.
   */
  async rotate(refreshHash: string, next: Pick<NewUserSession, 'accessHash' | 'accessExpiresAt' | 'refreshHash' | 'refreshExpiresAt'>): Promise<VerifiedToken | undefined> {
    const rows: [SessionRow[], number] = await this.ds.query(
      `UPDATE user_session s SET access_hash = $2, access_expires_at = $3, refresh_hash = $4, refresh_expires_at = $5, refreshed_at = now()
       FROM tws_user u JOIN domain d ON d.id = u.domain_id
       WHERE s.refresh_hash = $1 AND s.refresh_expires_at > now() AND u.id = s.user_id AND u.enabled
       RETURNING ${PRINCIPAL}`,
      [refreshHash, next.accessHash, next.accessExpiresAt, next.refreshHash, next.refreshExpiresAt],
    );
    const row = rows[0]?.[0];
    return row ? toVerified(row) : undefined;
  }

  /** Ends the session of an access or refresh token (logout). */
  async delete(tokenHash: string): Promise<boolean> {
    const r: [unknown[], number] = await this.ds.query('DELETE FROM user_session WHERE access_hash = $1 OR refresh_hash = $1', [tokenHash]);
    return r[1] > 0;
  }

  /** How many live sessions a user has (tests, diagnostics). */
  async countOf(userId: string): Promise<number> {
    const r: { n: number }[] = await this.ds.query('SELECT count(*)::int AS n FROM user_session WHERE user_id = $1 AND refresh_expires_at > now()', [userId]);
    return r[0]?.n ?? 0;
  }

  async purgeExpired(): Promise<void> {
    await this.ds.query('DELETE FROM user_session WHERE refresh_expires_at < now()');
  }
}
