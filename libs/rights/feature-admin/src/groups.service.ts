import { Injectable } from '@nestjs/common';
import type { ApplicationCode } from '@tws/contracts';
import { assertCompanyAccess, AuditRepository, type AdminPrincipal } from '@tws/identity-data-access';
import { LicenceUsageRepository } from '@tws/licensing-data-access';
import { GroupsRepository, TenantLookupRepository } from '@tws/rights-data-access';
import { badRequest, conflict, notFound } from '@tws/service';
import { toAuthorization, toGroup } from './rights.mappers';
import { RightsChanges } from './rights-changes';
import type { CreateGroup, ListMembersQuery, UpdateGroup } from './rights.schemas';

/**
 * Groups of a domain and their members (guide 3.3.5, 3.3.6, 7.3). Tenant isolation: a domain
 * of a company the administrator may not manage is "not found", like its groups.
 */
@Injectable()
export class GroupsService {
  constructor(
    private readonly groups: GroupsRepository,
    private readonly tenancy: TenantLookupRepository,
    private readonly licences: LicenceUsageRepository,
    private readonly audit: AuditRepository,
    private readonly changes: RightsChanges,
  ) {}

  private async domain(admin: AdminPrincipal, domainId: string) {
    const d = await this.tenancy.domain(domainId);
    if (!d) throw notFound(`domain ${domainId}`);
    assertCompanyAccess(admin, d.companyId, `domain ${domainId}`);
    return d;
  }

  private async group(admin: AdminPrincipal, domainId: string, groupId: string) {
    const domain = await this.domain(admin, domainId);
    const g = await this.groups.find(groupId);
    if (!g || g.domainId !== domain.id) throw notFound(`group ${groupId} in domain ${domainId}`);
    return { domain, group: g };
  }

  async create(admin: AdminPrincipal, domainId: string, input: CreateGroup) {
    const domain = await this.domain(admin, domainId);
    if (await this.groups.findByName(domainId, input.name)) throw conflict(`group "${input.name}" already exists in domain ${domain.name}`);
    const g = toGroup(await this.groups.create(domainId, input.name, input.description));
    await this.audit.record(admin, { companyId: domain.companyId, action: 'create', entity: 'group', entityId: g.id, after: g });
    this.changes.announce({ entity: 'group', id: g.id, domainId, change: 'created' });
    return g;
  }

  async list(admin: AdminPrincipal, domainId: string, search?: string) {
    await this.domain(admin, domainId);
    return (await this.groups.list(domainId, search)).map(toGroup);
  }

  async get(admin: AdminPrincipal, domainId: string, groupId: string) {
    return toGroup((await this.group(admin, domainId, groupId)).group);
  }

  async update(admin: AdminPrincipal, domainId: string, groupId: string, patch: UpdateGroup) {
    const { domain, group } = await this.group(admin, domainId, groupId);
    if (patch.name !== undefined) {
      const same = await this.groups.findByName(domainId, patch.name);
      if (same && same.id !== groupId) throw conflict(`group "${patch.name}" already exists in domain ${domain.name}`);
    }
    const after = toGroup(await this.groups.update(groupId, patch));
    await this.audit.record(admin, { companyId: domain.companyId, action: 'update', entity: 'group', entityId: groupId, before: toGroup(group), after });
    this.changes.announce({ entity: 'group', id: groupId, domainId, change: 'updated' });
    return after;
  }

  /**
   * Deletes the group, its memberships and every authorization about it (held by the group or
   * sharing its calendar / call log): they mean nothing without it, and the licences they used
   * are freed. The audit entry lists what went with it.
   */
  async delete(admin: AdminPrincipal, domainId: string, groupId: string) {
    const { domain, group } = await this.group(admin, domainId, groupId);
    const removed = (await this.groups.delete(groupId)).map(toAuthorization);
    await this.audit.record(admin, {
      companyId: domain.companyId,
      action: 'delete',
      entity: 'group',
      entityId: groupId,
      before: { ...toGroup(group), authorizations: removed },
    });
    this.changes.announce(
      { entity: 'group', id: groupId, domainId, change: 'deleted' },
      ...removed.map((a) => ({ entity: 'authorization' as const, id: a.id, change: 'deleted' as const })),
    );
  }

  async listMembers(admin: AdminPrincipal, domainId: string, groupId: string, q: ListMembersQuery) {
    await this.group(admin, domainId, groupId);
    const [items, total] = await this.groups.listMembers(groupId, q);
    return { total, offset: q.offset, limit: q.limit, items };
  }

  /**
   * Adds users of the group's domain (those already in are left as they are). When the group
   * holds applications, their licences are checked in the same transaction: beyond what is
   * available, 409 `licence_exceeded` and nobody is added.
   */
  async addMembers(admin: AdminPrincipal, domainId: string, groupId: string, userIds: string[]) {
    const { domain, group } = await this.group(admin, domainId, groupId);
    await this.assertUsersOfDomain(domainId, domain.name, userIds);
    const added = await this.groups.addMembers(groupId, userIds, async (tx, applications) => {
      for (const app of applications) await this.licences.assertWithinLicence(app as ApplicationCode, tx);
    });
    const alreadyMembers = userIds.filter((id) => !added.includes(id));
    if (added.length) {
      await this.audit.record(admin, { companyId: domain.companyId, action: 'create', entity: 'group-member', entityId: groupId, after: { group: group.name, userIds: added } });
      this.changes.announce({ entity: 'group-member', id: groupId, domainId, change: 'created' });
    }
    return { added, alreadyMembers, memberCount: (await this.groups.find(groupId))?.memberCount ?? 0 };
  }

  /** Removes members; ids that are not members are reported, not refused. */
  async removeMembers(admin: AdminPrincipal, domainId: string, groupId: string, userIds: string[]) {
    const { domain, group } = await this.group(admin, domainId, groupId);
    await this.assertUsersOfDomain(domainId, domain.name, userIds);
    const removed = await this.groups.removeMembers(groupId, userIds);
    if (removed.length) {
      await this.audit.record(admin, { companyId: domain.companyId, action: 'delete', entity: 'group-member', entityId: groupId, before: { group: group.name, userIds: removed } });
      this.changes.announce({ entity: 'group-member', id: groupId, domainId, change: 'deleted' });
    }
    return { removed, notMembers: userIds.filter((id) => !removed.includes(id)), memberCount: (await this.groups.find(groupId))?.memberCount ?? 0 };
  }

  async removeMember(admin: AdminPrincipal, domainId: string, groupId: string, userId: string) {
    await this.group(admin, domainId, groupId);
    if (!(await this.groups.isMember(groupId, userId))) throw notFound(`user ${userId} in group ${groupId}`);
    await this.removeMembers(admin, domainId, groupId, [userId]);
  }

  /** A group holds users of its own domain only (400 naming every other id). */
  private async assertUsersOfDomain(domainId: string, domainName: string, userIds: string[]) {
    const found = new Set(await this.groups.usersOfDomain(domainId, userIds));
    const wrong = userIds.map((id, i) => ({ id, i })).filter((x) => !found.has(x.id));
    if (wrong.length) {
      throw badRequest(
        `not users of domain ${domainName}: ${wrong.map((w) => w.id).join(', ')} (a group holds users of its own domain)`,
        wrong.map((w) => ({ path: `userIds.${w.i}`, message: `no user ${w.id} in domain ${domainName}` })),
      );
    }
  }
}
