import { APPLICATIONS } from '@tws/contracts';
import type { AuthorizationEntity, AuthorizationView, GroupRow } from '@tws/rights-data-access';

export const toGroup = (g: GroupRow) => ({
  id: g.id,
  domainId: g.domainId,
  name: g.name,
  description: g.description,
  memberCount: g.memberCount,
  createdAt: g.createdAt.toISOString(),
  updatedAt: g.updatedAt.toISOString(),
});

/**
 * An authorization as the API shows it. `objectKind` says what `objectRef` points to (for
 * calendars and call logs: a user or a group); names are given for users, groups and applications.
 */
export const toAuthorization = (a: AuthorizationView | (AuthorizationEntity & Partial<Pick<AuthorizationView, 'objectName' | 'objectKind' | 'subjectName'>>)) => ({
  id: a.id,
  companyId: a.companyId,
  objectType: a.objectType,
  objectRef: a.objectRef,
  objectKind: a.objectType === 'application' ? 'application' : a.objectType === 'directory' || a.objectType === 'intercom-group' || a.objectType === 'phone-queue' ? a.objectType : (a.objectKind ?? null),
  objectName: a.objectType === 'application' ? (APPLICATIONS.find((x) => x.code === a.objectRef)?.label ?? null) : (a.objectName ?? null),
  objectDomainId: a.objectDomainId,
  subjectType: a.subjectType,
  subjectId: a.subjectId,
  subjectName: a.subjectName ?? null,
  subjectDomainId: a.subjectDomainId,
  createdAt: new Date(a.createdAt).toISOString(),
});
export type AuthorizationDto = ReturnType<typeof toAuthorization>;
