import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';

/**
 * Read-only look-ups of companies and domains, for the tenant checks of the rights services.
 * (The tenancy domain writes these tables; reading them here keeps this library free of the
 * tenancy repository's own dependencies.)
 */
@Injectable()
export class TenantLookupRepository {
  constructor(private readonly db: DatabaseService) {}

  async domain(id: string): Promise<{ id: string; companyId: string; name: string } | undefined> {
    const r: { id: string; companyId: string; name: string }[] = await this.db.dataSource.query(
      'SELECT id, company_id AS "companyId", name FROM domain WHERE id = $1',
      [id],
    );
    return r[0];
  }

  async companyExists(id: string): Promise<boolean> {
    const r: unknown[] = await this.db.dataSource.query('SELECT 1 FROM company WHERE id = $1', [id]);
    return r.length > 0;
  }
}
