import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { writeDefaultDialingPlan } from './dialing-plan.repository';
import { CompanyEntity, CstaLinkEntity, DeviceEntity, DomainEntity, UserEntity } from './tenancy.entities';

/** The settable fields of a device (everything but ids and owner). */
export type DeviceFields = Omit<DeviceEntity, 'id' | 'userId' | 'user' | 'domainId' | 'createdAt'>;

/** A number a CTI link monitors, and what it belongs to. */
export interface MonitoredDevice {
  number: string;
  kind: 'user' | 'intercom-group' | 'phone-queue';
  /** The user, the intercom group or the phone queue. */
  ownerId: string;
}

/**
 * Every query on the tenancy tables. web-services writes them; other services only read
 * (the `find*` methods).
 */
@Injectable()
export class TenancyRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  // companies
  createCompany(name: string) {
    return this.ds.getRepository(CompanyEntity).save({ name });
  }
  listCompanies() {
    return this.ds.getRepository(CompanyEntity).find({ order: { name: 'ASC' } });
  }
  findCompany(id: string) {
    return this.ds.getRepository(CompanyEntity).findOneBy({ id });
  }
  async updateCompany(id: string, name: string) {
    await this.ds.getRepository(CompanyEntity).update({ id }, { name });
    return (await this.findCompany(id))!;
  }
  countDomains(companyId: string) {
    return this.ds.getRepository(DomainEntity).countBy({ companyId });
  }
  async deleteCompany(id: string) {
    await this.ds.getRepository(CompanyEntity).delete({ id });
  }

  // domains
  /** Creates a domain with its dialing plan (default settings and the standard rules), all or nothing. */
  createDomain(companyId: string, name: string, numberingLength: number) {
    return this.ds.transaction(async (tx) => {
      const d = await tx.getRepository(DomainEntity).save({ companyId, name, numberingLength });
      await writeDefaultDialingPlan(tx, d.id, numberingLength);
      return d;
    });
  }
  listDomains(companyId: string) {
    return this.ds.getRepository(DomainEntity).find({ where: { companyId }, order: { name: 'ASC' } });
  }
  findDomain(id: string) {
    return this.ds.getRepository(DomainEntity).findOneBy({ id });
  }
  async updateDomain(id: string, patch: Partial<Pick<DomainEntity, 'name' | 'numberingLength'>>) {
    await this.ds.getRepository(DomainEntity).update({ id }, patch);
    return (await this.findDomain(id))!;
  }
  countUsers(domainId: string) {
    return this.ds.getRepository(UserEntity).countBy({ domainId });
  }
  async deleteDomain(id: string) {
    await this.ds.getRepository(DomainEntity).delete({ id });
  }
  findDomainByName(name: string) {
    return this.ds.getRepository(DomainEntity).createQueryBuilder('d').where('lower(d.name) = lower(:name)', { name }).getOne();
  }

  // users and devices
  /** Creates a user and its devices in one transaction: all or nothing. */
  createUser(user: Omit<UserEntity, 'id' | 'createdAt' | 'updatedAt' | 'devices'>, devices: DeviceFields[]) {
    return this.ds.transaction(async (tx) => {
      const saved = await tx.getRepository(UserEntity).save(tx.getRepository(UserEntity).create(user));
      saved.devices = await tx
        .getRepository(DeviceEntity)
        .save(devices.map((d) => tx.getRepository(DeviceEntity).create({ ...d, userId: saved.id, domainId: user.domainId })));
      return saved;
    });
  }
  listUsers(domainId: string, opts: { search?: string; offset: number; limit: number }) {
    const q = this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.devices', 'd')
      .where('u.domain_id = :domainId', { domainId })
      .orderBy('u.username', 'ASC')
      .skip(opts.offset)
      .take(opts.limit);
    if (opts.search) {
      q.andWhere(`(u.username ILIKE :s OR u.first_name ILIKE :s OR u.last_name ILIKE :s OR d.number LIKE :s)`, {
        s: `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    }
    return q.getManyAndCount();
  }
  findUser(domainId: string, id: string) {
    return this.ds.getRepository(UserEntity).findOne({ where: { domainId, id }, relations: { devices: true } });
  }
  findUserByName(domainId: string, username: string) {
    return this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .leftJoinAndSelect('u.devices', 'd')
      .where('u.domain_id = :domainId AND lower(u.username) = lower(:username)', { domainId, username })
      .getOne();
  }
  /** Devices of enabled users in a domain with the given protocol. */
  listDomainDevices(domainId: string, protocol: DeviceEntity['protocol']) {
    return this.ds
      .getRepository(DeviceEntity)
      .createQueryBuilder('d')
      .innerJoin('d.user', 'u')
      .where('d.domain_id = :domainId AND d.protocol = :protocol AND u.enabled', { domainId, protocol })
      .orderBy('d.number')
      .getMany();
  }
  /**
   * What a CTI link of the domain monitors (guide 4.1, 3.3.3): the devices of enabled users, of
   * intercom groups and the phone queues configured with `protocol`, in number order.
   */
  async listMonitoredDevices(domainId: string, protocol: DeviceEntity['protocol']): Promise<MonitoredDevice[]> {
    const rows: Array<{ number: string; kind: MonitoredDevice['kind']; owner_id: string }> = await this.ds.query(
      `SELECT d.number, 'user' AS kind, d.user_id AS owner_id
         FROM device d JOIN tws_user u ON u.id = d.user_id
        WHERE d.domain_id = $1 AND d.protocol = $2 AND u.enabled
       UNION ALL
       SELECT g.number, 'intercom-group', g.group_id FROM intercom_group_device g WHERE g.domain_id = $1 AND g.protocol = $2
       UNION ALL
       SELECT q.number, 'phone-queue', q.id FROM phone_queue q WHERE q.domain_id = $1 AND q.protocol = $2
       ORDER BY 1`,
      [domainId, protocol],
    );
    return rows.map((r) => ({ number: r.number, kind: r.kind, ownerId: r.owner_id }));
  }
  findDeviceByNumber(domainId: string, number: string) {
    return this.ds.getRepository(DeviceEntity).findOneBy({ domainId, number });
  }
  async updateUser(id: string, patch: Partial<Omit<UserEntity, 'id' | 'createdAt' | 'updatedAt' | 'devices' | 'domainId'>>) {
    if (Object.keys(patch).length) await this.ds.getRepository(UserEntity).update({ id }, patch);
  }
  /**
   * Deletes a user with everything that is only about them: devices, group memberships,
   * parameter values (foreign keys), and the authorizations where they are the subject or the
   * object (calendar, call log, statistics, records of this user). Call logs stay (history).
   */
  async deleteUser(id: string) {
    await this.ds.transaction(async (tx) => {
      await tx.query(
        `DELETE FROM "authorization" WHERE (subject_type = 'user' AND subject_id = $1)
           OR (object_type IN ('calendar', 'call-log', 'statistics', 'records') AND object_ref = $1::text)`,
        [id],
      );
      await tx.getRepository(UserEntity).delete({ id });
    });
  }
  findDevice(userId: string, id: string) {
    return this.ds.getRepository(DeviceEntity).findOneBy({ userId, id });
  }
  addDevice(userId: string, domainId: string, fields: DeviceFields) {
    return this.ds.getRepository(DeviceEntity).save(this.ds.getRepository(DeviceEntity).create({ ...fields, userId, domainId }));
  }
  async updateDevice(id: string, patch: Partial<DeviceFields>) {
    if (Object.keys(patch).length) await this.ds.getRepository(DeviceEntity).update({ id }, patch);
    return (await this.ds.getRepository(DeviceEntity).findOneBy({ id }))!;
  }
  async deleteDevice(id: string) {
    await this.ds.getRepository(DeviceEntity).delete({ id });
  }

  // CSTA links
  createCstaLink(link: Omit<CstaLinkEntity, 'id' | 'createdAt' | 'updatedAt'>) {
    return this.ds.getRepository(CstaLinkEntity).save(link);
  }
  listCstaLinks(domainId?: string) {
    return this.ds.getRepository(CstaLinkEntity).find({ where: domainId ? { domainId } : {}, order: { name: 'ASC' } });
  }
  findCstaLink(id: string) {
    return this.ds.getRepository(CstaLinkEntity).findOneBy({ id });
  }
  async updateCstaLink(id: string, patch: Partial<Omit<CstaLinkEntity, 'id' | 'createdAt' | 'updatedAt' | 'domainId'>>) {
    if (Object.keys(patch).length) await this.ds.getRepository(CstaLinkEntity).update({ id }, patch);
    return (await this.findCstaLink(id))!;
  }
  async deleteCstaLink(id: string) {
    await this.ds.getRepository(CstaLinkEntity).delete({ id });
  }
}
