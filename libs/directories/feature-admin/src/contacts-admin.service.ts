import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ContactsRepository, DirectoriesRepository, type ContactRow, type DirectoryEntity } from '@tws/directories-data-access';
import type { MappedContact } from '@tws/directories-mapping';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, conflict, notFound } from '@tws/service';
import { DialingPlans } from '@tws/tenancy-data-access';
import { DirectoriesAdminService } from './directories-admin.service';
import { DirectoriesAdminSupport } from './directories-admin.support';
import { buildTwsContact, contactInputOf, type ContactInput } from './contact-builder';
import { toAdminContact } from './directories.mappers';
import type { CreateContact, ListContactsQuery, UpdateContact } from './directories.schemas';

/**
 * Contacts (guide 8.1, 9.1.1): the administrator browses the contacts of any directory, and writes
 * those of TWS contacts directories — public ones, and the private `[TwsPrivate]` contacts of a
 * user (users write their own through the user API: PrivateContactsService).
 */
@Injectable()
export class ContactsAdminService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly directories: DirectoriesAdminService,
    private readonly directoryRepo: DirectoriesRepository,
    private readonly plans: DialingPlans,
    private readonly support: DirectoriesAdminSupport,
  ) {}

  async list(admin: AdminPrincipal, domainId: string, directoryId: string, q: ListContactsQuery) {
    await this.directories.directory(admin, domainId, directoryId);
    const [rows, total] = await this.contacts.list(directoryId, q);
    return { items: rows.map(toAdminContact), total, offset: q.offset, limit: q.limit };
  }

  async get(admin: AdminPrincipal, domainId: string, directoryId: string, id: string) {
    await this.directories.directory(admin, domainId, directoryId);
    return toAdminContact(await this.contact(directoryId, id));
  }

  private async contact(directoryId: string, id: string): Promise<ContactRow> {
    const c = await this.contacts.find(directoryId, id);
    if (!c) throw notFound(`contact ${id} in directory ${directoryId}`);
    return c;
  }

  private writable(d: DirectoryEntity) {
    if (d.serverType !== 'tws-contacts') throw conflict(`"${d.name}" is synchronized from its source (${d.serverType}): change its contacts there, then synchronize`);
  }

  async create(admin: AdminPrincipal, domainId: string, directoryId: string, input: CreateContact) {
    const { companyId, directory } = await this.directories.directory(admin, domainId, directoryId);
    this.writable(directory);
    let owner: string | null = null;
    if (directory.type === 'private') {
      if (!input.ownerUserId) throw badRequest('invalid body: ownerUserId: required in a private directory (whose private contact is it?)', [{ path: 'ownerUserId', message: 'required in a private directory' }]);
      if (!(await this.directoryRepo.userOfDomain(domainId, input.ownerUserId))) {
        throw badRequest(`invalid body: ownerUserId: no user ${input.ownerUserId} in this domain`, [{ path: 'ownerUserId', message: 'no such user in this domain' }]);
      }
      owner = input.ownerUserId;
    } else if (input.ownerUserId) {
      throw badRequest('invalid body: ownerUserId: only private directories have owners', [{ path: 'ownerUserId', message: 'only private directories have owners' }]);
    }
    const { ownerUserId: _o, ...fields } = input;
    const saved = toAdminContact(await this.contacts.save(directoryId, owner, await this.build(directory, randomUUID(), fields)));
    await this.support.changed(admin, { companyId, action: 'create', entity: 'contact', entityId: saved.id, after: saved }, { entity: 'contact', id: saved.id, domainId, change: 'created' });
    return saved;
  }

  async update(admin: AdminPrincipal, domainId: string, directoryId: string, id: string, input: UpdateContact) {
    const { companyId, directory } = await this.directories.directory(admin, domainId, directoryId);
    this.writable(directory);
    const before = toAdminContact(await this.contact(directoryId, id));
    const merged: ContactInput = { ...contactInputOf(before), ...input };
    const saved = toAdminContact(await this.contacts.save(directoryId, before.ownerUserId, await this.build(directory, before.externalId, merged)));
    await this.support.changed(admin, { companyId, action: 'update', entity: 'contact', entityId: id, before, after: saved }, { entity: 'contact', id, domainId, change: 'updated' });
    return saved;
  }

  async delete(admin: AdminPrincipal, domainId: string, directoryId: string, id: string) {
    const { companyId, directory } = await this.directories.directory(admin, domainId, directoryId);
    this.writable(directory);
    const before = toAdminContact(await this.contact(directoryId, id));
    await this.contacts.delete(id);
    await this.support.changed(admin, { companyId, action: 'delete', entity: 'contact', entityId: id, before }, { entity: 'contact', id, domainId, change: 'deleted' });
  }

  /** The stored form of a contact written in TWS: numbers normalized with the domain's dialing plan. */
  private async build(directory: DirectoryEntity, externalId: string, c: ContactInput): Promise<MappedContact> {
    return buildTwsContact(await this.plans.forDomain(directory.domainId), externalId, c);
  }
}
