import { Injectable } from '@nestjs/common';
import { DatabaseService } from '@tws/service';
import { CompanyEntity, CstaLinkEntity, DeviceEntity, DomainEntity, UserEntity } from './tenancy.entities';

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

  // domains
  createDomain(companyId: string, name: string, numberingLength: number) {
    return this.ds.getRepository(DomainEntity).save({ companyId, name, numberingLength });
  }
  listDomains(companyId: string) {
    return this.ds.getRepository(DomainEntity).find({ where: { companyId }, order: { name: 'ASC' } });
  }
  findDomain(id: string) {
    return this.ds.getRepository(DomainEntity).findOneBy({ id });
  }
  findDomainByName(name: string) {
    return this.ds.getRepository(DomainEntity).createQueryBuilder('d').where('lower(d.name) = lower(:name)', { name }).getOne();
  }

  // users and devices
  /** Creates a user and its devices in one transaction: all or nothing. */
  createUser(user: Omit<UserEntity, 'id' | 'createdAt' | 'updatedAt' | 'devices'>, devices: Pick<DeviceEntity, 'number' | 'protocol'>[]) {
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
  findDeviceByNumber(domainId: string, number: string) {
    return this.ds.getRepository(DeviceEntity).findOneBy({ domainId, number });
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
}
