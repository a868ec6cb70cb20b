import { Injectable } from '@nestjs/common';
import type { AdminPrincipal } from '@tws/identity-data-access';
import { conflict, notFound } from '@tws/service';
import { SipLinksRepository, VtiXmlLinksRepository } from '@tws/telephony-data-access';
import { toSipLink, toVtiXmlLink } from './telephony.mappers';
import type { CreateVtiXmlLink, PutSipLink, UpdateVtiXmlLink } from './telephony.schemas';
import { TelephonyAdminSupport } from './telephony-admin.support';

/**
 * PBX connections other than CSTA: VTI-XML links (3.3.3; several per domain, one per A5000 node,
 * told apart by site.cluster) and the domain's one SIP connection (9.5.1). Two VTI-XML links of a
 * domain to the same host and port are refused (409).
 */
@Injectable()
export class PbxLinksAdminService {
  constructor(
    private readonly vtixml: VtiXmlLinksRepository,
    private readonly sip: SipLinksRepository,
    private readonly support: TelephonyAdminSupport,
  ) {}

  private async assertEndpointFree(domainId: string, host: string, port: number, exceptId?: string) {
    const other = await this.vtixml.findEndpoint(domainId, host, port);
    if (other && other.id !== exceptId) throw conflict(`a VTI-XML link to ${host}:${port} already exists in this domain`);
  }

  async createVtiXmlLink(admin: AdminPrincipal, domainId: string, input: CreateVtiXmlLink) {
    const companyId = await this.support.companyOf(admin, domainId);
    await this.assertEndpointFree(domainId, input.host, input.port);
    const l = toVtiXmlLink(await this.vtixml.create({ domainId, ...input }));
    await this.support.changed(admin, { companyId, action: 'create', entity: 'vtixml-link', entityId: l.id, after: l }, { entity: 'vtixml-link', id: l.id, domainId, change: 'created' });
    return l;
  }
  async listVtiXmlLinks(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    return (await this.vtixml.list(domainId)).map(toVtiXmlLink);
  }
  private async vtiXmlLink(admin: AdminPrincipal, domainId: string, id: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const link = await this.vtixml.find(domainId, id);
    if (!link) throw notFound(`VTI-XML link ${id} in domain ${domainId}`);
    return { companyId, link };
  }
  async getVtiXmlLink(admin: AdminPrincipal, domainId: string, id: string) {
    return toVtiXmlLink((await this.vtiXmlLink(admin, domainId, id)).link);
  }
  async updateVtiXmlLink(admin: AdminPrincipal, domainId: string, id: string, input: UpdateVtiXmlLink) {
    const { companyId, link } = await this.vtiXmlLink(admin, domainId, id);
    if (input.host !== undefined || input.port !== undefined) await this.assertEndpointFree(domainId, input.host ?? link.host, input.port ?? link.port, id);
    const after = toVtiXmlLink(await this.vtixml.update(id, input));
    await this.support.changed(admin, { companyId, action: 'update', entity: 'vtixml-link', entityId: id, before: toVtiXmlLink(link), after }, { entity: 'vtixml-link', id, domainId, change: 'updated' });
    return after;
  }
  async deleteVtiXmlLink(admin: AdminPrincipal, domainId: string, id: string) {
    const { companyId, link } = await this.vtiXmlLink(admin, domainId, id);
    await this.vtixml.delete(id);
    await this.support.changed(admin, { companyId, action: 'delete', entity: 'vtixml-link', entityId: id, before: toVtiXmlLink(link) }, { entity: 'vtixml-link', id, domainId, change: 'deleted' });
  }

  /** Creates the domain's SIP connection, or replaces its settings (one per domain). */
  async putSipLink(admin: AdminPrincipal, domainId: string, input: PutSipLink) {
    const companyId = await this.support.companyOf(admin, domainId);
    const before = await this.sip.find(domainId);
    const after = toSipLink(await this.sip.put(domainId, input));
    const action = before ? 'update' : 'create';
    await this.support.changed(
      admin,
      { companyId, action, entity: 'sip-link', entityId: after.id, before: before ? toSipLink(before) : undefined, after },
      { entity: 'sip-link', id: after.id, domainId, change: before ? 'updated' : 'created' },
    );
    return after;
  }
  async getSipLink(admin: AdminPrincipal, domainId: string) {
    await this.support.companyOf(admin, domainId);
    const l = await this.sip.find(domainId);
    if (!l) throw notFound(`SIP connection of domain ${domainId}`);
    return toSipLink(l);
  }
  /** Refused (409) while virtual-device resources register through it: delete them first. */
  async deleteSipLink(admin: AdminPrincipal, domainId: string) {
    const companyId = await this.support.companyOf(admin, domainId);
    const l = await this.sip.find(domainId);
    if (!l) throw notFound(`SIP connection of domain ${domainId}`);
    const used = await this.sip.deleteUnlessUsed(domainId);
    if (used) throw conflict(`${used} virtual-device resource(s) register through this SIP connection: delete them first`);
    await this.support.changed(admin, { companyId, action: 'delete', entity: 'sip-link', entityId: l.id, before: toSipLink(l) }, { entity: 'sip-link', id: l.id, domainId, change: 'deleted' });
  }
}
