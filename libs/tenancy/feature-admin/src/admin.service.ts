import { Inject, Injectable } from '@nestjs/common';
import { hashPassword, SecretBox } from '@tws/crypto';
import type { ConfigChanged } from '@tws/contracts';
import { ApiError, conflict, notFound, TWS_CONFIG } from '@tws/service';
import { AdminChanges, assertCompanyAccess, type AdminPrincipal, type AuditEntry } from '@tws/identity-data-access';
import { TenancyRepository, type DeviceFields, type DomainEntity, type UserEntity } from '@tws/tenancy-data-access';
import {
  PBX_DEFAULT_USERNAMES,
  PBX_TYPES,
  type CreateCompany,
  type CreateCstaLink,
  type CreateDomain,
  type CreateUser,
  type DeviceInput,
  type UpdateCstaLink,
  type UpdateDevice,
  type UpdateDomain,
  type UpdateUser,
} from './admin.schemas';
import { toCompany, toCstaLink, toDevice, toDomain, toUser } from './admin.mappers';

/**
 * Companies, domains, users with devices, CSTA links: the configuration web-services owns.
 * Every method takes the signed-in administrator: objects of a company it may not manage are
 * reported as not found (tenant isolation), and every change is audited and announced.
 *
 * Deleting: a company with domains, or a domain with users, is refused (409) — delete what is
 * inside first; a user goes with its devices, group memberships, parameter values and the
 * authorizations about them (its call logs stay, as history).
 */
@Injectable()
export class AdminService {
  private readonly secrets: SecretBox;

  constructor(
    private readonly repo: TenancyRepository,
    private readonly changes: AdminChanges,
    @Inject(TWS_CONFIG) config: { TWS_SECRET_KEY: string },
  ) {
    this.secrets = new SecretBox(config.TWS_SECRET_KEY);
  }

  /** Audits and announces one change. */
  private changed(admin: AdminPrincipal, entry: AuditEntry & { entityId: string; entity: ConfigChanged['entity'] }, domainId?: string) {
    return this.changes.recorded(admin, { ...entry, companyId: entry.companyId ?? null }, domainId);
  }

  private seal = (v: string | null | undefined) => this.secrets.sealOptional(v);

  // companies
  async createCompany(admin: AdminPrincipal, input: CreateCompany) {
    if (!admin.superUser) throw new ApiError(403, 'forbidden', 'only a super user creates companies');
    const c = await this.repo.createCompany(input.name);
    await this.changed(admin, { companyId: c.id, action: 'create', entity: 'company', entityId: c.id, after: toCompany(c) });
    return toCompany(c);
  }
  async listCompanies(admin: AdminPrincipal) {
    return (await this.repo.listCompanies()).filter((c) => admin.superUser || admin.companyIds.includes(c.id)).map(toCompany);
  }
  private async company(admin: AdminPrincipal, id: string) {
    const c = await this.repo.findCompany(id);
    if (!c) throw notFound(`company ${id}`);
    assertCompanyAccess(admin, c.id, `company ${id}`);
    return c;
  }
  async getCompany(admin: AdminPrincipal, id: string) {
    return toCompany(await this.company(admin, id));
  }
  async updateCompany(admin: AdminPrincipal, id: string, input: CreateCompany) {
    const before = await this.company(admin, id);
    const c = await this.repo.updateCompany(id, input.name);
    await this.changed(admin, { companyId: id, action: 'update', entity: 'company', entityId: id, before: toCompany(before), after: toCompany(c) });
    return toCompany(c);
  }
  async deleteCompany(admin: AdminPrincipal, id: string) {
    const c = await this.company(admin, id);
    if (!admin.superUser) throw new ApiError(403, 'forbidden', 'only a super user deletes companies');
    const domains = await this.repo.countDomains(id);
    if (domains > 0) throw conflict(`company "${c.name}" still has ${domains} domain(s): delete them first`);
    await this.repo.deleteCompany(id);
    await this.changed(admin, { companyId: null, action: 'delete', entity: 'company', entityId: id, before: toCompany(c) });
  }

  // domains
  async createDomain(admin: AdminPrincipal, companyId: string, input: CreateDomain) {
    await this.company(admin, companyId);
    const d = await this.repo.createDomain(companyId, input.name, input.numberingLength);
    await this.changed(admin, { companyId, action: 'create', entity: 'domain', entityId: d.id, after: toDomain(d) }, d.id);
    return toDomain(d);
  }
  async listDomains(admin: AdminPrincipal, companyId: string) {
    await this.company(admin, companyId);
    return (await this.repo.listDomains(companyId)).map(toDomain);
  }
  /** The domain, if it exists and belongs to a company the administrator manages. */
  async domain(admin: AdminPrincipal, id: string): Promise<DomainEntity> {
    const d = await this.repo.findDomain(id);
    if (!d) throw notFound(`domain ${id}`);
    assertCompanyAccess(admin, d.companyId, `domain ${id}`);
    return d;
  }
  async getDomain(admin: AdminPrincipal, id: string) {
    return toDomain(await this.domain(admin, id));
  }
  async updateDomain(admin: AdminPrincipal, id: string, input: UpdateDomain) {
    const before = await this.domain(admin, id);
    const d = await this.repo.updateDomain(id, input);
    await this.changed(admin, { companyId: d.companyId, action: 'update', entity: 'domain', entityId: id, before: toDomain(before), after: toDomain(d) }, id);
    return toDomain(d);
  }
  async deleteDomain(admin: AdminPrincipal, id: string) {
    const d = await this.domain(admin, id);
    const users = await this.repo.countUsers(id);
    if (users > 0) throw conflict(`domain "${d.name}" still has ${users} user(s): delete them first`);
    await this.repo.deleteDomain(id);
    await this.changed(admin, { companyId: d.companyId, action: 'delete', entity: 'domain', entityId: id, before: toDomain(d) }, id);
  }

  // users and devices
  private deviceFields(d: DeviceInput): DeviceFields {
    return {
      number: d.number,
      protocol: d.protocol,
      passwordSealed: this.seal(d.password) ?? null,
      ip: d.ip ?? null,
      video: d.video,
      clientPort: d.clientPort ?? null,
      ccoCount: d.ccoCount,
      softphone: d.softphone,
      oneNumber: d.oneNumber,
      serverMonitoring: d.serverMonitoring,
      sipUsername: d.sipUsername ?? null,
      sipPasswordSealed: this.seal(d.sipPassword) ?? null,
      sipProxy: d.sipProxy ?? null,
      sipProxyPort: d.sipProxyPort ?? null,
      stun: d.stun ?? null,
      realm: d.realm ?? null,
      expireInterval: d.expireInterval ?? null,
      dtmfMethod: d.dtmfMethod ?? null,
      g729: d.g729,
      tls: d.tls,
    };
  }

  private async assertNumbersFree(domainId: string, numbers: string[], exceptDeviceId?: string) {
    for (const n of numbers) {
      const existing = await this.repo.findDeviceByNumber(domainId, n);
      if (existing && existing.id !== exceptDeviceId) throw conflict(`device number ${n} is already used in this domain`);
    }
  }

  async createUser(admin: AdminPrincipal, domainId: string, input: CreateUser) {
    const domain = await this.domain(admin, domainId);
    if (await this.repo.findUserByName(domainId, input.username)) throw conflict(`user "${input.username}" already exists in this domain`);
    await this.assertNumbersFree(domainId, input.devices.map((d) => d.number));
    const u = await this.repo.createUser(
      {
        domainId,
        username: input.username,
        firstName: input.firstName,
        lastName: input.lastName,
        email: input.email ?? null,
        gsm: input.gsm ?? null,
        ip: input.ip ?? null,
        enabled: input.enabled,
        passwordHash: input.password ? await hashPassword(input.password) : null,
        culture: input.culture,
        voicemailPasswordSealed: this.seal(input.voicemailPassword) ?? null,
        privateFields: input.privateFields,
      },
      input.devices.map((d) => this.deviceFields(d)),
    );
    await this.changed(admin, { companyId: domain.companyId, action: 'create', entity: 'user', entityId: u.id, after: toUser(u) }, domainId);
    return toUser(u);
  }
  async listUsers(admin: AdminPrincipal, domainId: string, q: { search?: string; offset: number; limit: number }) {
    await this.domain(admin, domainId);
    const [rows, total] = await this.repo.listUsers(domainId, q);
    return { total, offset: q.offset, limit: q.limit, items: rows.map(toUser) };
  }
  private async user(admin: AdminPrincipal, domainId: string, id: string): Promise<{ domain: DomainEntity; user: UserEntity }> {
    const domain = await this.domain(admin, domainId);
    const user = await this.repo.findUser(domainId, id);
    if (!user) throw notFound(`user ${id} in domain ${domainId}`);
    return { domain, user };
  }
  async getUser(admin: AdminPrincipal, domainId: string, id: string) {
    return toUser((await this.user(admin, domainId, id)).user);
  }
  async updateUser(admin: AdminPrincipal, domainId: string, id: string, input: UpdateUser) {
    const { domain, user: before } = await this.user(admin, domainId, id);
    if (input.username && input.username.toLowerCase() !== before.username.toLowerCase() && (await this.repo.findUserByName(domainId, input.username))) {
      throw conflict(`user "${input.username}" already exists in this domain`);
    }
    const { password, voicemailPassword, ...plain } = input;
    await this.repo.updateUser(id, {
      ...plain,
      ...(password !== undefined ? { passwordHash: password === null ? null : await hashPassword(password) } : {}),
      ...(voicemailPassword !== undefined ? { voicemailPasswordSealed: this.seal(voicemailPassword) } : {}),
    });
    const after = (await this.repo.findUser(domainId, id))!;
    await this.changed(admin, { companyId: domain.companyId, action: 'update', entity: 'user', entityId: id, before: toUser(before), after: toUser(after) }, domainId);
    return toUser(after);
  }
  async deleteUser(admin: AdminPrincipal, domainId: string, id: string) {
    const { domain, user } = await this.user(admin, domainId, id);
    await this.repo.deleteUser(id);
    await this.changed(admin, { companyId: domain.companyId, action: 'delete', entity: 'user', entityId: id, before: toUser(user) }, domainId);
  }
  async addDevice(admin: AdminPrincipal, domainId: string, userId: string, input: DeviceInput) {
    const { domain, user } = await this.user(admin, domainId, userId);
    if (user.devices.length >= 20) throw conflict('a user has at most 20 devices');
    await this.assertNumbersFree(domainId, [input.number]);
    const d = await this.repo.addDevice(userId, domainId, this.deviceFields(input));
    await this.changed(admin, { companyId: domain.companyId, action: 'create', entity: 'device', entityId: d.id, after: toDevice(d) }, domainId);
    return toDevice(d);
  }
  async updateDevice(admin: AdminPrincipal, domainId: string, userId: string, deviceId: string, input: UpdateDevice) {
    const { domain } = await this.user(admin, domainId, userId);
    const before = await this.repo.findDevice(userId, deviceId);
    if (!before) throw notFound(`device ${deviceId} of user ${userId}`);
    if (input.number) await this.assertNumbersFree(domainId, [input.number], deviceId);
    const { password, sipPassword, ...plain } = input;
    const d = await this.repo.updateDevice(deviceId, {
      ...plain,
      ...(password !== undefined ? { passwordSealed: this.seal(password) } : {}),
      ...(sipPassword !== undefined ? { sipPasswordSealed: this.seal(sipPassword) } : {}),
    } as Partial<DeviceFields>);
    await this.changed(admin, { companyId: domain.companyId, action: 'update', entity: 'device', entityId: deviceId, before: toDevice(before), after: toDevice(d) }, domainId);
    return toDevice(d);
  }
  async deleteDevice(admin: AdminPrincipal, domainId: string, userId: string, deviceId: string) {
    const { domain } = await this.user(admin, domainId, userId);
    const d = await this.repo.findDevice(userId, deviceId);
    if (!d) throw notFound(`device ${deviceId} of user ${userId}`);
    await this.repo.deleteDevice(deviceId);
    await this.changed(admin, { companyId: domain.companyId, action: 'delete', entity: 'device', entityId: deviceId, before: toDevice(d) }, domainId);
  }

  // CSTA links
  async createCstaLink(admin: AdminPrincipal, domainId: string, input: CreateCstaLink) {
    const domain = await this.domain(admin, domainId);
    const l = await this.repo.createCstaLink({
      domainId,
      name: input.name,
      host: input.host ?? '0.0.0.0',
      port: input.port ?? PBX_TYPES[input.pbxType],
      pbxType: input.pbxType,
      pbxDomain: input.pbxDomain ?? null,
      username: input.username ?? PBX_DEFAULT_USERNAMES[input.pbxType] ?? null,
      passwordSealed: this.seal(input.password) ?? null,
      capacity: input.capacity,
      enabled: input.enabled,
    });
    await this.changed(admin, { companyId: domain.companyId, action: 'create', entity: 'csta-link', entityId: l.id, after: { ...toCstaLink(l), password: input.password ?? null } }, domainId);
    return toCstaLink(l);
  }
  async listCstaLinks(admin: AdminPrincipal, domainId: string) {
    await this.domain(admin, domainId);
    return (await this.repo.listCstaLinks(domainId)).map(toCstaLink);
  }
  private async link(admin: AdminPrincipal, domainId: string, id: string) {
    const domain = await this.domain(admin, domainId);
    const l = await this.repo.findCstaLink(id);
    if (!l || l.domainId !== domainId) throw notFound(`CSTA link ${id} in domain ${domainId}`);
    return { domain, link: l };
  }
  async getCstaLink(admin: AdminPrincipal, domainId: string, id: string) {
    return toCstaLink((await this.link(admin, domainId, id)).link);
  }
  async updateCstaLink(admin: AdminPrincipal, domainId: string, id: string, input: UpdateCstaLink) {
    const { domain, link: before } = await this.link(admin, domainId, id);
    const { password, ...plain } = input;
    const l = await this.repo.updateCstaLink(id, { ...plain, ...(password !== undefined ? { passwordSealed: this.seal(password) } : {}) });
    await this.changed(admin, { companyId: domain.companyId, action: 'update', entity: 'csta-link', entityId: id, before: toCstaLink(before), after: toCstaLink(l) }, domainId);
    return toCstaLink(l);
  }
  async deleteCstaLink(admin: AdminPrincipal, domainId: string, id: string) {
    const { domain, link } = await this.link(admin, domainId, id);
    await this.repo.deleteCstaLink(id);
    await this.changed(admin, { companyId: domain.companyId, action: 'delete', entity: 'csta-link', entityId: id, before: toCstaLink(link) }, domainId);
  }
}
