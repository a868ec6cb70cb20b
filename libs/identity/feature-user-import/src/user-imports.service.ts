import { hostname } from 'node:os';
import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SecretBox } from '@tws/crypto';
import { ldapSettingsSchema } from '@tws/directories-connector-ldap';
import { AdminChanges, type AdminPrincipal } from '@tws/identity-data-access';
import type { Logger } from '@tws/logging';
import { ApiError, badRequest, conflict, notFound, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { compileUserMapping, DEFAULT_FIELDS } from './user-import.mapping';
import { UserImportRepository, type ImportWrite, type UserImportRow, type UserImportRunRow } from './user-import.repository';
import { UserImportRunner } from './user-import.runner';
import type { CreateUserImport, UpdateUserImport } from './user-import.schemas';

const INSTANCE = `${hostname()}:${process.pid}`;
/** Who the audit log names for scheduled runs (no administrator behind them). */
const SCHEDULER = { id: null as unknown as string, username: 'scheduler', superUser: true, companyIds: [], mustChangePassword: false } satisfies AdminPrincipal;
type Issue = { path: string; message: string };

export function toUserImport(i: UserImportRow, extra: { memberCount?: number; lastRun?: UserImportRunRow } = {}) {
  return {
    id: i.id,
    domainId: i.domainId,
    description: i.description,
    sourceType: i.sourceType,
    syncType: i.syncType,
    connector: i.connector,
    passwordSet: i.passwordSealed !== null,
    fields: i.fields,
    device: i.device,
    groupId: i.groupId,
    culture: i.culture,
    customizeNumber: i.customizeNumber,
    schedule: i.schedule,
    lastRunAt: i.lastRunAt,
    ...(extra.memberCount !== undefined ? { memberCount: extra.memberCount } : {}),
    ...(extra.lastRun ? { lastRun: toRun(extra.lastRun) } : {}),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

export function toRun(r: UserImportRunRow) {
  return {
    id: r.id,
    importId: r.importId,
    requestedBy: r.requestedBy,
    dryRun: r.dryRun,
    status: r.status,
    syncType: r.syncType,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    read: r.read,
    created: r.created,
    updated: r.updated,
    unchanged: r.unchanged,
    disabled: r.disabled,
    deleted: r.deleted,
    ignored: r.ignored,
    ignoredReasons: r.ignoredReasons,
    warnings: r.warnings,
    details: r.details,
    error: r.error,
  };
}

/**
 * User imports of a domain (guide 7.2): definitions (source, mapping, device, group, culture,
 * number customization, synchronization type), the Synchro button and its reports. One run at a
 * time per domain across every instance (the run's transaction holds an advisory lock).
 */
@Injectable()
export class UserImportsService implements OnModuleDestroy {
  private readonly secrets: SecretBox;
  private readonly active = new Map<string, { controller: AbortController; done: Promise<void> }>();

  constructor(
    private readonly repo: UserImportRepository,
    private readonly runner: UserImportRunner,
    private readonly changes: AdminChanges,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** Every problem of the definition at once; returns the connector settings to store. */
  private async check(domainId: string, d: ImportWrite, hasPassword: boolean): Promise<Record<string, unknown>> {
    const issues: Issue[] = [];
    const settings = ldapSettingsSchema.safeParse(d.connector);
    if (!settings.success) for (const i of settings.error.issues) issues.push({ path: ['connector', ...i.path.map(String)].join('.'), message: i.message });
    if (settings.success && settings.data.bindDn && !hasPassword) issues.push({ path: 'password', message: 'required with a bind user (connector.bindDn)' });
    const compiled = compileUserMapping(d.fields);
    if (!compiled.ok) issues.push(...compiled.issues);
    if (d.device.protocol !== 'SIP' && (d.device.sipProxy !== undefined || d.device.sipProxyPort !== undefined)) issues.push({ path: 'device.sipProxy', message: 'only for the SIP protocol' });
    if (d.groupId && !(await this.repo.groupInDomain(domainId, d.groupId))) issues.push({ path: 'groupId', message: 'no such group in this domain' });
    if (issues.length) throw badRequest(`invalid user import: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    return settings.success ? settings.data : {};
  }

  private async assertDescriptionFree(domainId: string, description: string, exceptId?: string) {
    if (await this.repo.descriptionTaken(domainId, description, exceptId)) throw conflict(`a user import "${description}" already exists in this domain`);
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreateUserImport) {
    const companyId = await this.changes.companyOf(admin, domainId);
    const write: ImportWrite = {
      description: input.description,
      sourceType: input.sourceType,
      syncType: input.syncType,
      connector: input.connector,
      passwordSealed: input.password ? this.secrets.seal(input.password) : null,
      fields: input.fields ?? DEFAULT_FIELDS[input.sourceType],
      device: input.device,
      groupId: input.groupId,
      culture: input.culture,
      customizeNumber: input.customizeNumber,
      schedule: input.schedule,
    };
    write.connector = await this.check(domainId, write, !!input.password);
    await this.assertDescriptionFree(domainId, input.description);
    const created = await this.repo.create(domainId, write);
    const out = toUserImport(created);
    await this.changes.changed(admin, { companyId, action: 'create', entity: 'user-import', entityId: created.id, after: out }, { entity: 'user-import', id: created.id, domainId, change: 'created' });
    return out;
  }

  async list(admin: AdminPrincipal, domainId: string) {
    await this.changes.companyOf(admin, domainId);
    const imports = await this.repo.list(domainId);
    return Promise.all(imports.map(async (i) => toUserImport(i, { memberCount: await this.repo.memberCount(i.id), lastRun: (await this.repo.listRuns(i.id, 1))[0] })));
  }

  async importOf(admin: AdminPrincipal, domainId: string, id: string): Promise<{ companyId: string; imp: UserImportRow }> {
    const companyId = await this.changes.companyOf(admin, domainId);
    const imp = await this.repo.find(domainId, id);
    if (!imp) throw notFound(`user import ${id} in domain ${domainId}`);
    return { companyId, imp };
  }

  async get(admin: AdminPrincipal, domainId: string, id: string) {
    const { imp } = await this.importOf(admin, domainId, id);
    return toUserImport(imp, { memberCount: await this.repo.memberCount(id), lastRun: (await this.repo.listRuns(id, 1))[0] });
  }

  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateUserImport) {
    const { companyId, imp } = await this.importOf(admin, domainId, id);
    const write: ImportWrite = {
      description: input.description ?? imp.description,
      sourceType: input.sourceType ?? imp.sourceType,
      syncType: input.syncType ?? imp.syncType,
      connector: input.connector ? { ...imp.connector, ...input.connector } : imp.connector,
      passwordSealed: input.password === undefined ? imp.passwordSealed : this.secrets.sealOptional(input.password),
      fields: input.fields ?? imp.fields,
      device: input.device ?? imp.device,
      groupId: input.groupId === undefined ? imp.groupId : input.groupId,
      culture: input.culture ?? imp.culture,
      customizeNumber: input.customizeNumber ?? imp.customizeNumber,
      schedule: input.schedule ?? imp.schedule,
    };
    write.connector = await this.check(domainId, write, write.passwordSealed !== null);
    if (input.description) await this.assertDescriptionFree(domainId, input.description, id);
    const updated = await this.repo.update(id, write);
    const out = toUserImport(updated);
    await this.changes.changed(admin, { companyId, action: 'update', entity: 'user-import', entityId: id, before: toUserImport(imp), after: out }, { entity: 'user-import', id, domainId, change: 'updated' });
    return out;
  }

  /** Deletes the definition with its reports; the users it imported stay (as users created by hand). 409 while an import of the domain runs. */
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, imp } = await this.importOf(admin, domainId, id);
    const done = await this.repo.delete(domainId, id);
    if (done === undefined) throw await this.busy(domainId);
    await this.changes.changed(admin, { companyId, action: 'delete', entity: 'user-import', entityId: id, before: toUserImport(imp) }, { entity: 'user-import', id, domainId, change: 'deleted' });
  }

  private async busy(domainId: string) {
    const running = await this.repo.runningInDomain(domainId);
    return new ApiError(
      409,
      'conflict',
      `a user import of this domain is already running${running ? ` ("${running.description}", started ${new Date(running.startedAt).toISOString()}${running.requestedBy ? ` by ${running.requestedBy}` : ''})` : ''}: one at a time per domain`,
      running ? [{ importId: running.importId, runId: running.id }] : undefined,
    );
  }

  /** The Synchro button: starts a run in the background (202) and returns it; `dryRun` previews and changes nothing. */
  async start(admin: AdminPrincipal, domainId: string, id: string, dryRun: boolean) {
    const { companyId, imp } = await this.importOf(admin, domainId, id);
    return (await this.startRun(imp, companyId, admin, dryRun))!;
  }

  /**
   * Starts a run of the import in the background. `ifDue` (the scheduler): checked again once the
   * domain's lock is held, with the latest start, so that instances that all found the import due
   * run it once; undefined when it is no longer due.
   */
  async startRun(imp: UserImportRow, companyId: string, by: AdminPrincipal | undefined, dryRun: boolean, ifDue?: (lastStartedAt: Date | null) => boolean) {
    const domainId = imp.domainId;
    if (this.active.has(domainId)) throw await this.busy(domainId);
    const qr = await this.repo.openRun(domainId);
    if (!qr) throw await this.busy(domainId);
    let run: UserImportRunRow;
    try {
      if (ifDue && !ifDue(await this.repo.lastStartedAt(imp.id))) {
        await qr.rollbackTransaction();
        await qr.release();
        return undefined;
      }
      // We hold the lock: a run still marked running died with its instance (and its transaction).
      await this.repo.failStale(domainId, 'interrupted: the service running it stopped — nothing was changed');
      run = await this.repo.createRun(imp.id, imp.syncType, by?.username ?? null, dryRun, INSTANCE);
    } catch (e) {
      await qr.rollbackTransaction().catch(() => undefined);
      await qr.release().catch(() => undefined);
      throw e;
    }
    const controller = new AbortController();
    const done = this.runner.run(imp, companyId, run, qr, by ?? SCHEDULER, controller.signal).finally(() => this.active.delete(domainId));
    this.active.set(domainId, { controller, done });
    return toRun(run);
  }

  async runs(admin: AdminPrincipal, domainId: string, id: string) {
    await this.importOf(admin, domainId, id);
    return (await this.repo.listRuns(id)).map(toRun);
  }

  async run(admin: AdminPrincipal, domainId: string, id: string, runId: string) {
    await this.importOf(admin, domainId, id);
    const r = await this.repo.findRun(id, runId);
    if (!r) throw notFound(`run ${runId} of user import ${id}`);
    return toRun(r);
  }

  /** Stops this instance's runs (rolled back: no user changes) before the pool closes. */
  async onModuleDestroy(): Promise<void> {
    if (this.active.size === 0) return;
    this.logger.info({ running: this.active.size }, 'stopping: abandoning the user imports of this instance');
    for (const a of this.active.values()) a.controller.abort();
    await Promise.race([Promise.allSettled([...this.active.values()].map((a) => a.done)), new Promise((r) => setTimeout(r, 10_000).unref())]);
  }
}
