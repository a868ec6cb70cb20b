import { Injectable } from '@nestjs/common';
import type { DirectoryType } from '@tws/contracts';
import { DirectoriesRepository, SyncRunsRepository, type DirectoryEntity, type DirectoryPatch } from '@tws/directories-data-access';
import { compileFieldMapping, type FieldMappingInput } from '@tws/directories-mapping';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, conflict, notFound } from '@tws/service';
import { DirectoriesAdminSupport } from './directories-admin.support';
import { toDirectory } from './directories.mappers';
import type { CreateDirectory, UpdateDirectory } from './directories.schemas';
import { ServerTypes } from './server-types';

type Issue = { path: string; message: string };

/** What a directory will be after a create or an update, checked as a whole. */
interface DirectoryDraft {
  serverType: DirectoryEntity['serverType'];
  type: DirectoryType;
  connector: Record<string, unknown>;
  hasPassword: boolean;
  passwordGiven: boolean;
  fields: FieldMappingInput | undefined;
  fieldsGiven: boolean;
  syncMode: DirectoryEntity['syncMode'];
}

/**
 * Directories of a domain (guide 8.1): the Connector tab (name, type, priority, server type and
 * its settings, password), the Fields tab (mapping with options, compiled and checked at save
 * time) and the Synchro tab (mode, merge). Deleting one takes its contacts, reports and the
 * authorizations that grant it; it is refused (409) while it synchronizes.
 */
@Injectable()
export class DirectoriesAdminService {
  constructor(
    private readonly directories: DirectoriesRepository,
    private readonly runs: SyncRunsRepository,
    private readonly serverTypes: ServerTypes,
    private readonly support: DirectoriesAdminSupport,
  ) {}

  /** Every problem of the directory at once, paths as in the request; returns the settings to store. */
  private check(d: DirectoryDraft): { connector: Record<string, unknown>; fields: FieldMappingInput } {
    const t = this.serverTypes.get(d.serverType);
    const issues: Issue[] = [];
    if (d.type === 'private' && !t.privateAllowed) {
      issues.push({ path: 'type', message: `a private directory holds each user's own contacts: only TWS contacts can be private (not ${d.serverType})` });
    }
    const settings = t.settings.safeParse(d.connector);
    if (!settings.success) for (const i of settings.error.issues) issues.push({ path: ['connector', ...i.path.map(String)].join('.'), message: i.message });
    if (d.passwordGiven && d.hasPassword && !t.passwordAllowed) issues.push({ path: 'password', message: `a ${d.serverType} directory has no password` });
    let fields: FieldMappingInput = {};
    if (t.defaultMapping === undefined) {
      if (d.fieldsGiven && d.fields && Object.keys(d.fields).length) issues.push({ path: 'fields', message: 'TWS contacts have no field mapping: their fields are written in TWS' });
    } else {
      fields = d.fields ?? t.defaultMapping;
      const compiled = compileFieldMapping(fields, { allowedSources: t.allowedSources });
      if (!compiled.ok) issues.push(...compiled.issues);
    }
    if (!t.connector && d.syncMode !== 'manual') issues.push({ path: 'sync.mode', message: 'TWS contacts are not synchronized: they are written in TWS' });
    if (issues.length) throw badRequest(`invalid directory: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    return { connector: settings.success ? settings.data : {}, fields };
  }

  private async assertNameFree(domainId: string, name: string, exceptId?: string) {
    const other = await this.directories.findByName(domainId, name);
    if (other && other.id !== exceptId) throw conflict(`a directory "${other.name}" already exists in this domain`);
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreateDirectory) {
    const companyId = await this.support.companyOf(admin, domainId);
    const { connector, fields } = this.check({
      serverType: input.serverType,
      type: input.type,
      connector: input.connector,
      hasPassword: !!input.password,
      passwordGiven: input.password !== undefined,
      fields: input.fields,
      fieldsGiven: input.fields !== undefined,
      syncMode: input.sync.mode,
    });
    await this.assertNameFree(domainId, input.name);
    const saved = await this.directories.create({
      domainId,
      name: input.name,
      type: input.type,
      priority: input.priority,
      serverType: input.serverType,
      connector,
      passwordSealed: input.password ? this.support.secrets.seal(input.password) : null,
      fieldMapping: fields,
      syncMode: input.sync.mode,
      syncEvery: input.sync.every ?? null,
      syncUnit: input.sync.unit ?? null,
      merge: input.merge,
    });
    const dto = toDirectory(saved, { contactCount: 0 });
    await this.support.changed(admin, { companyId, action: 'create', entity: 'directory', entityId: saved.id, after: dto }, { entity: 'directory', id: saved.id, domainId, change: 'created' });
    return dto;
  }

  async list(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    const [dirs, counts, last] = await Promise.all([this.directories.list(domainId), this.directories.contactCounts(domainId), this.runs.latest(domainId)]);
    return dirs.map((d) => toDirectory(d, { contactCount: counts.get(d.id) ?? 0, lastRun: last.get(d.id) }));
  }

  /** The directory if the administrator may see it (404 otherwise), with its company. */
  async directory(admin: AdminPrincipal, domainId: string, id: string): Promise<{ companyId: string; directory: DirectoryEntity }> {
    const companyId = await this.support.companyOf(admin, domainId);
    const directory = await this.directories.find(domainId, id);
    if (!directory) throw notFound(`directory ${id} in domain ${domainId}`);
    return { companyId, directory };
  }

  async get(admin: AdminPrincipal, domainId: string, id: string) {
    const { directory } = await this.directory(admin, domainId, id);
    const [counts, last] = await Promise.all([this.directories.contactCounts(domainId), this.runs.latest(domainId)]);
    return toDirectory(directory, { contactCount: counts.get(id) ?? 0, lastRun: last.get(id) });
  }

  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateDirectory) {
    const { companyId, directory: d } = await this.directory(admin, domainId, id);
    const sync = input.sync ?? { mode: d.syncMode, ...(d.syncEvery !== null ? { every: d.syncEvery } : {}), ...(d.syncUnit !== null ? { unit: d.syncUnit } : {}) };
    const { connector, fields } = this.check({
      serverType: d.serverType,
      type: input.type ?? d.type,
      // Connector settings are merged: change the filter without sending the host again.
      connector: { ...d.connector, ...(input.connector ?? {}) },
      hasPassword: input.password === undefined ? d.passwordSealed !== null : input.password !== null,
      passwordGiven: input.password !== undefined,
      fields: input.fields ?? d.fieldMapping,
      fieldsGiven: input.fields !== undefined,
      syncMode: sync.mode,
    });
    if (input.name !== undefined) await this.assertNameFree(domainId, input.name, id);
    if (input.type !== undefined && (input.type === 'private') !== (d.type === 'private')) {
      // Private contacts have owners, public ones have none: switching would hide them all.
      const count = (await this.directories.contactCounts(domainId)).get(id) ?? 0;
      if (count > 0) throw conflict(`"${d.name}" holds ${count} ${d.type === 'private' ? 'private' : 'public'} contacts: it cannot become ${input.type} (create another directory)`);
    }
    const patch: DirectoryPatch = {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.type !== undefined ? { type: input.type } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.connector !== undefined ? { connector } : {}),
      ...(input.password !== undefined ? { passwordSealed: this.support.secrets.sealOptional(input.password) } : {}),
      ...(input.fields !== undefined ? { fieldMapping: fields } : {}),
      ...(input.sync !== undefined ? { syncMode: input.sync.mode, syncEvery: input.sync.every ?? null, syncUnit: input.sync.unit ?? null } : {}),
      ...(input.merge !== undefined ? { merge: input.merge } : {}),
    };
    const after = toDirectory(await this.directories.update(id, patch));
    await this.support.changed(
      admin,
      { companyId, action: 'update', entity: 'directory', entityId: id, before: toDirectory(d), after },
      { entity: 'directory', id, domainId, change: 'updated' },
    );
    return after;
  }

  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, directory } = await this.directory(admin, domainId, id);
    const removed = await this.directories.delete(id);
    if (!removed) {
      throw conflict(`directory "${directory.name}" is synchronizing: cancel it (POST .../directories/${id}/sync/cancel) or wait for the end, then delete it`);
    }
    await this.support.changed(
      admin,
      { companyId, action: 'delete', entity: 'directory', entityId: id, before: { ...toDirectory(directory), authorizations: removed } },
      { entity: 'directory', id, domainId, change: 'deleted' },
    );
  }
}
