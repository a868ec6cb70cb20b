import type { KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APPLICATIONS } from '@tws/contracts';
import { AdminChanges, type AdminPrincipal } from '@tws/identity-data-access';
import { checkLicenceApplies, LicenceFileError, licenceKeyId, parseLicencePublicKey, verifyLicence, type Licence, type LicenceRefusal } from '@tws/licence-file';
import { LicenceRepository, LicenceUsageRepository } from '@tws/licensing-data-access';
import type { Logger } from '@tws/logging';
import { ApiError, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { toLicenceAudit, toLicenceFile } from './licences.mappers';
import type { LicenceEnv } from './licences.schemas';

/**
 * HTTP status of each refusal: 400 when the file itself is wrong, 409 when a sound file cannot
 * be used here and now (another installation, past its expiry).
 */
const REFUSAL_STATUS: Record<LicenceRefusal, number> = {
  malformed: 400,
  bad_signature: 400,
  unknown_application: 400,
  negative_count: 400,
  wrong_installation: 409,
  expired: 409,
};

/**
 * Security / Licences (guide 3.3.1, 3.3.2): the installation ("dongle") id, the licence file in
 * force and, per application, Available / Used / Free. Licences belong to the installation, not
 * to a company: every administrator sees the same figures; only a super user loads a file.
 */
@Injectable()
export class LicencesService {
  private readonly publicKey?: KeyObject;

  constructor(
    private readonly licences: LicenceRepository,
    private readonly usage: LicenceUsageRepository,
    private readonly changes: AdminChanges,
    @Inject(TWS_CONFIG) config: LicenceEnv,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    // Checked at boot by licenceEnvSchema: a wrong key never gets this far.
    if (config.TWS_LICENCE_PUBLIC_KEY) this.publicKey = parseLicencePublicKey(config.TWS_LICENCE_PUBLIC_KEY);
  }

  /** The licences view; the same for every administrator (licences are installation-wide). */
  async view(_admin: AdminPrincipal) {
    const [installationId, file, applications] = [await this.licences.installationId(), await this.licences.currentFile(), await this.usage.usage()];
    return {
      installationId,
      trustedKeyId: this.publicKey ? licenceKeyId(this.publicKey) : null,
      licence: file ? toLicenceFile(file) : null,
      applications,
    };
  }

  /**
   * Loads a licence file: checked completely (signature, fields, codes, counts, installation,
   * expiry, current usage) before anything changes; then the file and every count are replaced
   * in one transaction, audited and announced.
   */
  async load(admin: AdminPrincipal, content: string) {
    if (!admin.superUser) throw new ApiError(403, 'forbidden', 'only a super user loads licence files: licences are shared by the whole installation');
    if (!this.publicKey) {
      throw new ApiError(503, 'licence_key_missing', 'no licence public key is configured: set TWS_LICENCE_PUBLIC_KEY on web-services (see docs/licences.md)');
    }
    const licence = refusing(() => verifyLicence(content, this.publicKey!));
    const { before, beforeCounts } = await this.licences.transaction(async (m) => {
      const installationId = await this.licences.installationId(m);
      refusing(() => checkLicenceApplies(licence, { installationId }));
      await this.licences.lockAllApplications(m);
      await this.refuseOverUse(licence, m);
      const previous = await this.licences.currentFile(m);
      const previousCounts = await this.licences.availableCounts(m);
      await this.licences.replace(
        m,
        { licenceId: licence.licenceId, issuedTo: licence.issuedTo, issuedAt: licence.issuedAt, expiresAt: licence.expiresAt, content, loadedBy: admin.username },
        licence.applications,
      );
      return { before: previous, beforeCounts: previousCounts };
    });
    await this.changes.recorded(admin, {
      companyId: null,
      action: before ? 'update' : 'create',
      entity: 'licence',
      entityId: licence.licenceId,
      before: before ? toLicenceAudit(before, beforeCounts) : undefined,
      after: toLicenceAudit(licence, licence.applications),
    });
    this.logger.info({ licenceId: licence.licenceId, issuedTo: licence.issuedTo, admin: admin.username }, 'licence file loaded');
    return this.view(admin);
  }

  /**
   * A file giving an application fewer licences than users already authorized is refused, with
   * the list: the rule "used ≤ available" that grants keep (7.4.1) then also holds after a load.
   */
  private async refuseOverUse(licence: Licence, manager: Parameters<LicenceUsageRepository['usedByApplication']>[0]) {
    const usedBy = await this.usage.usedByApplication(manager);
    const over = APPLICATIONS.filter((app) => usedBy[app.code] > licence.applications[app.code]).map((app) => ({
      application: app.code,
      label: app.label,
      available: licence.applications[app.code],
      used: usedBy[app.code],
    }));
    if (over.length > 0) {
      throw new ApiError(
        409,
        'licence_over_used',
        `this file gives fewer licences than are in use: ${over.map((o) => `${o.label} ${o.available} available, ${o.used} used`).join('; ')} — ` +
          'remove authorizations first (Users / Authorizations) or ask for a file with more; nothing was changed',
        over,
      );
    }
  }
}

/** Runs a licence check; its refusal becomes an API error `licence_<reason>` with the reason's status. */
function refusing<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof LicenceFileError) throw new ApiError(REFUSAL_STATUS[e.reason], `licence_${e.reason}`, e.message, e.details);
    throw e;
  }
}
