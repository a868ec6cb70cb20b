import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import type { NumberOwnerType } from './telephony.entities';

export interface NumberHolder {
  number: string;
  ownerType: NumberOwnerType;
  ownerId: string;
}

/**
 * The numbers in use in a domain (table `domain_number`): user devices, intercom group devices,
 * phone queues, virtual-device resources. Triggers keep the table and refuse a second holder of a
 * number (unique_violation); this read gives the services a clear message before they write.
 */
@Injectable()
export class DomainNumbersRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Which of `numbers` are already held in the domain, and by what. */
  async holders(domainId: string, numbers: string[]): Promise<NumberHolder[]> {
    if (!numbers.length) return [];
    const rows: { number: string; owner_type: NumberOwnerType; owner_id: string }[] = await this.db.dataSource.query(
      'SELECT number, owner_type, owner_id FROM domain_number WHERE domain_id = $1 AND number = ANY($2::text[]) ORDER BY number',
      [domainId, numbers],
    );
    return rows.map((r) => ({ number: r.number, ownerType: r.owner_type, ownerId: r.owner_id }));
  }
}
