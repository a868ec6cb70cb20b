import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, conflict, notFound } from '@tws/service';
import { IntercomGroupsRepository, type SupervisedDeviceFields } from '@tws/telephony-data-access';
import { toIntercomDevice, toIntercomGroup } from './telephony.mappers';
import type { CreateIntercomGroup, IntercomDevicesInput, UpdateIntercomDevice, UpdateIntercomGroup } from './telephony.schemas';
import { TelephonyAdminSupport } from './telephony-admin.support';

/** Devices of one group at most (a guard, not a rule of the guide). */
const MAX_DEVICES = 500;

/**
 * Intercom groups (9.1.2): a name and the devices whose supervision gives telephony presence —
 * physical extensions (media None), virtual devices (media TWS), or none at all. "Duplicate x"
 * creates consecutive numbers, all or nothing. Deleting a group deletes its devices and every
 * authorization about it (7.4.4), in one transaction.
 */
@Injectable()
export class IntercomGroupsAdminService {
  constructor(
    private readonly groups: IntercomGroupsRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  /** The devices a list of "number + duplicate x" entries stands for; 400 naming the entry that cannot be expanded. */
  private expand(entries: IntercomDevicesInput[], path: (i: number) => string): SupervisedDeviceFields[] {
    const devices = entries.flatMap((e, i) =>
      this.support.expand(e.number, e.duplicate, path(i)).map((number) => ({
        number,
        ccoCount: e.ccoCount,
        protocol: e.protocol,
        mediaProtocol: e.mediaProtocol,
        passwordSealed: this.support.seal(e.password) ?? null,
      })),
    );
    const seen = new Set<string>();
    for (const d of devices) {
      if (seen.has(d.number)) throw badRequest(`invalid body: devices: number ${d.number} appears twice`, [{ path: 'devices', message: `number ${d.number} appears twice` }]);
      seen.add(d.number);
    }
    return devices;
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreateIntercomGroup) {
    const companyId = await this.support.companyOf(admin, domainId);
    const devices = this.expand(input.devices, (i) => `devices.${i}.duplicate`);
    if (devices.length > MAX_DEVICES) throw badRequest(`invalid body: devices: at most ${MAX_DEVICES} devices in a group`, [{ path: 'devices', message: `at most ${MAX_DEVICES}` }]);
    if (await this.groups.findByName(domainId, input.name)) throw conflict(`intercom group "${input.name}" already exists in this domain`);
    await this.support.assertNumbersFree(domainId, devices.map((d) => d.number));
    const g = toIntercomGroup(await this.groups.create(domainId, input.name, devices));
    await this.support.changed(admin, { companyId, action: 'create', entity: 'intercom-group', entityId: g.id, after: g }, { entity: 'intercom-group', id: g.id, domainId, change: 'created' });
    return g;
  }
  async list(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.groups.list(domainId)).map(toIntercomGroup);
  }
  private async group(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const group = await this.groups.find(domainId, id);
    if (!group) throw notFound(`intercom group ${id} in domain ${domainId}`);
    return { companyId, group };
  }
  async get(admin: AdminPrincipal, domainId: string, id: string) {
    return toIntercomGroup((await this.group(admin, domainId, id)).group);
  }
  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateIntercomGroup) {
    const { companyId, group } = await this.group(admin, domainId, id);
    const other = await this.groups.findByName(domainId, input.name);
    if (other && other.id !== id) throw conflict(`intercom group "${input.name}" already exists in this domain`);
    await this.groups.rename(id, input.name);
    return this.updated(admin, companyId, domainId, group);
  }
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, group } = await this.group(admin, domainId, id);
    const removed = await this.groups.delete(id);
    await this.support.changed(
      admin,
      { companyId, action: 'delete', entity: 'intercom-group', entityId: id, before: { ...toIntercomGroup(group), authorizations: removed } },
      { entity: 'intercom-group', id, domainId, change: 'deleted' },
      ...removed.map((a) => ({ entity: 'authorization' as const, id: a.id, change: 'deleted' as const })),
    );
  }

  /** Adds devices ("duplicate x": consecutive numbers), all or nothing; returns the devices created. */
  async addDevices(admin: AdminPrincipal, domainId: string, id: string, input: IntercomDevicesInput) {
    const { companyId, group } = await this.group(admin, domainId, id);
    const devices = this.expand([input], () => 'duplicate');
    if (group.devices.length + devices.length > MAX_DEVICES) throw conflict(`an intercom group has at most ${MAX_DEVICES} devices`);
    await this.support.assertNumbersFree(domainId, devices.map((d) => d.number));
    const created = (await this.groups.addDevices(group, devices)).map(toIntercomDevice);
    await this.updated(admin, companyId, domainId, group);
    return created;
  }
  private async device(admin: AdminPrincipal, domainId: string, groupId: string, deviceId: string) {
    const found = await this.group(admin, domainId, groupId);
    const device = await this.groups.findDevice(groupId, deviceId);
    if (!device) throw notFound(`device ${deviceId} of intercom group ${groupId}`);
    return { ...found, device };
  }
  async updateDevice(admin: AdminPrincipal, domainId: string, groupId: string, deviceId: string, input: UpdateIntercomDevice) {
    const { companyId, group } = await this.device(admin, domainId, groupId, deviceId);
    if (input.number !== undefined) await this.support.assertNumbersFree(domainId, [input.number], deviceId);
    const { password, ...plain } = input;
    const d = await this.groups.updateDevice(deviceId, { ...plain, ...(password !== undefined ? { passwordSealed: this.support.seal(password) } : {}) });
    await this.updated(admin, companyId, domainId, group);
    return toIntercomDevice(d);
  }
  async deleteDevice(admin: AdminPrincipal, domainId: string, groupId: string, deviceId: string) {
    const { companyId, group } = await this.device(admin, domainId, groupId, deviceId);
    await this.groups.deleteDevice(deviceId);
    await this.updated(admin, companyId, domainId, group);
  }

  /** A change of the group or of its devices: audited as an update of the group, before and after. */
  private async updated(admin: AdminPrincipal, companyId: string, domainId: string, before: Parameters<typeof toIntercomGroup>[0]) {
    const after = toIntercomGroup((await this.groups.find(domainId, before.id))!);
    await this.support.changed(
      admin,
      { companyId, action: 'update', entity: 'intercom-group', entityId: before.id, before: toIntercomGroup(before), after },
      { entity: 'intercom-group', id: before.id, domainId, change: 'updated' },
    );
    return after;
  }
}
