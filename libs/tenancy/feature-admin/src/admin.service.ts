import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tws/crypto';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import { conflict, NatsService, notFound, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { TenancyRepository } from '@tws/tenancy-data-access';
import type { Logger } from '@tws/logging';
import { PBX_TYPES, type CreateCompany, type CreateCstaLink, type CreateDomain, type CreateUser } from './admin.schemas';
import { toCompany, toCstaLink, toDomain, toUser } from './admin.mappers';

/** Companies, domains, users with devices, CSTA links: the configuration web-services owns. */
@Injectable()
export class AdminService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly repo: TenancyRepository,
    private readonly nats: NatsService,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
    @Inject(TWS_LOGGER) private readonly logger: Logger,
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  private announce(change: ConfigChanged) {
    try {
      this.nats.current.publish(ConfigChanges, [change.entity], change);
    } catch (e) {
      // The change is saved; services also reload on reconnect. Say it, don't fail the request.
      this.logger.warn({ err: e, change }, 'configuration change saved but not announced on NATS');
    }
  }

  async createCompany(input: CreateCompany) {
    const c = await this.repo.createCompany(input.name);
    this.announce({ entity: 'company', id: c.id, change: 'created' });
    return toCompany(c);
  }
  async listCompanies() {
    return (await this.repo.listCompanies()).map(toCompany);
  }
  async getCompany(id: string) {
    const c = await this.repo.findCompany(id);
    if (!c) throw notFound(`company ${id}`);
    return toCompany(c);
  }

  async createDomain(companyId: string, input: CreateDomain) {
    await this.getCompany(companyId);
    const d = await this.repo.createDomain(companyId, input.name, input.numberingLength);
    this.announce({ entity: 'domain', id: d.id, domainId: d.id, change: 'created' });
    return toDomain(d);
  }
  async listDomains(companyId: string) {
    await this.getCompany(companyId);
    return (await this.repo.listDomains(companyId)).map(toDomain);
  }
  async getDomain(id: string) {
    const d = await this.repo.findDomain(id);
    if (!d) throw notFound(`domain ${id}`);
    return d;
  }

  async createUser(domainId: string, input: CreateUser) {
    await this.getDomain(domainId);
    if (await this.repo.findUserByName(domainId, input.username)) throw conflict(`user "${input.username}" already exists in this domain`);
    for (const d of input.devices) {
      if (await this.repo.findDeviceByNumber(domainId, d.number)) throw conflict(`device number ${d.number} is already used in this domain`);
    }
    const u = await this.repo.createUser(
      { domainId, username: input.username, firstName: input.firstName, lastName: input.lastName, email: input.email ?? null, gsm: input.gsm ?? null, enabled: input.enabled },
      input.devices,
    );
    this.announce({ entity: 'user', id: u.id, domainId, change: 'created' });
    return toUser(u);
  }
  async listUsers(domainId: string, q: { search?: string; offset: number; limit: number }) {
    await this.getDomain(domainId);
    const [rows, total] = await this.repo.listUsers(domainId, q);
    return { total, offset: q.offset, limit: q.limit, items: rows.map(toUser) };
  }
  async getUser(domainId: string, id: string) {
    const u = await this.repo.findUser(domainId, id);
    if (!u) throw notFound(`user ${id} in domain ${domainId}`);
    return toUser(u);
  }

  async createCstaLink(domainId: string, input: CreateCstaLink) {
    await this.getDomain(domainId);
    const l = await this.repo.createCstaLink({
      domainId,
      name: input.name,
      host: input.host,
      port: input.port ?? PBX_TYPES[input.pbxType],
      pbxType: input.pbxType,
      pbxDomain: input.pbxDomain ?? null,
      username: input.username ?? null,
      passwordSealed: input.password ? this.secrets.seal(input.password) : null,
      capacity: input.capacity,
      enabled: input.enabled,
    });
    this.announce({ entity: 'csta-link', id: l.id, domainId, change: 'created' });
    return toCstaLink(l);
  }
  async listCstaLinks(domainId: string) {
    await this.getDomain(domainId);
    return (await this.repo.listCstaLinks(domainId)).map(toCstaLink);
  }
  async getCstaLink(domainId: string, id: string) {
    const l = await this.repo.findCstaLink(id);
    if (!l || l.domainId !== domainId) throw notFound(`CSTA link ${id} in domain ${domainId}`);
    return toCstaLink(l);
  }
}
