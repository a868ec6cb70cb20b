import { Inject, Injectable } from '@nestjs/common';
import { SecretBox } from '@tws/crypto';
import { ConfigChanges, type ConfigChanged } from '@tws/contracts';
import { ApiError, conflict, NatsService, notFound, TWS_CONFIG, TWS_LOGGER } from '@tws/service';
import { assertCompanyAccess, AuditRepository, type AdminPrincipal } from '@tws/identity-data-access';
import { TenancyRepository } from '@tws/tenancy-data-access';
import type { Logger } from '@tws/logging';
import { PBX_TYPES, type CreateCompany, type CreateCstaLink, type CreateDomain, type CreateUser } from './admin.schemas';
import { toCompany, toCstaLink, toDomain, toUser } from './admin.mappers';

/**
 * Companies, domains, users with devices, CSTA links: the configuration web-services owns.
 * Every method takes the signed-in administrator: objects of a company it may not manage are
 * reported as not found (tenant isolation), and every change is audited and announced.
 */
@Injectable()
export class AdminService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly repo: TenancyRepository,
    private readonly nats: NatsService,
    private readonly audit: AuditRepository,
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

  async createCompany(admin: AdminPrincipal, input: CreateCompany) {
    if (!admin.superUser) throw new ApiError(403, 'forbidden', 'only a super user creates companies');
    const c = await this.repo.createCompany(input.name);
    await this.audit.record(admin, { companyId: c.id, action: 'create', entity: 'company', entityId: c.id, after: toCompany(c) });
    this.announce({ entity: 'company', id: c.id, change: 'created' });
    return toCompany(c);
  }
  async listCompanies(admin: AdminPrincipal) {
    return (await this.repo.listCompanies()).filter((c) => admin.superUser || admin.companyIds.includes(c.id)).map(toCompany);
  }
  async getCompany(admin: AdminPrincipal, id: string) {
    const c = await this.repo.findCompany(id);
    if (!c) throw notFound(`company ${id}`);
    assertCompanyAccess(admin, c.id, `company ${id}`);
    return toCompany(c);
  }

  async createDomain(admin: AdminPrincipal, companyId: string, input: CreateDomain) {
    await this.getCompany(admin, companyId);
    const d = await this.repo.createDomain(companyId, input.name, input.numberingLength);
    await this.audit.record(admin, { companyId, action: 'create', entity: 'domain', entityId: d.id, after: toDomain(d) });
    this.announce({ entity: 'domain', id: d.id, domainId: d.id, change: 'created' });
    return toDomain(d);
  }
  async listDomains(admin: AdminPrincipal, companyId: string) {
    await this.getCompany(admin, companyId);
    return (await this.repo.listDomains(companyId)).map(toDomain);
  }
  /** The domain, if it exists and belongs to a company the administrator manages. */
  async getDomain(admin: AdminPrincipal, id: string) {
    const d = await this.repo.findDomain(id);
    if (!d) throw notFound(`domain ${id}`);
    assertCompanyAccess(admin, d.companyId, `domain ${id}`);
    return d;
  }

  async createUser(admin: AdminPrincipal, domainId: string, input: CreateUser) {
    const domain = await this.getDomain(admin, domainId);
    if (await this.repo.findUserByName(domainId, input.username)) throw conflict(`user "${input.username}" already exists in this domain`);
    for (const d of input.devices) {
      if (await this.repo.findDeviceByNumber(domainId, d.number)) throw conflict(`device number ${d.number} is already used in this domain`);
    }
    const u = await this.repo.createUser(
      { domainId, username: input.username, firstName: input.firstName, lastName: input.lastName, email: input.email ?? null, gsm: input.gsm ?? null, enabled: input.enabled },
      input.devices,
    );
    await this.audit.record(admin, { companyId: domain.companyId, action: 'create', entity: 'user', entityId: u.id, after: toUser(u) });
    this.announce({ entity: 'user', id: u.id, domainId, change: 'created' });
    return toUser(u);
  }
  async listUsers(admin: AdminPrincipal, domainId: string, q: { search?: string; offset: number; limit: number }) {
    await this.getDomain(admin, domainId);
    const [rows, total] = await this.repo.listUsers(domainId, q);
    return { total, offset: q.offset, limit: q.limit, items: rows.map(toUser) };
  }
  async getUser(admin: AdminPrincipal, domainId: string, id: string) {
    await this.getDomain(admin, domainId);
    const u = await this.repo.findUser(domainId, id);
    if (!u) throw notFound(`user ${id} in domain ${domainId}`);
    return toUser(u);
  }

  async createCstaLink(admin: AdminPrincipal, domainId: string, input: CreateCstaLink) {
    const domain = await this.getDomain(admin, domainId);
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
    await this.audit.record(admin, { companyId: domain.companyId, action: 'create', entity: 'csta-link', entityId: l.id, after: { ...toCstaLink(l), password: input.password ?? null } });
    this.announce({ entity: 'csta-link', id: l.id, domainId, change: 'created' });
    return toCstaLink(l);
  }
  async listCstaLinks(admin: AdminPrincipal, domainId: string) {
    await this.getDomain(admin, domainId);
    return (await this.repo.listCstaLinks(domainId)).map(toCstaLink);
  }
  async getCstaLink(admin: AdminPrincipal, domainId: string, id: string) {
    await this.getDomain(admin, domainId);
    const l = await this.repo.findCstaLink(id);
    if (!l || l.domainId !== domainId) throw notFound(`CSTA link ${id} in domain ${domainId}`);
    return toCstaLink(l);
  }
}
