import { Inject, Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import type { ApplicationCode, ConfigChanged } from '@tws/contracts';
import { SecretBox } from '@tws/crypto';
import { LdapConnector, ldapSettingsSchema } from '@tws/directories-connector-ldap';
import { ConnectorError, type SourceRecord } from '@tws/directories-mapping';
import { InvalidPhoneNumberError } from '@tws/dialing-plan';
import { AdminChanges, type AdminPrincipal } from '@tws/identity-data-access';
import { LicenceUsageRepository } from '@tws/licensing-data-access';
import type { Logger } from '@tws/logging';
import { ApiError, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { DialingPlans } from '@tws/tenancy-data-access';
import { compileUserMapping, mapUserEntry } from './user-import.mapping';
import { planImport, type SourceEntry } from './user-import.plan';
import { ImportWriter, UserImportRepository, type RunCounters, type UserImportRow, type UserImportRunRow } from './user-import.repository';

/** Logins listed per action in a report. */
export const RUN_DETAIL_LOGINS = 100;
const MAX_REASONS = 20;
const MAX_EXAMPLES = 5;
const PROGRESS_EVERY_MS = 250;

/** A run that must not be applied: the reason goes to the report, nothing changes. */
class RunRefused extends Error {}

/** Counts by reason with a few examples each, bounded whatever the source's size. */
function tally(items: { ref: string; reason: string }[]): RunCounters['ignoredReasons'] {
  const lines = new Map<string, { reason: string; count: number; examples: string[] }>();
  let other = 0;
  for (const { ref, reason } of items) {
    let line = lines.get(reason);
    if (!line) {
      if (lines.size >= MAX_REASONS) {
        other++;
        continue;
      }
      line = { reason, count: 0, examples: [] };
      lines.set(reason, line);
    }
    line.count++;
    if (line.examples.length < MAX_EXAMPLES) line.examples.push(ref.replace(/\u0000/g, '').slice(0, 300));
  }
  const out = [...lines.values()].sort((a, b) => b.count - a.count);
  return other ? [...out, { reason: 'other reasons', count: other, examples: [] }] : out;
}

const emptyCounters = (): RunCounters => ({ read: 0, created: 0, updated: 0, unchanged: 0, disabled: 0, deleted: 0, ignored: 0, ignoredReasons: [], warnings: [], details: {} });

/**
 * One run of a user import (guide 7.2), inside the transaction that holds the domain's import
 * lock: reads the whole source (LDAP / Active Directory, paged), maps each entry, plans against
 * the domain's users, then writes everything and commits — or, for a preview, rolls back. A
 * source failing at any point (unreachable, refused credentials, a read cut short), a licence
 * exceeded by add-in-group, or any error rolls back: no user is changed, the report says why.
 */
@Injectable()
export class UserImportRunner {
  private readonly secrets: SecretBox;
  private readonly ldap = new LdapConnector();

  constructor(
    private readonly repo: UserImportRepository,
    private readonly plans: DialingPlans,
    private readonly licences: LicenceUsageRepository,
    private readonly changes: AdminChanges,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  async run(imp: UserImportRow, companyId: string, run: UserImportRunRow, qr: QueryRunner, admin: AdminPrincipal, signal: AbortSignal): Promise<void> {
    const log = this.logger.child({ importId: imp.id, import: imp.description, runId: run.id, dryRun: run.dryRun });
    const c = emptyCounters();
    const announce: ConfigChanged[] = [];
    let committed = false;
    log.info({ syncType: imp.syncType }, 'user import started');
    try {
      const compiled = compileUserMapping(imp.fields);
      if (!compiled.ok) throw new RunRefused(`the field mapping is invalid: ${compiled.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const mapping = compiled.mapping;
      const settings = ldapSettingsSchema.safeParse(imp.connector);
      if (!settings.success) throw new RunRefused(`the connection settings are invalid: ${settings.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      const plan = imp.customizeNumber ? await this.plans.forDomain(imp.domainId) : undefined;
      if (imp.customizeNumber && !plan) throw new RunRefused('the domain has no dialing plan to customize the numbers with');
      const deviceNumber = (raw: string): string | null => {
        if (!plan) return raw.replace(/[\s.\-/()]/g, '');
        try {
          return plan.toDialable(raw).dialable;
        } catch (e) {
          if (e instanceof InvalidPhoneNumberError) return null;
          throw e;
        }
      };

      // 1. Read the whole source before writing anything.
      const entries: SourceEntry[] = [];
      let truncated: string | undefined;
      let lastProgress = Date.now();
      const password = imp.passwordSealed ? this.secrets.open(imp.passwordSealed) : null;
      const pages = this.ldap.read(
        { directoryId: imp.id, domainId: imp.domainId, settings: settings.data, password },
        { signal, attributes: mapping.sources, onTruncated: (m) => (truncated = m) },
      );
      for await (const page of pages as AsyncIterable<SourceRecord[]>) {
        for (const record of page) entries.push(mapUserEntry(record, mapping, { culture: imp.culture, deviceNumber }));
        c.read = entries.length;
        if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = Date.now();
          await this.repo.progress(run.id, c.read);
        }
      }
      if (signal.aborted) throw new ConnectorError('cancelled', `the service stopped after ${c.read} entries`);
      if (truncated) c.warnings.push(truncated.replace('contacts not seen were kept', 'users not seen were neither disabled nor deleted'));

      // 2. Plan against the domain's users, as they are inside this transaction.
      const w = new ImportWriter(qr.manager, imp.domainId, imp.id);
      if (imp.groupId && !(await this.repo.groupInDomain(imp.domainId, imp.groupId, qr.manager))) throw new RunRefused('the group of "Add in group" no longer exists in the domain');
      const existing = await w.existingUsers();
      const linked = existing.filter((u) => u.link).length;
      if (!entries.some((e) => e.ok) && linked > 0 && (imp.syncType === 'full' || imp.syncType === 'insert-update-disable')) {
        throw new RunRefused(
          entries.length === 0
            ? `the source returned no entries: the ${linked} users of this import were kept (check the base DN and the filter)`
            : `none of the ${entries.length} entries of the source could be used (see the ignored reasons): the ${linked} users of this import were kept`,
        );
      }
      const p = planImport({
        syncType: imp.syncType,
        entries,
        existing,
        holders: await w.numberHolders(),
        mapped: {
          email: !!mapping.fields.email,
          gsm: !!mapping.fields.gsm,
          culture: imp.culture !== 'auto' || !!mapping.fields.culture,
          privateIndexes: mapping.private.map((x) => x.index),
        },
        truncated: !!truncated,
      });
      c.warnings.push(...p.warnings);

      // 3. Apply: deletions first (they free logins and numbers), then updates, then creations.
      await w.deleteUsers(p.delete.map((d) => d.userId));
      await w.disableUsers(p.disable.map((d) => d.userId));
      const newDevices: { userId: string; number: string }[] = [];
      for (const u of p.update) {
        await w.updateUser(u.userId, u.patch);
        if (u.device?.deviceId) await w.setDeviceNumber(u.device.deviceId, u.device.number);
        else if (u.device) newDevices.push({ userId: u.userId, number: u.device.number });
      }
      await w.addDevices(newDevices, imp.device);
      const createdIds = await w.createUsers(p.create, imp.device);
      const links = [
        ...p.update.map((u) => ({ userId: u.userId, externalId: u.row.externalId })),
        ...p.unchanged.map((u) => ({ userId: u.userId, externalId: u.row.externalId })),
        ...p.create.map((r) => ({ userId: createdIds.get(r.username.toLowerCase())!, externalId: r.externalId })),
      ];
      await w.link(links);
      if (imp.groupId) {
        const g = await w.addToGroup(imp.groupId, links.map((l) => l.userId));
        for (const app of g.applications) await this.licences.assertWithinLicence(app as ApplicationCode, qr.manager);
        if (g.added) announce.push({ entity: 'group-member', id: imp.groupId, domainId: imp.domainId, change: 'created' });
      }
      await w.markRun();

      c.created = p.create.length;
      c.updated = p.update.length;
      c.unchanged = p.unchanged.length;
      c.disabled = p.disable.length;
      c.deleted = p.delete.length;
      c.ignored = p.ignored.length;
      c.ignoredReasons = tally(p.ignored);
      const logins = (l: string[]) => l.slice(0, RUN_DETAIL_LOGINS);
      c.details = {
        created: logins(p.create.map((r) => r.username)),
        updated: logins(p.update.map((u) => u.row.username)),
        disabled: logins(p.disable.map((d) => d.login)),
        deleted: logins(p.delete.map((d) => d.login)),
      };
      if (run.dryRun) {
        await qr.rollbackTransaction();
      } else {
        await qr.commitTransaction();
        committed = true;
        for (const id of createdIds.values()) announce.push({ entity: 'user', id, domainId: imp.domainId, change: 'created' });
        for (const u of [...p.update, ...p.disable]) announce.push({ entity: 'user', id: u.userId, domainId: imp.domainId, change: 'updated' });
        for (const d of p.delete) announce.push({ entity: 'user', id: d.userId, domainId: imp.domainId, change: 'deleted' });
      }
      await qr.release();
      await this.repo.finish(run.id, 'succeeded', c, null);
      // Audited and announced when users changed (a run that changed nothing is no change).
      if (committed && (c.created || c.updated || c.disabled || c.deleted || announce.length)) {
        await this.changes.changed(
          admin,
          {
            companyId,
            action: 'update',
            entity: 'user-import-run',
            entityId: imp.id,
            after: { runId: run.id, description: imp.description, syncType: imp.syncType, created: c.created, updated: c.updated, disabled: c.disabled, deleted: c.deleted, ignored: c.ignored, logins: c.details },
          },
          { entity: 'user-import', id: imp.id, domainId: imp.domainId, change: 'updated' },
          ...announce,
        );
      }
      log.info({ read: c.read, created: c.created, updated: c.updated, disabled: c.disabled, deleted: c.deleted, ignored: c.ignored }, 'user import succeeded');
    } catch (e) {
      if (!committed) {
        await qr.rollbackTransaction().catch(() => undefined);
        await qr.release().catch(() => undefined);
      }
      const known = e instanceof ConnectorError || e instanceof RunRefused || e instanceof ApiError;
      const reason = known ? (e as Error).message : `unexpected error: ${(e as Error).message}`;
      const counters = { ...emptyCounters(), read: c.read, warnings: c.warnings };
      await this.repo
        .finish(run.id, 'failed', counters, committed ? reason : `${reason} — nothing was changed: no user was created, updated, disabled or deleted`)
        .catch((err) => log.error({ err }, 'cannot record the end of the user import'));
      if (known) log.warn({ reason, read: c.read }, 'user import failed');
      else log.error({ err: e, read: c.read }, 'user import failed');
    }
  }
}
