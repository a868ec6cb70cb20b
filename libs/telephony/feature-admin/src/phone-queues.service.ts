import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { conflict, notFound } from '@tws/service';
import { PhoneQueuesRepository } from '@tws/telephony-data-access';
import { toPhoneQueue } from './telephony.mappers';
import type { CreatePhoneQueue, UpdatePhoneQueue } from './telephony.schemas';
import { TelephonyAdminSupport } from './telephony-admin.support';

/**
 * Phone (call) queues (9.2.2): a name and the one device supervised for it. Deleting a queue
 * deletes every authorization about it (users who may see it, 7.4.5; directories it may see,
 * 9.2.2) in the same transaction.
 */
@Injectable()
export class PhoneQueuesAdminService {
  constructor(
    private readonly queues: PhoneQueuesRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  private async assertNameFree(domainId: string, name: string, exceptId?: string) {
    const other = await this.queues.findByName(domainId, name);
    if (other && other.id !== exceptId) throw conflict(`phone queue "${name}" already exists in this domain`);
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreatePhoneQueue) {
    const companyId = await this.support.companyOf(admin, domainId);
    await this.assertNameFree(domainId, input.name);
    await this.support.assertNumbersFree(domainId, [input.number]);
    const { password, ...plain } = input;
    const q = toPhoneQueue(await this.queues.create({ domainId, ...plain, passwordSealed: this.support.seal(password) ?? null }));
    await this.support.changed(admin, { companyId, action: 'create', entity: 'phone-queue', entityId: q.id, after: q }, { entity: 'phone-queue', id: q.id, domainId, change: 'created' });
    return q;
  }
  async list(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.queues.list(domainId)).map(toPhoneQueue);
  }
  private async queue(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const queue = await this.queues.find(domainId, id);
    if (!queue) throw notFound(`phone queue ${id} in domain ${domainId}`);
    return { companyId, queue };
  }
  async get(admin: AdminPrincipal, domainId: string, id: string) {
    return toPhoneQueue((await this.queue(admin, domainId, id)).queue);
  }
  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdatePhoneQueue) {
    const { companyId, queue } = await this.queue(admin, domainId, id);
    if (input.name !== undefined) await this.assertNameFree(domainId, input.name, id);
    if (input.number !== undefined) await this.support.assertNumbersFree(domainId, [input.number], id);
    const { password, ...plain } = input;
    const after = toPhoneQueue(await this.queues.update(id, { ...plain, ...(password !== undefined ? { passwordSealed: this.support.seal(password) } : {}) }));
    await this.support.changed(admin, { companyId, action: 'update', entity: 'phone-queue', entityId: id, before: toPhoneQueue(queue), after }, { entity: 'phone-queue', id, domainId, change: 'updated' });
    return after;
  }
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, queue } = await this.queue(admin, domainId, id);
    const removed = await this.queues.delete(id);
    await this.support.changed(
      admin,
      { companyId, action: 'delete', entity: 'phone-queue', entityId: id, before: { ...toPhoneQueue(queue), authorizations: removed } },
      { entity: 'phone-queue', id, domainId, change: 'deleted' },
      ...removed.map((a) => ({ entity: 'authorization' as const, id: a.id, change: 'deleted' as const })),
    );
  }
}
