import type { AuthorizationObjectType, AuthorizationSubjectType } from '@tws/contracts';
import { SAME_DOMAIN_ONLY } from './rights.schemas';

export interface ResolvedSubject {
  type: AuthorizationSubjectType;
  id: string;
  domainId: string;
}

/**
 * The sharing rules of the guide, once every id is known to be of the same company:
 * directories, calendars and intercom groups may be shared with other domains (7.4.2–7.4.4);
 * phone queues and call logs may not (7.4.5, 7.4.6). Returns one issue per refused subject.
 */
export function sharingRuleIssues(
  objectType: AuthorizationObjectType,
  objectDomainId: string | null,
  subjects: ResolvedSubject[],
  domainName: (id: string) => string,
): { path: string; message: string }[] {
  if (!(objectType in SAME_DOMAIN_ONLY) || objectDomainId === null) return [];
  const what = SAME_DOMAIN_ONLY[objectType as keyof typeof SAME_DOMAIN_ONLY];
  return subjects.flatMap((s, i) =>
    s.domainId === objectDomainId
      ? []
      : [
          {
            path: `subjects.${i}`,
            message: `${what} cannot be shared between domains: the ${objectType} is in domain ${domainName(objectDomainId)}, this ${s.type} in domain ${domainName(s.domainId)}`,
          },
        ],
  );
}
