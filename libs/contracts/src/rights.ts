import { z } from 'zod';
import { AUTHORIZATION_OBJECT_TYPES, AUTHORIZATION_SUBJECT_TYPES } from './applications';
import { defineRequest, replyEnvelope } from './contract';

/**
 * Effective rights (guide 7.4): what a user may see, through authorizations held directly or
 * through its groups. Answered by web-services from a cache invalidated on every change.
 */

/** What each right points to: application codes, or the uuids of directories, intercom groups,
 * phone queues, and of the users whose calendar / call log / statistics / records may be seen. */
export const effectiveRightsByTypeSchema = z
  .object(Object.fromEntries(AUTHORIZATION_OBJECT_TYPES.map((t) => [t, z.array(z.string())])) as Record<(typeof AUTHORIZATION_OBJECT_TYPES)[number], z.ZodArray<z.ZodString>>)
  .partial();

export const effectiveRightsSchema = z.object({
  userId: z.uuid(),
  domainId: z.uuid(),
  companyId: z.uuid(),
  /** Groups the user belongs to. */
  groupIds: z.array(z.uuid()),
  /** Per object type, sorted. Only the asked type when the query names one. */
  rights: effectiveRightsByTypeSchema,
});
export type EffectiveRights = z.infer<typeof effectiveRightsSchema>;

export const rightsQuerySchema = z
  .object({
    userId: z.uuid(),
    objectType: z.enum(AUTHORIZATION_OBJECT_TYPES).optional(),
  })
  .strict();
export type RightsQuery = z.infer<typeof rightsQuerySchema>;

/** `tws.rights.query`: the effective rights of a user (all types, or one). */
export const EffectiveRightsQuery = defineRequest(
  'effective rights query',
  'tws.rights.query',
  () => 'tws.rights.query',
  rightsQuerySchema,
  replyEnvelope(effectiveRightsSchema),
);

export const rightsCheckSchema = z
  .object({
    userId: z.uuid(),
    objectType: z.enum(AUTHORIZATION_OBJECT_TYPES),
    /** Application code, or uuid of the directory / intercom group / phone queue / user. */
    objectRef: z.string().trim().min(1).max(64),
  })
  .strict();
export type RightsCheck = z.infer<typeof rightsCheckSchema>;

/** Why a user may see an object: its own data, or an authorization (with its subject). */
export const rightsViaSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('self') }),
  z.object({
    kind: z.literal('authorization'),
    authorizationId: z.uuid(),
    subjectType: z.enum(AUTHORIZATION_SUBJECT_TYPES),
    subjectId: z.uuid(),
    objectRef: z.string(),
  }),
]);
export type RightsVia = z.infer<typeof rightsViaSchema>;

export const rightsCheckResultSchema = z.object({ allowed: z.boolean(), via: z.array(rightsViaSchema) });
export type RightsCheckResult = z.infer<typeof rightsCheckResultSchema>;

/** `tws.rights.check`: may user U see object O? */
export const EffectiveRightsCheck = defineRequest(
  'rights check',
  'tws.rights.check',
  () => 'tws.rights.check',
  rightsCheckSchema,
  replyEnvelope(rightsCheckResultSchema),
);
