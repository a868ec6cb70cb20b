import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { EffectiveRightsQuery, type EffectiveRights } from '@tws/contracts';
import { ContactsRepository, DirectoriesRepository, type ContactRow, type DirectoryEntity } from '@tws/directories-data-access';
import type { UserPrincipal } from '@tws/identity-data-access';
import { ApiError, badRequest, NatsService, notFound } from '@tws/service';
import { DialingPlans } from '@tws/tenancy-data-access';
import { buildTwsContact, contactInputOf } from './contact-builder';
import { toAdminContact } from './directories.mappers';
import type { CreatePrivateContact, ListPrivateContactsQuery, UpdateContact } from './directories.schemas';

/**
 * A user's own private contacts (guide 9.1.1, `[TwsPrivate]`): written by the signed-in user in
 * the private TWS contacts directories of its domain that it is authorized to (effective rights,
 * 7.4.2), seen only by it. Numbers are normalized like the administrator's contacts. Another
 * user's contact is 404, as if it did not exist. Public TWS contacts stay the administrator's
 * (the guide gives users no way to write them).
 */
@Injectable()
export class PrivateContactsService {
  constructor(
    private readonly contacts: ContactsRepository,
    private readonly directories: DirectoriesRepository,
    private readonly plans: DialingPlans,
    private readonly nats: NatsService,
  ) {}

  /** The private TWS contacts directories of the user's domain it may use, by priority. */
  private async writable(user: UserPrincipal): Promise<DirectoryEntity[]> {
    const rights = (await this.nats.current.request(EffectiveRightsQuery, [], { userId: user.userId, objectType: 'directory' })) as EffectiveRights;
    return this.directories.privateContactDirectories(user.domainId, rights.rights.directory ?? []);
  }

  private async owned(user: UserPrincipal, id: string): Promise<{ row: ContactRow; directory: DirectoryEntity }> {
    const dirs = await this.writable(user);
    const row = await this.contacts.findOwned(dirs.map((d) => d.id), user.userId, id);
    if (!row) throw notFound(`private contact ${id}`);
    return { row, directory: dirs.find((d) => d.id === row.directoryId)! };
  }

  async list(user: UserPrincipal, q: ListPrivateContactsQuery) {
    const dirs = await this.writable(user);
    const [rows, total] = await this.contacts.listOwned(dirs.map((d) => d.id), user.userId, q);
    return { items: rows.map(toAdminContact), total, offset: q.offset, limit: q.limit, directories: dirs.map((d) => ({ id: d.id, name: d.name })) };
  }

  async get(user: UserPrincipal, id: string) {
    return toAdminContact((await this.owned(user, id)).row);
  }

  async create(user: UserPrincipal, input: CreatePrivateContact) {
    const dirs = await this.writable(user);
    if (dirs.length === 0) {
      throw new ApiError(403, 'forbidden', 'no private contacts directory: the administrator must authorize you to a private TWS contacts directory of your domain ([TwsPrivate], guide 9.1.1)');
    }
    const { directoryId, ...fields } = input;
    const directory = directoryId ? dirs.find((d) => d.id === directoryId.toLowerCase()) : dirs[0];
    if (!directory) {
      throw badRequest(`invalid body: directoryId: ${directoryId} is not a private contacts directory you may write to`, [{ path: 'directoryId', message: 'not a private contacts directory you may write to' }]);
    }
    const contact = buildTwsContact(await this.plans.forDomain(directory.domainId), randomUUID(), fields);
    return toAdminContact(await this.contacts.save(directory.id, user.userId, contact));
  }

  async update(user: UserPrincipal, id: string, input: UpdateContact) {
    const { row, directory } = await this.owned(user, id);
    const before = toAdminContact(row);
    const contact = buildTwsContact(await this.plans.forDomain(directory.domainId), before.externalId, { ...contactInputOf(before), ...input });
    return toAdminContact(await this.contacts.save(directory.id, user.userId, contact));
  }

  async delete(user: UserPrincipal, id: string) {
    await this.owned(user, id);
    await this.contacts.delete(id);
  }
}
