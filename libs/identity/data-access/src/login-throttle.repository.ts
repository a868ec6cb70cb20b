import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';

export interface ThrottlePolicy {
  /** Failures allowed in the window before the key is locked. */
  maxFailures: number;
  windowS: number;
  lockS: number;
}

/** Failed-login counters shared by every web-services instance (Postgres, not memory). */
@Injectable()
export class LoginThrottleRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Seconds until the first of these keys is unlocked, or 0 when none is locked. */
  async lockedFor(keys: string[]): Promise<number> {
    const rows: { s: number }[] = await this.db.dataSource.query(
      `SELECT ceil(extract(epoch FROM max(locked_until) - now()))::int AS s FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`,
      [keys],
    );
    return rows[0]?.s ?? 0;
  }

  /** Counts a failure for a key; locks it when the policy's limit is reached in the window. */
  async fail(key: string, p: ThrottlePolicy): Promise<void> {
    await this.db.dataSource.query(
      `INSERT INTO login_throttle AS t (key, failures, window_start) VALUES ($1, 1, now())
       ON CONFLICT (key) DO UPDATE SET
         failures = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN 1 ELSE t.failures + 1 END,
         window_start = CASE WHEN t.window_start < now() - make_interval(secs => $2) THEN now() ELSE t.window_start END`,
      [key, p.windowS],
    );
    await this.db.dataSource.query(
      `UPDATE login_throttle SET locked_until = now() + make_interval(secs => $3), failures = 0, window_start = now()
       WHERE key = $1 AND failures >= $2`,
      [key, p.maxFailures, p.lockS],
    );
  }

  async clear(key: string): Promise<void> {
    await this.db.dataSource.query('DELETE FROM login_throttle WHERE key = $1', [key]);
  }
}
