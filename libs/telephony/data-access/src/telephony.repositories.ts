import { Injectable } from '@nestjs/common';
import type { EntityManager, EntityTarget, FindOptionsOrder, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { DatabaseService } from '@tws/service';
import {
  CollaborationServerEntity,
  IntercomGroupDeviceEntity,
  IntercomGroupEntity,
  PhoneQueueEntity,
  SipLinkEntity,
  SmsProviderEntity,
  VirtualDeviceResourceEntity,
  VtiXmlLinkEntity,
  type SupervisedDeviceFields,
} from './telephony.entities';

type Fields<E> = Omit<E, 'id' | 'createdAt' | 'updatedAt'>;
type Patch<E> = Partial<Omit<E, 'id' | 'domainId' | 'createdAt' | 'updatedAt'>>;

/** An authorization row removed with the object it was about. */
export interface RemovedAuthorization {
  id: string;
  objectType: string;
  objectRef: string;
  subjectType: string;
  subjectId: string;
}

/**
 * Deletes, inside `tx`, every authorization about an intercom group or a phone queue: where it is
 * the object (users may see it, 7.4.4 / 7.4.5) and where it is the subject (it may see a
 * directory, 9.2.2). Returns what was removed, for the audit log.
 */
async function deleteAuthorizationsOf(tx: EntityManager, kind: 'intercom-group' | 'phone-queue', id: string): Promise<RemovedAuthorization[]> {
  const [rows]: [{ id: string; object_type: string; object_ref: string; subject_type: string; subject_id: string }[], number] = await tx.query(
    `DELETE FROM "authorization" WHERE (object_type = $1 AND object_ref = $2::text) OR (subject_type = $1 AND subject_id = $2::uuid)
     RETURNING id, object_type, object_ref, subject_type, subject_id`,
    [kind, id],
  );
  return rows.map((r) => ({ id: r.id, objectType: r.object_type, objectRef: r.object_ref, subjectType: r.subject_type, subjectId: r.subject_id }));
}

/** Create / list / find / update / delete of one kind of object that belongs to a domain. */
@Injectable() // so that its constructor's parameter types are emitted for the subclasses
abstract class DomainObjectsRepository<E extends ObjectLiteral & { id: string; domainId: string }> {
  protected abstract readonly entity: EntityTarget<E>;
  protected abstract readonly order: FindOptionsOrder<E>;

  constructor(protected readonly db: DatabaseService) {}

  protected get repo() {
    return this.db.dataSource.getRepository(this.entity);
  }

  create(fields: Fields<E>): Promise<E> {
    return this.repo.save(this.repo.create(fields as unknown as E));
  }
  list(domainId: string): Promise<E[]> {
    return this.repo.find({ where: { domainId } as FindOptionsWhere<E>, order: this.order });
  }
  /** The object if it exists in that domain. */
  async find(domainId: string, id: string): Promise<E | undefined> {
    return (await this.repo.findOneBy({ id, domainId } as FindOptionsWhere<E>)) ?? undefined;
  }
  async update(id: string, patch: Patch<E>): Promise<E> {
    if (Object.keys(patch).length) await this.repo.update({ id } as FindOptionsWhere<E>, patch as never);
    return (await this.repo.findOneBy({ id } as FindOptionsWhere<E>))!;
  }
  protected async remove(id: string): Promise<void> {
    await this.repo.delete({ id } as FindOptionsWhere<E>);
  }
}

/** VTI-XML links (3.3.3). Written by web-services; vtixmlservices reads them. */
@Injectable()
export class VtiXmlLinksRepository extends DomainObjectsRepository<VtiXmlLinkEntity> {
  protected readonly entity = VtiXmlLinkEntity;
  protected readonly order = { siteCluster: 'ASC', host: 'ASC', port: 'ASC' } as const;

  delete(id: string): Promise<void> {
    return this.remove(id);
  }

  /** Another link of the domain to the same host and port (host compared without case). */
  async findEndpoint(domainId: string, host: string, port: number): Promise<VtiXmlLinkEntity | undefined> {
    return (
      (await this.repo
        .createQueryBuilder('l')
        .where('l.domain_id = :domainId AND lower(l.host) = lower(:host) AND l.port = :port', { domainId, host, port })
        .getOne()) ?? undefined
    );
  }
}

/** The SIP connection of each domain (9.5.1). Written by web-services; mediaservices reads it. */
@Injectable()
export class SipLinksRepository {
  constructor(private readonly db: DatabaseService) {}

  private get repo() {
    return this.db.dataSource.getRepository(SipLinkEntity);
  }

  async find(domainId: string): Promise<SipLinkEntity | undefined> {
    return (await this.repo.findOneBy({ domainId })) ?? undefined;
  }
  /** Creates the domain's SIP connection or replaces its settings. */
  async put(domainId: string, fields: Pick<SipLinkEntity, 'host' | 'port' | 'pbxType'>): Promise<SipLinkEntity> {
    await this.repo.upsert({ domainId, ...fields }, { conflictPaths: ['domainId'] });
    return (await this.find(domainId))!;
  }
  /**
   * Deletes the domain's SIP connection unless virtual-device resources still register through
   * it; returns how many there are (0: deleted). Locks the link row so that no resource is added
   * meanwhile (resource creation locks it too).
   */
  async deleteUnlessUsed(domainId: string): Promise<number> {
    return this.db.dataSource.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM sip_link WHERE domain_id = $1 FOR UPDATE', [domainId]);
      const used = await tx.getRepository(VirtualDeviceResourceEntity).countBy({ domainId });
      if (used === 0) await tx.getRepository(SipLinkEntity).delete({ domainId });
      return used;
    });
  }
}

/** Intercom groups and their devices (9.1.2). Written by web-services; vtixml/cstaservices and presence read them. */
@Injectable()
export class IntercomGroupsRepository {
  constructor(private readonly db: DatabaseService) {}

  private get ds() {
    return this.db.dataSource;
  }

  /** Creates a group with its devices in one transaction: all or nothing. */
  async create(domainId: string, name: string, devices: SupervisedDeviceFields[]): Promise<IntercomGroupEntity> {
    const id = await this.ds.transaction(async (tx) => {
      const g = await tx.getRepository(IntercomGroupEntity).save({ domainId, name });
      if (devices.length) await tx.getRepository(IntercomGroupDeviceEntity).insert(devices.map((d) => ({ ...d, groupId: g.id, domainId })));
      return g.id;
    });
    return (await this.find(domainId, id))!;
  }
  list(domainId: string): Promise<IntercomGroupEntity[]> {
    return this.ds.getRepository(IntercomGroupEntity).find({ where: { domainId }, relations: { devices: true }, order: { name: 'ASC', devices: { number: 'ASC' } } });
  }
  async find(domainId: string, id: string): Promise<IntercomGroupEntity | undefined> {
    return (await this.ds.getRepository(IntercomGroupEntity).findOne({ where: { domainId, id }, relations: { devices: true }, order: { devices: { number: 'ASC' } } })) ?? undefined;
  }
  async findByName(domainId: string, name: string): Promise<IntercomGroupEntity | undefined> {
    return (await this.ds.getRepository(IntercomGroupEntity).createQueryBuilder('g').where('g.domain_id = :domainId AND lower(g.name) = lower(:name)', { domainId, name }).getOne()) ?? undefined;
  }
  async rename(id: string, name: string): Promise<void> {
    await this.ds.getRepository(IntercomGroupEntity).update({ id }, { name });
  }
  /** Deletes the group, its devices and every authorization about it, in one transaction. */
  delete(id: string): Promise<RemovedAuthorization[]> {
    return this.ds.transaction(async (tx) => {
      const removed = await deleteAuthorizationsOf(tx, 'intercom-group', id);
      await tx.getRepository(IntercomGroupEntity).delete({ id });
      return removed;
    });
  }
  /** Adds devices to a group in one transaction (all or nothing); returns them in number order. */
  async addDevices(group: Pick<IntercomGroupEntity, 'id' | 'domainId'>, devices: SupervisedDeviceFields[]): Promise<IntercomGroupDeviceEntity[]> {
    const repo = this.ds.getRepository(IntercomGroupDeviceEntity);
    const saved = await this.ds.transaction((tx) =>
      tx.getRepository(IntercomGroupDeviceEntity).save(devices.map((d) => repo.create({ ...d, groupId: group.id, domainId: group.domainId }))),
    );
    return saved.sort((a, b) => a.number.localeCompare(b.number));
  }
  async findDevice(groupId: string, id: string): Promise<IntercomGroupDeviceEntity | undefined> {
    return (await this.ds.getRepository(IntercomGroupDeviceEntity).findOneBy({ groupId, id })) ?? undefined;
  }
  async updateDevice(id: string, patch: Partial<SupervisedDeviceFields>): Promise<IntercomGroupDeviceEntity> {
    if (Object.keys(patch).length) await this.ds.getRepository(IntercomGroupDeviceEntity).update({ id }, patch);
    return (await this.ds.getRepository(IntercomGroupDeviceEntity).findOneBy({ id }))!;
  }
  async deleteDevice(id: string): Promise<void> {
    await this.ds.getRepository(IntercomGroupDeviceEntity).delete({ id });
  }
}

/** Phone queues (9.2.2). Written by web-services; eventservices reads them. */
@Injectable()
export class PhoneQueuesRepository extends DomainObjectsRepository<PhoneQueueEntity> {
  protected readonly entity = PhoneQueueEntity;
  protected readonly order = { name: 'ASC' } as const;

  async findByName(domainId: string, name: string): Promise<PhoneQueueEntity | undefined> {
    return (await this.repo.createQueryBuilder('q').where('q.domain_id = :domainId AND lower(q.name) = lower(:name)', { domainId, name }).getOne()) ?? undefined;
  }
  /** Deletes the queue and every authorization about it, in one transaction. */
  delete(id: string): Promise<RemovedAuthorization[]> {
    return this.db.dataSource.transaction(async (tx) => {
      const removed = await deleteAuthorizationsOf(tx, 'phone-queue', id);
      await tx.getRepository(PhoneQueueEntity).delete({ id });
      return removed;
    });
  }
}

/** SMS providers (9.1.9). */
@Injectable()
export class SmsProvidersRepository extends DomainObjectsRepository<SmsProviderEntity> {
  protected readonly entity = SmsProviderEntity;
  protected readonly order = { host: 'ASC', createdAt: 'ASC' } as const;

  delete(id: string): Promise<void> {
    return this.remove(id);
  }
}

/** Collaboration (calendar) servers (8.5.3, 8.6.2, 8.7.4, 8.9.6). */
@Injectable()
export class CollaborationServersRepository extends DomainObjectsRepository<CollaborationServerEntity> {
  protected readonly entity = CollaborationServerEntity;
  protected readonly order = { type: 'ASC', host: 'ASC', createdAt: 'ASC' } as const;

  delete(id: string): Promise<void> {
    return this.remove(id);
  }
}

/** Virtual-device resources of applications (9.5.2). Written by web-services; mediaservices registers them. */
@Injectable()
export class VirtualDeviceResourcesRepository extends DomainObjectsRepository<VirtualDeviceResourceEntity> {
  protected readonly entity = VirtualDeviceResourceEntity;
  protected readonly order = { application: 'ASC', number: 'ASC' } as const;

  delete(id: string): Promise<void> {
    return this.remove(id);
  }

  listFor(domainId: string, application?: string): Promise<VirtualDeviceResourceEntity[]> {
    return this.repo.find({ where: application ? { domainId, application } : { domainId }, order: this.order });
  }
  /**
   * Creates resources in one transaction (all or nothing), provided the domain has a SIP
   * connection (locked meanwhile, so it cannot be deleted under them). Returns undefined when it has none.
   */
  createMany(domainId: string, rows: Omit<Fields<VirtualDeviceResourceEntity>, 'domainId'>[]): Promise<VirtualDeviceResourceEntity[] | undefined> {
    return this.db.dataSource.transaction(async (tx) => {
      const link: unknown[] = await tx.query('SELECT 1 FROM sip_link WHERE domain_id = $1 FOR SHARE', [domainId]);
      if (!link.length) return undefined;
      const repo = tx.getRepository(VirtualDeviceResourceEntity);
      const saved = await repo.save(rows.map((r) => repo.create({ ...r, domainId })));
      return saved.sort((a, b) => a.number.localeCompare(b.number));
    });
  }
}
