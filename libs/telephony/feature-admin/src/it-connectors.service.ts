import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { badRequest, notFound } from '@tws/service';
import { CollaborationServersRepository, SmsProvidersRepository } from '@tws/telephony-data-access';
import { toCollaborationServer, toSmsProvider } from './telephony.mappers';
import {
  collaborationServerIssues,
  defaultCollaborationHost,
  type CreateCollaborationServer,
  type CreateSmsProvider,
  type UpdateCollaborationServer,
  type UpdateSmsProvider,
} from './telephony.schemas';
import { TelephonyAdminSupport } from './telephony-admin.support';

/** SMS providers (9.1.9): the WSDL URL of the provider's web service and its key (write-only). */
@Injectable()
export class SmsProvidersAdminService {
  constructor(
    private readonly providers: SmsProvidersRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  async create(admin: AdminPrincipal, domainId: string, input: CreateSmsProvider) {
    const companyId = await this.support.companyOf(admin, domainId);
    const p = toSmsProvider(await this.providers.create({ domainId, host: input.host, keySealed: this.support.seal(input.key) }));
    await this.support.changed(admin, { companyId, action: 'create', entity: 'sms-provider', entityId: p.id, after: p }, { entity: 'sms-provider', id: p.id, domainId, change: 'created' });
    return p;
  }
  async list(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.providers.list(domainId)).map(toSmsProvider);
  }
  private async provider(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const provider = await this.providers.find(domainId, id);
    if (!provider) throw notFound(`SMS provider ${id} in domain ${domainId}`);
    return { companyId, provider };
  }
  async get(admin: AdminPrincipal, domainId: string, id: string) {
    return toSmsProvider((await this.provider(admin, domainId, id)).provider);
  }
  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateSmsProvider) {
    const { companyId, provider } = await this.provider(admin, domainId, id);
    const after = toSmsProvider(
      await this.providers.update(id, { ...(input.host !== undefined ? { host: input.host } : {}), ...(input.key !== undefined ? { keySealed: this.support.seal(input.key) } : {}) }),
    );
    await this.support.changed(admin, { companyId, action: 'update', entity: 'sms-provider', entityId: id, before: toSmsProvider(provider), after }, { entity: 'sms-provider', id, domainId, change: 'updated' });
    return after;
  }
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, provider } = await this.provider(admin, domainId, id);
    await this.providers.delete(id);
    await this.support.changed(admin, { companyId, action: 'delete', entity: 'sms-provider', entityId: id, before: toSmsProvider(provider) }, { entity: 'sms-provider', id, domainId, change: 'deleted' });
  }
}

/**
 * Collaboration (calendar) servers (8.5.3, 8.6.2, 8.7.4, 8.9.6), several per domain. The host
 * depends on the type: a URL for Exchange / Exchange 2010 / Office 365 (Office 365's by default),
 * an address or name for Lotus, a free label for Google Apps ("not used"), whose domain is required.
 */
@Injectable()
export class CollaborationServersAdminService {
  constructor(
    private readonly servers: CollaborationServersRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  private check(s: { type: string; host: string | undefined; msDomain: string | null }): string {
    const issues = s.host === undefined ? [{ path: 'host', message: `required for ${s.type}` }] : collaborationServerIssues({ ...s, host: s.host });
    if (issues.length) throw badRequest(`invalid body: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
    return s.host!;
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreateCollaborationServer) {
    const companyId = await this.support.companyOf(admin, domainId);
    const msDomain = input.msDomain || null;
    const host = this.check({ type: input.type, host: input.host ?? defaultCollaborationHost(input.type), msDomain });
    const s = toCollaborationServer(
      await this.servers.create({ domainId, type: input.type, host, port: input.port, msDomain, username: input.username, passwordSealed: this.support.seal(input.password) ?? null }),
    );
    await this.support.changed(admin, { companyId, action: 'create', entity: 'collaboration-server', entityId: s.id, after: s }, { entity: 'collaboration-server', id: s.id, domainId, change: 'created' });
    return s;
  }
  async list(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.servers.list(domainId)).map(toCollaborationServer);
  }
  private async server(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const server = await this.servers.find(domainId, id);
    if (!server) throw notFound(`collaboration server ${id} in domain ${domainId}`);
    return { companyId, server };
  }
  async get(admin: AdminPrincipal, domainId: string, id: string) {
    return toCollaborationServer((await this.server(admin, domainId, id)).server);
  }
  async update(admin: AdminPrincipal, domainId: string, id: string, input: UpdateCollaborationServer) {
    const { companyId, server } = await this.server(admin, domainId, id);
    const { password, msDomain, ...plain } = input;
    const normalizedDomain = msDomain === undefined ? undefined : msDomain || null;
    // The type and the host go together: check what the server will be.
    this.check({ type: plain.type ?? server.type, host: plain.host ?? server.host, msDomain: normalizedDomain === undefined ? server.msDomain : normalizedDomain });
    const after = toCollaborationServer(
      await this.servers.update(id, {
        ...plain,
        ...(normalizedDomain !== undefined ? { msDomain: normalizedDomain } : {}),
        ...(password !== undefined ? { passwordSealed: this.support.seal(password) } : {}),
      }),
    );
    await this.support.changed(
      admin,
      { companyId, action: 'update', entity: 'collaboration-server', entityId: id, before: toCollaborationServer(server), after },
      { entity: 'collaboration-server', id, domainId, change: 'updated' },
    );
    return after;
  }
  async delete(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, server } = await this.server(admin, domainId, id);
    await this.servers.delete(id);
    await this.support.changed(
      admin,
      { companyId, action: 'delete', entity: 'collaboration-server', entityId: id, before: toCollaborationServer(server) },
      { entity: 'collaboration-server', id, domainId, change: 'deleted' },
    );
  }
}
