import { Injectable } from '@nestjs/common';
import type { ApplicationCode } from '@tws/contracts';
import { assertCompanyAccess, AuditRepository, type AdminPrincipal } from '@tws/identity-data-access';
import { LicenceUsageRepository } from '@tws/licensing-data-access';
import { AuthorizationsRepository, OWNED_OBJECT_TYPES, TenantLookupRepository, type NewAuthorization } from '@tws/rights-data-access';
import { ApiError, badRequest, notFound } from '@tws/service';
import { toAuthorization } from './rights.mappers';
import { RightsChanges } from './rights-changes';
import { DOMAIN_OBJECT_TYPES, type Grant, type ListAuthorizationsQuery } from './rights.schemas';
import { sharingRuleIssues, type ResolvedSubject } from './sharing-rules';

type Issue = { path: string; message: string };
const isOwned = (t: string) => (OWNED_OBJECT_TYPES as readonly string[]).includes(t);

/**
 * Authorizations of a company (guide 7.4): grant an object to users and groups (and, for
 * directories, to phone queues and intercom groups) of any domain of the same company, within
 * the sharing rules; application grants consume licences, checked in the same transaction.
 */
@Injectable()
export class AuthorizationsService {
  constructor(
    private readonly repo: AuthorizationsRepository,
    private readonly tenancy: TenantLookupRepository,
    private readonly licences: LicenceUsageRepository,
    private readonly audit: AuditRepository,
    private readonly changes: RightsChanges,
  ) {}

  private async company(admin: AdminPrincipal, companyId: string) {
    if (!(await this.tenancy.companyExists(companyId))) throw notFound(`company ${companyId}`);
    assertCompanyAccess(admin, companyId, `company ${companyId}`);
  }

  /**
   * Grants one object to several subjects at once, all or nothing: 400 naming every unknown id
   * or broken sharing rule, 409 when a subject already holds it, 409 `licence_exceeded` when an
   * application would be used by more users than the licence allows.
   */
  async grant(admin: AdminPrincipal, companyId: string, input: Grant) {
    await this.company(admin, companyId);
    const domains = await this.repo.domainsOf(companyId);
    const domainName = (id: string) => domains.get(id) ?? id;
    const objectRef = input.objectType === 'application' ? input.objectRef : input.objectRef.toLowerCase();
    const principalIds = [...(isOwned(input.objectType) ? [objectRef] : []), ...input.subjects.filter((s) => s.type === 'user' || s.type === 'group').map((s) => s.id)];
    const principals = new Map((await this.repo.principalsOf(companyId, principalIds)).map((p) => [p.id, p]));
    const telephonyIds = [
      ...(input.objectType === 'intercom-group' || input.objectType === 'phone-queue' ? [objectRef] : []),
      ...input.subjects.filter((s) => s.type === 'intercom-group' || s.type === 'phone-queue').map((s) => s.id),
    ].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    const telephony = new Map((await this.repo.telephonyObjectsOf(companyId, telephonyIds)).map((t) => [t.id, t]));
    const issues: Issue[] = [];

    // The object and its domain.
    let objectDomainId: string | null = null;
    const object = principals.get(objectRef);
    if ((DOMAIN_OBJECT_TYPES as readonly string[]).includes(input.objectType)) {
      // Directories, intercom groups and phone queues must exist in the given domain.
      if (!domains.has(input.objectDomainId!)) issues.push({ path: 'objectDomainId', message: `no domain ${input.objectDomainId} in this company` });
      objectDomainId = input.objectDomainId!;
      if (input.objectType === 'directory') {
        const d = await this.repo.directoryOf(companyId, objectRef);
        if (!d) issues.push({ path: 'objectRef', message: `no directory ${objectRef} in this company` });
        else if (d.domainId !== objectDomainId) issues.push({ path: 'objectDomainId', message: `the directory ${d.name} is in domain ${domainName(d.domainId)}` });
      }
      if (input.objectType === 'intercom-group' || input.objectType === 'phone-queue') {
        const t = telephony.get(objectRef);
        if (!t || t.kind !== input.objectType) issues.push({ path: 'objectRef', message: `no ${input.objectType} ${objectRef} in this company` });
        else if (t.domainId !== objectDomainId) issues.push({ path: 'objectDomainId', message: `the ${input.objectType} ${t.name} is in domain ${domainName(t.domainId)}` });
      }
    } else if (input.objectType === 'calendar' || input.objectType === 'call-log') {
      if (!object) issues.push({ path: 'objectRef', message: `no user or group ${objectRef} in this company (whose ${input.objectType} is shared)` });
      else objectDomainId = object.domainId;
    } else if (input.objectType === 'statistics' || input.objectType === 'records') {
      if (object?.kind !== 'user') issues.push({ path: 'objectRef', message: `no user ${objectRef} in this company (who will see the ${input.objectType} of the subjects)` });
      else objectDomainId = object.domainId;
    }
    if (object && input.objectDomainId && objectDomainId && input.objectDomainId !== objectDomainId) {
      issues.push({ path: 'objectDomainId', message: `the ${object.kind} ${object.name} is in domain ${domainName(objectDomainId)}` });
    }

    // The subjects and their domains.
    const subjects: ResolvedSubject[] = input.subjects.map((s, i) => {
      if (s.type === 'user' || s.type === 'group') {
        const p = principals.get(s.id);
        if (!p || p.kind !== s.type) {
          issues.push({ path: `subjects.${i}.id`, message: `no ${s.type} ${s.id} in this company` });
          return { ...s, domainId: s.domainId ?? '' };
        }
        if (s.domainId && s.domainId !== p.domainId) issues.push({ path: `subjects.${i}.domainId`, message: `the ${s.type} ${p.name} is in domain ${domainName(p.domainId)}` });
        if (isOwned(input.objectType) && s.id === objectRef) issues.push({ path: `subjects.${i}.id`, message: `is the object itself (a user always sees its own ${input.objectType})` });
        return { type: s.type, id: s.id, domainId: p.domainId };
      }
      // Phone queues and intercom groups (subjects of directory rights) must exist in their domain.
      const t = telephony.get(s.id);
      if (!t || t.kind !== s.type) {
        issues.push({ path: `subjects.${i}.id`, message: `no ${s.type} ${s.id} in this company` });
        return { type: s.type, id: s.id, domainId: s.domainId ?? '' };
      }
      if (s.domainId && s.domainId !== t.domainId) issues.push({ path: `subjects.${i}.domainId`, message: `the ${s.type} ${t.name} is in domain ${domainName(t.domainId)}` });
      return { type: s.type, id: s.id, domainId: t.domainId };
    });
    if (issues.length === 0) issues.push(...sharingRuleIssues(input.objectType, objectDomainId, subjects, domainName));
    if (issues.length) throw badRequest(`invalid authorization: ${issues.map((x) => `${x.path}: ${x.message}`).join('; ')}`, issues);

    const existing = await this.repo.existing(input.objectType, objectRef, subjects.map((s) => s.id));
    if (existing.length) {
      throw new ApiError(
        409,
        'conflict',
        `already granted: ${existing.map((a) => `${a.subjectType} ${principals.get(a.subjectId)?.name ?? a.subjectId}`).join(', ')} (nothing was granted)`,
        existing.map((a) => ({ authorizationId: a.id, subjectType: a.subjectType, subjectId: a.subjectId })),
      );
    }

    const rows: NewAuthorization[] = subjects.map((s) => ({
      companyId,
      objectType: input.objectType,
      objectRef,
      objectDomainId,
      subjectType: s.type,
      subjectId: s.id,
      subjectDomainId: s.domainId,
    }));
    const saved = await this.repo.grant(rows, async (tx) => {
      if (input.objectType === 'application') await this.licences.assertWithinLicence(objectRef as ApplicationCode, tx);
    });
    const items = saved.map((a) =>
      toAuthorization({ ...a, objectName: object?.name ?? null, objectKind: object?.kind ?? null, subjectName: principals.get(a.subjectId)?.name ?? null }),
    );
    for (const a of items) await this.audit.record(admin, { companyId, action: 'create', entity: 'authorization', entityId: a.id, after: a });
    this.changes.announce(...items.map((a) => ({ entity: 'authorization' as const, id: a.id, change: 'created' as const })));
    return items;
  }

  async list(admin: AdminPrincipal, companyId: string, q: ListAuthorizationsQuery) {
    await this.company(admin, companyId);
    const objectRef = q.objectRef && q.objectType !== 'application' && /^[0-9a-f-]{36}$/i.test(q.objectRef) ? q.objectRef.toLowerCase() : q.objectRef;
    const [rows, total] = await this.repo.list(companyId, { ...q, objectRef }, q);
    return { total, offset: q.offset, limit: q.limit, items: rows.map(toAuthorization) };
  }

  async get(admin: AdminPrincipal, companyId: string, id: string) {
    await this.company(admin, companyId);
    const a = await this.repo.find(companyId, id);
    if (!a) throw notFound(`authorization ${id}`);
    return toAuthorization(a);
  }

  /** Revokes one authorization (404 if it is not one of the company's). */
  async revoke(admin: AdminPrincipal, companyId: string, id: string) {
    await this.company(admin, companyId);
    if (!(await this.repo.find(companyId, id))) throw notFound(`authorization ${id}`);
    await this.revokeMany(admin, companyId, [id]);
  }

  /** Revokes several authorizations, all or nothing: 400 naming the ids that are not the company's. */
  async revokeMany(admin: AdminPrincipal, companyId: string, ids: string[]) {
    await this.company(admin, companyId);
    const removed = await this.repo.revoke(companyId, ids, (found) => {
      const missing = ids.map((id, i) => ({ id, i })).filter((x) => !found.includes(x.id));
      if (missing.length) {
        throw badRequest(
          `no such authorizations in this company: ${missing.map((m) => m.id).join(', ')} (nothing was revoked)`,
          missing.map((m) => ({ path: `ids.${m.i}`, message: `no authorization ${m.id} in this company` })),
        );
      }
    });
    const items = removed.map(toAuthorization);
    for (const a of items) await this.audit.record(admin, { companyId, action: 'delete', entity: 'authorization', entityId: a.id, before: a });
    this.changes.announce(...items.map((a) => ({ entity: 'authorization' as const, id: a.id, change: 'deleted' as const })));
    return { revoked: items.map((a) => a.id) };
  }
}
