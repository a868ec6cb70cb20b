import { isLicenceExpired } from '@tws/licence-file';
import type { LicenceFileEntity } from '@tws/licensing-data-access';

/** The file in force as the API shows it (its text and signature stay in the database). */
export const toLicenceFile = (f: LicenceFileEntity, now = new Date()) => ({
  licenceId: f.licenceId,
  issuedTo: f.issuedTo,
  issuedAt: f.issuedAt.toISOString(),
  expiresAt: f.expiresAt?.toISOString() ?? null,
  expired: isLicenceExpired(f, now),
  loadedAt: f.loadedAt.toISOString(),
  loadedBy: f.loadedBy,
});

/** What the audit log keeps of a licence: who it was issued to, when, and the counts. */
export const toLicenceAudit = (f: Pick<LicenceFileEntity, 'licenceId' | 'issuedTo' | 'issuedAt' | 'expiresAt'>, counts: Record<string, number>) => ({
  licenceId: f.licenceId,
  issuedTo: f.issuedTo,
  issuedAt: f.issuedAt.toISOString(),
  expiresAt: f.expiresAt?.toISOString() ?? null,
  applications: counts,
});
