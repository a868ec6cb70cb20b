import { z } from 'zod';
import { APPLICATION_CODES, AUTHORIZATION_OBJECT_TYPES, AUTHORIZATION_SUBJECT_TYPES } from '@tws/contracts';

const uuid = z.uuid().transform((s) => s.toLowerCase());
const page = {
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
};

// groups (guide 3.3.5, 7.3)
export const createGroupSchema = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(128),
    description: z.string().trim().max(500).default(''),
  })
  .strict();
export const updateGroupSchema = z
  .object({ name: createGroupSchema.shape.name, description: z.string().trim().max(500) })
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'give name and/or description');
export const listGroupsQuerySchema = z.object({ search: z.string().trim().max(100).optional() });
export const membersSchema = z
  .object({
    userIds: z
      .array(uuid)
      .min(1)
      .max(1000)
      .refine((ids) => new Set(ids).size === ids.length, 'the same user appears twice'),
  })
  .strict();
export const listMembersQuerySchema = z.object({ search: z.string().trim().max(100).optional(), ...page });

export type CreateGroup = z.infer<typeof createGroupSchema>;
export type UpdateGroup = z.infer<typeof updateGroupSchema>;
export type Members = z.infer<typeof membersSchema>;
export type ListMembersQuery = z.infer<typeof listMembersQuerySchema>;

// authorizations (guide 7.4)
/** Objects that live in a domain and whose tables come with their own issues (any uuid for now). */
export const DOMAIN_OBJECT_TYPES = ['directory', 'intercom-group', 'phone-queue'] as const;
/** Objects that cannot be shared with subjects of another domain (guide 7.4.5, 7.4.6). */
export const SAME_DOMAIN_ONLY = { 'phone-queue': 'phone queues (guide 7.4.5)', 'call-log': 'call logs (guide 7.4.6)' } as const;

const subjectSchema = z
  .object({
    type: z.enum(AUTHORIZATION_SUBJECT_TYPES),
    id: uuid,
    /** Required for phone queues and intercom groups; derived (and checked if given) for users and groups. */
    domainId: uuid.optional(),
  })
  .strict();

export const grantSchema = z
  .object({
    objectType: z.enum(AUTHORIZATION_OBJECT_TYPES),
    /**
     * application: an application code; directory / intercom-group / phone-queue: the object's
     * uuid; calendar / call-log: the uuid of the user or group sharing it; statistics / records:
     * the uuid of the user who will see the data of the subjects.
     */
    objectRef: z.string().trim().min(1).max(64),
    /** Required for directory / intercom-group / phone-queue; derived for the others. */
    objectDomainId: uuid.optional(),
    subjects: z.array(subjectSchema).min(1).max(1000),
  })
  .strict()
  .superRefine((g, ctx) => {
    if (g.objectType === 'application') {
      if (!(APPLICATION_CODES as readonly string[]).includes(g.objectRef)) {
        ctx.addIssue({ code: 'custom', path: ['objectRef'], message: `not an application code (one of ${APPLICATION_CODES.join(', ')})` });
      }
      if (g.objectDomainId) ctx.addIssue({ code: 'custom', path: ['objectDomainId'], message: 'applications belong to no domain' });
    } else {
      if (!z.uuid().safeParse(g.objectRef).success) ctx.addIssue({ code: 'custom', path: ['objectRef'], message: `the uuid of the ${g.objectType === 'statistics' || g.objectType === 'records' ? 'viewing user' : g.objectType}` });
      if ((DOMAIN_OBJECT_TYPES as readonly string[]).includes(g.objectType) && !g.objectDomainId) {
        ctx.addIssue({ code: 'custom', path: ['objectDomainId'], message: `required: the domain of the ${g.objectType}` });
      }
    }
    const seen = new Set<string>();
    g.subjects.forEach((s, i) => {
      if ((s.type === 'phone-queue' || s.type === 'intercom-group') && g.objectType !== 'directory') {
        ctx.addIssue({ code: 'custom', path: ['subjects', i, 'type'], message: `${s.type}s receive directory rights only (guide 9.1.7, 9.2.2)` });
      }
      if ((g.objectType === 'statistics' || g.objectType === 'records') && s.type !== 'user' && s.type !== 'group') {
        ctx.addIssue({ code: 'custom', path: ['subjects', i, 'type'], message: 'the users or groups whose data is seen' });
      }
      if ((s.type === 'phone-queue' || s.type === 'intercom-group') && !s.domainId) {
        ctx.addIssue({ code: 'custom', path: ['subjects', i, 'domainId'], message: `required for a ${s.type}` });
      }
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['subjects', i, 'id'], message: 'appears twice' });
      seen.add(s.id);
    });
  });
export type Grant = z.infer<typeof grantSchema>;

export const revokeSchema = z
  .object({ ids: z.array(uuid).min(1).max(1000).refine((ids) => new Set(ids).size === ids.length, 'the same id appears twice') })
  .strict();
export type Revoke = z.infer<typeof revokeSchema>;

export const listAuthorizationsQuerySchema = z
  .object({
    objectType: z.enum(AUTHORIZATION_OBJECT_TYPES).optional(),
    objectRef: z.string().trim().min(1).max(64).optional(),
    objectDomainId: uuid.optional(),
    subjectType: z.enum(AUTHORIZATION_SUBJECT_TYPES).optional(),
    subjectId: uuid.optional(),
    subjectDomainId: uuid.optional(),
    ...page,
  })
  .strict();
export type ListAuthorizationsQuery = z.infer<typeof listAuthorizationsQuerySchema>;

// effective rights
export const effectiveRightsQuerySchema = z.object({ objectType: z.enum(AUTHORIZATION_OBJECT_TYPES).optional() }).strict();
export const rightsCheckQuerySchema = z
  .object({ objectType: z.enum(AUTHORIZATION_OBJECT_TYPES), objectRef: z.string().trim().min(1).max(64) })
  .strict();
