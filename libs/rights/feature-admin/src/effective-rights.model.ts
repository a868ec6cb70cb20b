import {
  AUTHORIZATION_OBJECT_TYPES,
  type AuthorizationObjectType,
  type EffectiveRights,
  type RightsCheckResult,
  type RightsVia,
} from '@tws/contracts';
import { OWNED_OBJECT_TYPES, type UserRightsRows } from '@tws/rights-data-access';

/** The effective rights of one user, ready to answer queries without touching the database. */
export interface UserRights {
  userId: string;
  domainId: string;
  companyId: string;
  groupIds: string[];
  /** Per object type: object ref → why the user may see it. */
  byType: Record<AuthorizationObjectType, Map<string, RightsVia[]>>;
  /** The full answer of a query, built once. */
  all: EffectiveRights;
}

/** Types whose object is a person's data: a user always sees its own. */
const OWN_DATA_TYPES: ReadonlySet<AuthorizationObjectType> = new Set(OWNED_OBJECT_TYPES);

/**
 * Effective rights from the rows of one snapshot:
 * - every authorization held by the user or one of its groups gives its object; a calendar or
 *   call log shared by a group gives the calendar / call log of each member of that group;
 * - statistics and records are granted the other way round (guide 7.4, 9.4.2): an authorization
 *   whose object is the user lets it see the data of its subject, a user or each member of a group.
 */
export function computeRights(rows: UserRightsRows): UserRights {
  const byType = Object.fromEntries(AUTHORIZATION_OBJECT_TYPES.map((t) => [t, new Map<string, RightsVia[]>()])) as UserRights['byType'];
  const add = (type: AuthorizationObjectType, ref: string, via: RightsVia) => {
    const list = byType[type].get(ref);
    if (list) list.push(via);
    else byType[type].set(ref, [via]);
  };
  const usersOf = (id: string) => rows.groupMembers.get(id) ?? [id];
  for (const a of rows.held) {
    const via: RightsVia = { kind: 'authorization', authorizationId: a.id, subjectType: a.subjectType, subjectId: a.subjectId, objectRef: a.objectRef };
    if (a.objectType === 'calendar' || a.objectType === 'call-log') for (const u of usersOf(a.objectRef)) add(a.objectType, u, via);
    else add(a.objectType, a.objectRef, via);
  }
  for (const a of rows.viewing) {
    const via: RightsVia = { kind: 'authorization', authorizationId: a.id, subjectType: a.subjectType, subjectId: a.subjectId, objectRef: a.objectRef };
    for (const u of a.subjectType === 'group' ? usersOf(a.subjectId) : [a.subjectId]) add(a.objectType, u, via);
  }
  const all: EffectiveRights = {
    userId: rows.user.id,
    domainId: rows.user.domainId,
    companyId: rows.user.companyId,
    groupIds: [...rows.groupIds].sort(),
    rights: Object.fromEntries(AUTHORIZATION_OBJECT_TYPES.map((t) => [t, [...byType[t].keys()].sort()])),
  };
  return { userId: rows.user.id, domainId: rows.user.domainId, companyId: rows.user.companyId, groupIds: all.groupIds, byType, all };
}

/** The query answer: every type, or only the one asked for. */
export function rightsAnswer(r: UserRights, objectType?: AuthorizationObjectType): EffectiveRights {
  return objectType ? { ...r.all, rights: { [objectType]: r.all.rights[objectType] ?? [] } } : r.all;
}

/**
 * May the user see this object? Its own calendar, call log, statistics and records always (the
 * application right, e.g. TWS Stats, is checked separately); anything else through an authorization.
 */
export function checkRight(r: UserRights, objectType: AuthorizationObjectType, objectRef: string): RightsCheckResult {
  const ref = objectType === 'application' ? objectRef : objectRef.toLowerCase();
  const via: RightsVia[] = [...(OWN_DATA_TYPES.has(objectType) && ref === r.userId ? [{ kind: 'self' as const }] : []), ...(r.byType[objectType].get(ref) ?? [])];
  return { allowed: via.length > 0, via };
}
