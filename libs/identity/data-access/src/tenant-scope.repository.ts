import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';

/** Which company an object of the URL belongs to, for the tenant check made before anything else. */
@Injectable()
export class TenantScopeRepository {
  constructor(private readonly db: DatabaseService) {}

  async companyOfDomain(domainId: string): Promise<string | undefined> {
    const r: { company_id: string }[] = await this.db.dataSource.query('SELECT company_id FROM domain WHERE id = $1', [domainId]);
    return r[0]?.company_id;
  }

  /** Boot mode of the original (3.2): no company with a domain exists yet. */
  async bootMode(): Promise<boolean> {
    const r: unknown[] = await this.db.dataSource.query('SELECT 1 FROM domain LIMIT 1');
    return r.length === 0;
  }

  async companyExists(companyId: string): Promise<boolean> {
    const r: unknown[] = await this.db.dataSource.query('SELECT 1 FROM company WHERE id = $1', [companyId]);
    return r.length > 0;
  }
}
