import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';

/** What sign-in needs to know about a user (read from the tenancy tables, never written here). */
export interface LoginCandidate {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  enabled: boolean;
  /** scrypt hash (TWS method); null when the administrator set no password. */
  passwordHash: string | null;
  domainId: string;
  domain: string;
  companyId: string;
}

/** Look-ups of user sign-in: domain names and user names compare case-insensitively, as everywhere. */
@Injectable()
export class UserLoginRepository {
  constructor(private readonly db: DatabaseService) {}

  async findDomain(name: string): Promise<{ id: string; name: string; companyId: string } | undefined> {
    const r: { id: string; name: string; companyId: string }[] = await this.db.dataSource.query(
      'SELECT id, name, company_id AS "companyId" FROM domain WHERE lower(name) = lower($1)',
      [name],
    );
    return r[0];
  }

  async findUser(domainId: string, username: string): Promise<LoginCandidate | undefined> {
    const r: LoginCandidate[] = await this.db.dataSource.query(
      `SELECT u.id, u.username, u.first_name AS "firstName", u.last_name AS "lastName", u.enabled, u.password_hash AS "passwordHash",
              d.id AS "domainId", d.name AS domain, d.company_id AS "companyId"
       FROM tws_user u JOIN domain d ON d.id = u.domain_id
       WHERE u.domain_id = $1 AND lower(u.username) = lower($2)`,
      [domainId, username],
    );
    return r[0];
  }
}
