import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { conflict, notFound } from '@tws/service';
import { VirtualDeviceResourcesRepository } from '@tws/telephony-data-access';
import { toVirtualDeviceResource } from './telephony.mappers';
import type { CreateVirtualDeviceResources, UpdateVirtualDeviceResource } from './telephony.schemas';
import { TelephonyAdminSupport } from './telephony-admin.support';

/**
 * Virtual-device resources of the Rules, Mail and VideoShare applications (9.5.2): SIP only,
 * media None, one registration password (0000 by default) for the resources created together,
 * "duplicate x" consecutive numbers, all or nothing. They register through the domain's SIP
 * connection, which must exist first (9.5.1: 409 otherwise).
 */
@Injectable()
export class VirtualDeviceResourcesAdminService {
  constructor(
    private readonly resources: VirtualDeviceResourcesRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  async create(admin: AdminPrincipal, domainId: string, input: CreateVirtualDeviceResources) {
    const companyId = await this.support.companyOf(admin, domainId);
    const numbers = this.support.expand(input.number, input.duplicate, 'duplicate');
    await this.support.assertNumbersFree(domainId, numbers);
    const created = await this.resources.createMany(
      domainId,
      numbers.map((number) => ({ application: input.application, number, passwordSealed: this.support.seal(input.password) })),
    );
    if (!created) throw conflict('this domain has no SIP connection: create it first (PUT .../sip-link), the resources register through it');
    const out = created.map(toVirtualDeviceResource);
    for (const r of out) {
      await this.support.changed(
        admin,
        { companyId, action: 'create', entity: 'virtual-device-resource', entityId: r.id, after: r },
        { entity: 'virtual-device-resource', id: r.id, domainId, change: 'created' },
      );
    }
    return out;
  }
  async list(admin: AdminPrincipal, domainId: string, application?: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.resources.listFor(domainId, application)).map(toVirtualDeviceResource);
  }
  private async resource(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const resource = await this.resources.find(domainId, id);
    if (!resource) throw notFound(`virtual-device resource ${id} in domain ${domainId}`);
    return { companyId, resource };
  }
  async get(admin: AdminPrincipal, domainId: string, id: string) {
    return toVirtualDeviceResource((await this.resource(admin, domainId, id)).resource);
  }
  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateVirtualDeviceResource) {
    const { companyId, resource } = await this.resource(admin, domainId, id);
    if (input.number !== undefined) await this.support.assertNumbersFree(domainId, [input.number], id);
    const after = toVirtualDeviceResource(
      await this.resources.update(id, { ...(input.number !== undefined ? { number: input.number } : {}), ...(input.password !== undefined ? { passwordSealed: this.support.seal(input.password) } : {}) }),
    );
    await this.support.changed(
      admin,
      { companyId, action: 'update', entity: 'virtual-device-resource', entityId: id, before: toVirtualDeviceResource(resource), after },
      { entity: 'virtual-device-resource', id, domainId, change: 'updated' },
    );
    return after;
  }
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, resource } = await this.resource(admin, domainId, id);
    await this.resources.delete(id);
    await this.support.changed(
      admin,
      { companyId, action: 'delete', entity: 'virtual-device-resource', entityId: id, before: toVirtualDeviceResource(resource) },
      { entity: 'virtual-device-resource', id, domainId, change: 'deleted' },
    );
  }
}
