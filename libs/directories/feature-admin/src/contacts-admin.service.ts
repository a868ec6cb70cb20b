import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { PHONE_KINDS } from '@tws/contracts';
import { InvalidPhoneNumberError } from '@tws/dialing-plan';
import { ContactsRepository, DirectoriesRepository, type ContactRow, type DirectoryEntity } from '@tws/directories-data-access';
import { finishContact, VIP_LABEL, type MappedContact, type MappedPhone, type StoredField } from '@tws/directories-mapping';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, conflict, notFound } from '@tws/service';
import { DialingPlans } from '@tws/tenancy-data-access';
import { DirectoriesAdminService } from './directories-admin.service';
import { DirectoriesAdminSupport } from './directories-admin.support';
import { toAdminContact, type AdminContact } from './directories.mappers';
import type { CreateContact, ListContactsQuery, UpdateContact } from './directories.schemas';

/** The contact fields of the API, the same for create and for a full update. */
type ContactInput = Omit<CreateContact, 'ownerUserId'>;

/**
 * Contacts (guide 8.1, 9.1.1): the administrator browses the contacts of any directory, and writes
 * those of TWS contacts directories — public ones, and the private `[TwsPrivate]` contacts of a
 * user (the user API will let users write their own; it needs user authentication).
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
    const merged: ContactInput = { ...inputOf(before), ...input };
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
    const plan = await this.plans.forDomain(directory.domainId);
    const fields: Record<string, StoredField> = {};
    const put = (k: string, v: string | undefined, label?: string) => {
      if (v) fields[k] = { v, ...(label !== undefined ? { label } : {}) };
    };
    put('lastName', c.lastName);
    put('firstName', c.firstName);
    put('company', c.company);
    put('picture', c.picture);
    put('mail1', c.mail1);
    put('mail2', c.mail2);
    put('url', c.url);
    for (const p of c.privateFields) put(`private${p.index}`, p.value, p.label);
    const phones: MappedPhone[] = [];
    for (const kind of PHONE_KINDS) {
      const p = c.phones[kind];
      if (!p) continue;
      let canonical: string | null = null;
      try {
        canonical = plan ? plan.toCanonical(p.number, 'directory') : null;
      } catch (e) {
        if (!(e instanceof InvalidPhoneNumberError)) throw e;
        throw badRequest(`invalid body: phones.${kind}.number: ${e.message}`, [{ path: `phones.${kind}.number`, message: e.message }]);
      }
      phones.push({ kind, number: p.number, canonical, redList: p.redList, invisible: false });
    }
    if (!c.lastName && !c.firstName && !c.company && phones.length === 0 && !c.mail1 && !c.mail2) {
      throw badRequest('invalid body: a contact needs a name, a company, a number or an e-mail', [{ path: 'lastName', message: 'a contact needs a name, a company, a number or an e-mail' }]);
    }
    return finishContact({ externalId, lastName: c.lastName, firstName: c.firstName, company: c.company, fields, vip: c.vip || null, phones });
  }
}

/** The API input that gives this contact back (for updates that change a few fields). */
function inputOf(c: AdminContact): ContactInput {
  return {
    lastName: c.lastName,
    firstName: c.firstName,
    company: c.company,
    ...(c.picture !== null ? { picture: c.picture } : {}),
    ...(c.mail1 !== null ? { mail1: c.mail1 } : {}),
    ...(c.mail2 !== null ? { mail2: c.mail2 } : {}),
    ...(c.url !== null ? { url: c.url } : {}),
    phones: Object.fromEntries(c.phones.map((p) => [p.kind, { number: p.number, redList: p.redList }])),
    privateFields: c.privateFields.filter((p) => p.label !== VIP_LABEL).map((p) => ({ index: p.index, label: p.label, value: p.value })),
    ...(c.vip !== null ? { vip: c.vip } : {}),
  };
}
