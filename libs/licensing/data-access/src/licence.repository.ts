import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APPLICATION_CODES, type ApplicationCode } from '@tws/contracts';
import { DatabaseService } from '@tws/service';
import { InstallationEntity, LicenceApplicationEntity, LicenceFileEntity } from './licensing.entities';

export interface LicenceFileRecord {
  licenceId: string;
  issuedTo: string;
  issuedAt: Date;
  expiresAt: Date | null;
  content: string;
  loadedBy: string;
}

/** The installation id and the licence file in force (web-services writes them). */
@Injectable()
export class LicenceRepository {
  constructor(private readonly db: DatabaseService) {}

  /** Runs `work` in one transaction (the load: check usage, then replace the file). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.db.dataSource.transaction(work);
  }

  async installationId(manager: EntityManager = this.db.dataSource.manager): Promise<string> {
    const row = await manager.getRepository(InstallationEntity).findOneBy({ singleton: true });
    // The first migration inserts the row; without it the schema is not migrated.
    if (!row) throw new Error('table installation is empty: run the migrations');
    return row.installationId;
  }

  currentFile(manager: EntityManager = this.db.dataSource.manager): Promise<LicenceFileEntity | null> {
    return manager.getRepository(LicenceFileEntity).findOneBy({ singleton: true });
  }

  /**
   * Takes, until the end of the transaction, the per-application locks the authorization rule
   * takes (LicenceUsageRepository.assertWithinLicence: `licence:<code>`), all of them in the
   * guide's order: no grant can slip in between the usage check and the new counts, and two
   * loads run one after the other.
   */
  async lockAllApplications(manager: EntityManager): Promise<void> {
    for (const code of APPLICATION_CODES) await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`licence:${code}`]);
  }

  /** Licences available per application in the file in force (none loaded: all 0). */
  async availableCounts(manager: EntityManager = this.db.dataSource.manager): Promise<Record<ApplicationCode, number>> {
    const rows = await manager.getRepository(LicenceApplicationEntity).find();
    return Object.fromEntries(APPLICATION_CODES.map((c) => [c, rows.find((r) => r.applicationCode === c)?.available ?? 0])) as Record<ApplicationCode, number>;
  }

  /** Replaces the file in force and every count (applications not given: none). */
  async replace(manager: EntityManager, file: LicenceFileRecord, counts: Record<ApplicationCode, number>): Promise<LicenceFileEntity> {
    await manager.getRepository(LicenceFileEntity).delete({ singleton: true });
    const saved = await manager.getRepository(LicenceFileEntity).save({ singleton: true, ...file, loadedAt: new Date() });
    await manager.getRepository(LicenceApplicationEntity).deleteAll();
    await manager.getRepository(LicenceApplicationEntity).insert(APPLICATION_CODES.map((applicationCode) => ({ applicationCode, available: counts[applicationCode] })));
    return saved;
  }
}
