import { Inject, Injectable } from '@nestjs/common';
import { InvalidPhoneNumberError } from '@tws/dialing-plan';
import {
  DirectoriesRepository,
  SyncRunsRepository,
  type ContactSyncSession,
  type DirectoryEntity,
  type DirectorySyncRunEntity,
  type SyncCounters,
} from '@tws/directories-data-access';
import { compileFieldMapping, ConnectorError, mapRecord, type MappedContact } from '@tws/directories-mapping';
import type { Logger } from '@tws/logging';
import { TWS_LOGGER } from '@tws/service';
import { DialingPlans } from '@tws/tenancy-data-access';
import { DirectoriesAdminSupport } from './directories-admin.support';
import { ServerTypes } from './server-types';
import { ReportTally } from './sync-report';

/** Entries written per statement. */
export const SYNC_BATCH = 1000;
const PROGRESS_EVERY_MS = 250;
const CANCEL_CHECK_EVERY_MS = 500;

/** A run that must not be kept: the reason goes to the report, the previous contacts stay. */
class RunRefused extends Error {}

/**
 * Runs one synchronization (guide 8.2.1) in the write session the caller opened: reads the source
 * page by page, maps each entry (options, red list, canonical numbers), upserts by (directory, ID)
 * in batches, then deletes what vanished and commits. Any failure — unreachable source, refused
 * credentials, a read cut short, a cancellation — rolls everything back: the previous contacts
 * stay exactly as they were, and the report says why.
 */
@Injectable()
export class SyncRunner {
  constructor(
    private readonly directories: DirectoriesRepository,
    private readonly runs: SyncRunsRepository,
    private readonly serverTypes: ServerTypes,
    private readonly plans: DialingPlans,
    private readonly support: DirectoriesAdminSupport,
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {}

  async run(dir: DirectoryEntity, run: DirectorySyncRunEntity, session: ContactSyncSession, signal: AbortSignal): Promise<void> {
    const log = this.logger.child({ directoryId: dir.id, directory: dir.name, runId: run.id });
    const ignored = new ReportTally();
    const warnings = new ReportTally();
    const c = { read: 0, created: 0, updated: 0, unchanged: 0, deleted: 0, ignored: 0 };
    const snapshot = (): SyncCounters => ({ ...c, ignoredReasons: ignored.toJSON(), warnings: warnings.toJSON() });
    let truncated: string | undefined;
    let lastProgress = Date.now();
    let lastCancelCheck = Date.now();
    log.info({ trigger: run.trigger }, 'directory synchronization started');
    try {
      const t = this.serverTypes.get(dir.serverType);
      if (!t.connector) throw new RunRefused('TWS contacts are not synchronized');
      const compiled = compileFieldMapping(dir.fieldMapping, { allowedSources: t.allowedSources });
      if (!compiled.ok) throw new RunRefused(`the field mapping is invalid: ${compiled.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
      const mapping = compiled.mapping;
      const plan = await this.plans.forDomain(dir.domainId);
      if (!plan) throw new RunRefused(`the domain ${dir.domainId} has no dialing plan`);
      const canonical = (n: string): string | null => {
        try {
          return plan.toCanonical(n, 'directory');
        } catch (e) {
          if (e instanceof InvalidPhoneNumberError) return null;
          throw e;
        }
      };
      const password = dir.passwordSealed ? this.support.secrets.open(dir.passwordSealed) : null;
      const pages = t.connector.read(
        { directoryId: dir.id, domainId: dir.domainId, settings: dir.connector, password },
        { signal, attributes: mapping.sources, onTruncated: (m) => (truncated = m) },
      );
      for await (const page of pages) {
        for (let i = 0; i < page.length; i += SYNC_BATCH) {
          const contacts: MappedContact[] = [];
          const alsoSeen: string[] = [];
          for (const record of page.slice(i, i + SYNC_BATCH)) {
            c.read++;
            const o = mapRecord(record, mapping, canonical);
            if (o.ok) {
              contacts.push(o.contact);
              for (const w of o.warnings) warnings.add(w.about, w.example);
            } else {
              c.ignored++;
              ignored.add(o.reason, o.externalId ?? record.ref);
              if (o.externalId) alsoSeen.push(o.externalId);
            }
          }
          const r = await session.write(contacts, alsoSeen);
          c.created += r.created;
          c.updated += r.updated;
          c.unchanged += r.unchanged;
          for (const id of r.duplicates) {
            c.ignored++;
            ignored.add('duplicate ID: an earlier entry of the source has it', id);
          }
        }
        const now = Date.now();
        if (now - lastCancelCheck >= CANCEL_CHECK_EVERY_MS) {
          lastCancelCheck = now;
          if (await this.runs.cancelRequested(run.id)) throw new ConnectorError('cancelled', `cancelled after ${c.read} entries`);
        }
        if (now - lastProgress >= PROGRESS_EVERY_MS) {
          lastProgress = now;
          await this.runs.progress(run.id, snapshot());
        }
      }
      if (signal.aborted || (await this.runs.cancelRequested(run.id))) throw new ConnectorError('cancelled', `cancelled after ${c.read} entries`);

      // A source that yields nothing usable is more likely broken (wrong filter, wrong ID field)
      // than emptied: keep what the directory holds rather than delete it all.
      if (c.created + c.updated + c.unchanged === 0) {
        const existing = await session.contactCount();
        if (existing > 0) {
          throw new RunRefused(
            c.read === 0
              ? `the source returned no entries; the ${existing} contacts of the directory were kept (check the base DN and the filter)`
              : `none of the ${c.read} entries of the source could be used (see the ignored reasons); the ${existing} contacts of the directory were kept`,
          );
        }
      }
      if (truncated) warnings.add(truncated);
      else c.deleted = await session.deleteVanished();
      await session.commit();
      await this.directories.markSynced(dir.id, new Date());
      await this.runs.finish(run.id, 'succeeded', snapshot(), null);
      log.info({ ...c }, 'directory synchronization succeeded');
    } catch (e) {
      await session.rollback();
      const cancelled = e instanceof ConnectorError && e.kind === 'cancelled';
      const reason = e instanceof ConnectorError || e instanceof RunRefused ? e.message : `unexpected error: ${(e as Error).message}`;
      const kept = 'nothing was changed: the contacts from before the synchronization are kept';
      // What was written is undone: report what was read and ignored, not writes that did not happen.
      const counters = { ...snapshot(), created: 0, updated: 0, unchanged: 0, deleted: 0 };
      await this.runs.finish(run.id, cancelled ? 'cancelled' : 'failed', counters, `${reason} — ${kept}`).catch((err) => log.error({ err }, 'cannot record the end of the synchronization'));
      if (cancelled) log.info({ read: c.read }, 'directory synchronization cancelled');
      else if (e instanceof ConnectorError || e instanceof RunRefused) log.warn({ reason, read: c.read }, 'directory synchronization failed');
      else log.error({ err: e, read: c.read }, 'directory synchronization failed');
    }
  }
}
